#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging

/// An HTTP/1.1 and HTTP/2 server on POSIX sockets. Every socket sits in one ``EventPoller`` whose descriptor
/// is watched by a single `DispatchSourceRead` on one serial queue, so all connection state is
/// confined to that queue and needs no locks.
///
/// Each connection's decisions are transitions of its ``HTTP1ConnectionState``; this class only
/// executes the actions they return (``perform(_:on:)``). The work is split by concern:
/// `+Accept` (accept, refuse, lingering close), `+Serve` (read, decode, pipelining),
/// `+Deliveries` (delayed, slow, truncated, hanging and streamed responses), `+Output` (flush),
/// `+Drain` (timeouts, graceful shutdown), `+HTTP2` (the same over an ``HTTP2Session``).
public final class HTTPServer: @unchecked Sendable {
    public let configuration: Configuration
    let handler: any HTTPHandler
    let queue = DispatchQueue(label: "understudy.http.loop", qos: .userInitiated)

    // Loop-confined state. The fields each request touches skip the runtime exclusivity check
    // (`@exclusivity(unchecked)`, see ``HTTPConnection``): they are used on the loop only, one
    // access at a time.
    var poller: EventPoller?
    @exclusivity(unchecked) var listener: Int32 = -1
    var source: (any DispatchSourceRead)?
    var timer: (any DispatchSourceTimer)?
    @exclusivity(unchecked) var connections = ConnectionTable()
    var nextConnectionID: UInt64 = 0
    @exclusivity(unchecked) var encoder = HTTPEncoder()
    /// The loop's one hot output buffer: a connection with nothing pending borrows it to encode and
    /// write its responses, and gives it back once they are out. With 1 000 connections, responses
    /// are then written from memory that stays in cache instead of from 1 000 buffers of their own;
    /// a connection whose write is cut short keeps it (and the loop takes that connection's empty one).
    @exclusivity(unchecked) var sharedOutput: [UInt8] = { var buffer: [UInt8] = []; buffer.reserveCapacity(32 * 1024); return buffer }()
    /// The loop's one hot input buffer, the counterpart of `sharedOutput`: a connection with no
    /// unparsed bytes reads into it (see ``HTTPConnection/tradeEmptyInput(with:)``), so a request arrives in
    /// memory that stays in cache rather than in the first lines of one of 1 000 cold buffers.
    @exclusivity(unchecked) var sharedInput: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) var events: [PollEvent] = []
    var isDraining = false
    var drainDeadline: UInt64 = 0
    var stopWaiters: [CheckedContinuation<Void, Never>] = []
    var isStopped = false
    var boundPort = 0
    /// Over-cap clients that got their 503 and whose request is being read and discarded, so the
    /// close is a FIN after the response rather than a reset that could destroy it (nginx's
    /// lingering close). Descriptor → deadline.
    @exclusivity(unchecked) var lingering: [Int32: UInt64] = [:]
    /// When accepting is paused (out of descriptors, or another accept failure), until when.
    var acceptPausedUntil: UInt64?
    /// An open descriptor held back for the moment the process runs out: closing it lets the
    /// server accept one waiting client to tell it 503 instead of leaving it in the backlog.
    var spareDescriptor: Int32 = -1
    /// Where lingering connections' input is read and forgotten (``HTTPLimits/discardBufferBytes``).
    let discardBuffer: UnsafeMutableRawBufferPointer
    var lastAcceptWarning: UInt64 = 0
    var suppressedAcceptWarnings = 0

    /// Creates a server; nothing is bound until ``start()``.
    public init(configuration: Configuration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        discardBuffer = .allocate(byteCount: max(1, configuration.limits.discardBufferBytes), alignment: 16)
        sharedInput = .allocate(byteCount: HTTPConnection.initialInputBytes(configuration.limits), alignment: 16)
    }

    deinit {
        discardBuffer.deallocate()
        sharedInput.deallocate()
    }

    /// The bound port; meaningful after ``start()`` returns.
    public var port: Int { queue.sync { boundPort } }

    /// Binds, listens and starts serving on the event loop. Returns once the socket accepts connections.
    /// - Returns: the bound port (useful with port 0).
    @discardableResult
    public func start() throws(SocketError) -> Int {
        let limits = configuration.limits
        let (fd, port) = try Socket.listen(
            host: configuration.host, port: configuration.port, backlog: Int32(clamping: limits.listenBacklog))
        let poller: EventPoller
        do { poller = try EventPoller(capacity: limits.pollBatchSize) } catch { Socket.close(fd); throw error }
        queue.sync {
            self.listener = fd
            self.boundPort = port
            self.poller = poller
            self.spareDescriptor = Socket.openSpareDescriptor()
            poller.add(fd, readable: true, writable: false)
            let source = DispatchSource.makeReadSource(fileDescriptor: poller.fd, queue: queue)
            source.setEventHandler { [unowned self] in self.handleEvents() }
            source.resume()
            self.source = source
            let timer = DispatchSource.makeTimerSource(queue: queue)
            let tick = Self.tickInterval(for: limits)
            timer.schedule(deadline: .now() + tick, repeating: tick, leeway: .milliseconds(5))
            timer.setEventHandler { [unowned self] in self.sweep() }
            timer.resume()
            self.timer = timer
        }
        configuration.logger.debug("listening", metadata: ["port": "\(port)"])
        return port
    }

    /// Graceful shutdown: stops accepting, lets in-flight responses finish (within the grace
    /// period), closes idle connections, and returns when every connection is closed.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if self.isStopped { continuation.resume(); return }
                self.stopWaiters.append(continuation)
                self.beginDrain()
            }
        }
    }

    /// Waits until the server has stopped (after ``stop()`` from elsewhere).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if self.isStopped { continuation.resume() } else { self.stopWaiters.append(continuation) }
            }
        }
    }

    /// Number of open connections (for tests and diagnostics).
    public var connectionCount: Int { queue.sync { connections.count } }

    /// Over-cap connections still being drained after their 503 (for tests and diagnostics).
    public var lingeringCount: Int { queue.sync { lingering.count } }

    static func tickInterval(for limits: HTTPLimits) -> DispatchTimeInterval {
        let shortest = min(limits.requestTimeout.milliseconds, limits.idleTimeout.milliseconds)
        return .milliseconds(Int(max(5, min(250, shortest / 4))))
    }

    // MARK: - Event loop

    /// How long one wake-up keeps the loop, and how many batches it answers at most. After a batch
    /// the set is polled again at once, and when nothing is ready the loop waits in `epoll_wait` for
    /// what is left of this time before it hands the thread back to Dispatch. Going back costs a
    /// round trip through Dispatch's manager thread (its own epoll_wait, then a futex wake of a
    /// worker: two context switches) for the next event, which a client that sends one request at a
    /// time (an SDK in a test) met on every request: waiting here made a single keep-alive client
    /// 7–20 % faster and `Connection: close` 3–5 % (server pinned, wrk on the other core). Bounded,
    /// so the sweep timer, delayed deliveries and `queue.sync` callers on the same queue wait about
    /// a millisecond and a batch at most. Waiting costs no CPU.
    static let wakeBudgetNanoseconds: UInt64 = 1_000_000
    static let batchesPerWake = 64

    func handleEvents() {
        guard let poller else { return }
        let deadline = Self.now() + Self.wakeBudgetNanoseconds
        for _ in 0..<Self.batchesPerWake {
            poller.poll(into: &events)
            if events.isEmpty {
                // epoll_wait counts whole milliseconds: one, only while the budget lasts.
                guard Self.now() < deadline else { return }
                poller.poll(into: &events, waitingMilliseconds: 1)
                guard !events.isEmpty else { return }
            }
            handleBatch()
            guard self.poller != nil, Self.now() < deadline else { return }
        }
    }

    private func handleBatch() {
        for event in events {
            if event.fd == listener {
                acceptConnections()
                continue
            }
            // Checked for emptiness first: hashing every event's descriptor cost more than the rare
            // lingering client it looks for.
            if !lingering.isEmpty, lingering[event.fd] != nil {
                drainLingering(event.fd)
                continue
            }
            guard let connection = connections[event.fd] else { continue }
            if let h2 = connection.http2 {
                if event.writable, h2.transport.isWriteBlocked { pumpHTTP2(connection, h2) }
                if event.readable, isOpen(connection) {
                    readHTTP2(connection, h2)
                } else if event.peerClosed, isOpen(connection) {
                    perform(h2.transport.abort(), on: connection)
                }
                continue
            }
            if event.writable, connection.state.isWriteBlocked { flush(connection) }
            // The peer closed while its response is delayed, slow or pending: nobody will read it,
            // so the slot is freed now rather than when the response is due (issue 11).
            if event.peerClosed, isOpen(connection) { perform(connection.state.peerHangUpNoticed(), on: connection) }
            if event.readable, isOpen(connection) { read(connection) }
        }
    }

    /// Whether `connection` is still the one registered for its descriptor (not closed, and its
    /// number not reused by a newer connection since a callback captured it).
    func isOpen(_ connection: HTTPConnection) -> Bool { connections[connection.fd] === connection }

    /// Executes what a transition of the connection's state asked for, in the order
    /// ``HTTPConnectionActions`` documents.
    func perform(_ actions: HTTPConnectionActions, on connection: HTTPConnection) {
        guard !actions.isEmpty else { return }
        if actions.contains(.close) {
            close(connection)
            return
        }
        if actions.contains(.updateInterest) {
            let state = connection.http2?.transport ?? connection.state.connection
            poller?.update(connection.fd, readable: state.wantsReadable, writable: state.wantsWritable)
        }
        if actions.contains(.answerContentTooLarge) {
            let response = HTTPResponse(status: .contentTooLarge, text: #"{"error":"request body too large"}"#)
            queueFinalResponse(response, on: connection, startedAt: Self.now())
        }
        if actions.contains(.answerRequestTimeout) {
            let response = HTTPResponse(status: .requestTimeout, text: #"{"error":"request not received in time"}"#)
            queueFinalResponse(response, on: connection, startedAt: connection.requestStartedAt ?? Self.now())
        }
        if actions.contains(.flush) { flush(connection) }
        if let h2 = connection.http2 {
            // HTTP/2 reads and writes through its session: `read` and `serve` mean feeding and pumping it.
            if actions.contains(.read), isOpen(connection) { readHTTP2(connection, h2) }
            if actions.contains(.serve), isOpen(connection) { pumpHTTP2(connection, h2) }
            return
        }
        if actions.contains(.read), isOpen(connection) { read(connection) }
        // Output still pending means the socket is full: the requests behind wait for it to drain.
        if actions.contains(.serve), isOpen(connection), !connection.hasPendingOutput { serve(connection) }
    }

    /// The answer to a request refused while it arrived (HTTP/1 parse error, HTTP/2 stream over the
    /// limits): the handler's rendering for its route when it has one, else the server's short JSON
    /// error; always delivered at once, whatever the rendering asked.
    func refusal(of request: HTTPRequest?, status: HTTPStatus, message: String) -> HTTPResponse {
        guard let request, var rendered = handler.response(forRejected: request, status: status) else {
            return HTTPResponse(status: status, text: #"{"error":"\#(message)"}"#)
        }
        rendered.status = status
        rendered.delivery = .normal
        rendered.delayMilliseconds = 0
        return rendered
    }

    /// A server-made error response (no request to answer, or one that cannot be read): the last on its connection.
    func queueFinalResponse(_ response: HTTPResponse, on connection: HTTPConnection, startedAt: UInt64) {
        encoder.encode(response, into: &connection.output, keepAlive: false)
        report(connection, request: nil, response: response, startedAt: startedAt)
    }

    /// Executes `.close`: forgets the connection and closes its socket.
    func close(_ connection: HTTPConnection) {
        guard isOpen(connection) else { return }
        connections[connection.fd] = nil
        // No `poller.remove` first: closing the last descriptor of a socket takes it out of the epoll
        // set (and kqueue) by itself, and the server never duplicates one. A syscall per connection.
        Socket.close(connection.fd)
        // A descriptor came free: accepting can resume if it was paused for lack of them.
        resumeAccepting()
        connection.stream?.markFinished()
        connection.http2?.streamedBodies.forEach { $0.markFinished() }
        if isDraining, connections.isEmpty { finishStopping() }
    }

    func report(_ connection: HTTPConnection, request: consuming HTTPRequest?, response: consuming HTTPResponse, startedAt: UInt64) {
        guard let onResponse = configuration.onResponse else { return }
        // The request and the response's parts move into the exchange, and it into the callback:
        // each is handed over once, so no reference is retained twice.
        var exchange = HTTPExchange(
            connectionID: connection.id, request: request, status: response.status, delivery: response.delivery,
            durationNanoseconds: Self.now() &- startedAt, metadata: HTTPLogMetadata()
        )
        swap(&exchange.metadata, &response.logMetadata)
        swap(&exchange.responseHeaders, &response.headers)
        swap(&exchange.responseBody, &response.body)
        onResponse(consume exchange)
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
