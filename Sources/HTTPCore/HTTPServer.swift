#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging

/// An HTTP/1.1 server on POSIX sockets. Every socket sits in one ``EventPoller`` whose descriptor
/// is watched by a single `DispatchSourceRead` on one serial queue, so all connection state is
/// confined to that queue and needs no locks.
public final class HTTPServer: @unchecked Sendable {
    public let configuration: Configuration
    private let handler: any HTTPHandler
    private let queue = DispatchQueue(label: "understudy.http.loop", qos: .userInitiated)

    // Loop-confined state.
    private var poller: EventPoller?
    private var listener: Int32 = -1
    private var source: (any DispatchSourceRead)?
    private var timer: (any DispatchSourceTimer)?
    private var connections: [Int32: HTTPConnection] = [:]
    private var nextConnectionID: UInt64 = 0
    private var encoder = HTTPEncoder()
    private var events: [PollEvent] = []
    private var isDraining = false
    private var drainDeadline: UInt64 = 0
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var isStopped = false
    private var boundPort = 0
    /// Over-cap clients that got their 503 and whose request is being read and discarded, so the
    /// close is a FIN after the response rather than a reset that could destroy it (nginx's
    /// lingering close). Descriptor → deadline.
    private var lingering: [Int32: UInt64] = [:]
    /// When accepting is paused (out of descriptors, or another accept failure), until when.
    private var acceptPausedUntil: UInt64?
    /// An open descriptor held back for the moment the process runs out: closing it lets the
    /// server accept one waiting client to tell it 503 instead of leaving it in the backlog.
    private var spareDescriptor: Int32 = -1
    /// Where lingering connections' input is read and forgotten.
    private let discardBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16 * 1024, alignment: 16)
    private var lastAcceptWarning: UInt64 = 0
    private var suppressedAcceptWarnings = 0

    /// Creates a server; nothing is bound until ``start()``.
    public init(configuration: Configuration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    deinit { discardBuffer.deallocate() }

    /// The bound port; meaningful after ``start()`` returns.
    public var port: Int { queue.sync { boundPort } }

    /// Binds, listens and starts serving on the event loop. Returns once the socket accepts connections.
    /// - Returns: the bound port (useful with port 0).
    @discardableResult
    public func start() throws(SocketError) -> Int {
        let (fd, port) = try Socket.listen(host: configuration.host, port: configuration.port)
        let poller: EventPoller
        do { poller = try EventPoller() } catch { Socket.close(fd); throw error }
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
            let tick = Self.tickInterval(for: configuration.limits)
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

    /// At most this many over-cap clients are drained at once; beyond it they get the 503 and an
    /// immediate close.
    static let maxLingering = 16
    /// How long an over-cap client may keep sending its request after the 503 (nginx's lingering_timeout).
    static let lingeringNanoseconds: UInt64 = 5_000_000_000

    static func tickInterval(for limits: HTTPLimits) -> DispatchTimeInterval {
        let shortest = min(limits.requestTimeout.milliseconds, limits.idleTimeout.milliseconds)
        return .milliseconds(Int(max(5, min(250, shortest / 4))))
    }

    // MARK: - Event loop

    private func handleEvents() {
        guard let poller else { return }
        poller.poll(into: &events)
        for event in events {
            if event.fd == listener {
                acceptConnections()
                continue
            }
            if lingering[event.fd] != nil {
                drainLingering(event.fd)
                continue
            }
            guard let connection = connections[event.fd] else { continue }
            if event.writable, connection.isWaitingForWritable { flush(connection) }
            // The peer closed while its response is delayed, slow or pending: nobody will read it,
            // so the slot is freed now rather than when the response is due (issue 11).
            if event.peerClosed, connection.isBusy, connections[event.fd] === connection {
                close(connection)
                continue
            }
            if event.readable, connections[event.fd] === connection { read(connection) }
        }
    }

    private func acceptConnections() {
        while listener >= 0, acceptPausedUntil == nil {
            let fd: Int32?
            do { fd = try Socket.accept(listener) } catch {
                acceptFailed(error)
                return
            }
            guard let fd else { return }
            if connections.count >= configuration.limits.maxConnections {
                refuse(fd, linger: lingering.count < Self.maxLingering)
                continue
            }
            nextConnectionID += 1
            let now = Self.now()
            let connection = HTTPConnection(fd: fd, id: nextConnectionID, limits: configuration.limits, now: now)
            // Until a complete request head arrives the connection is on the request (header)
            // timeout from accept, so silent connections cannot hold slots for the idle timeout.
            connection.requestStartedAt = now
            connections[fd] = connection
            poller?.add(fd, readable: true, writable: false)
        }
    }

    /// `accept` failed (typically EMFILE/ENFILE). The listener is level-triggered, so retrying at
    /// once would spin: stop watching it until a connection closes or 100 ms pass, and log at
    /// most once a second.
    private func acceptFailed(_ error: SocketError) {
        if error.isOutOfDescriptors, spareDescriptor >= 0 {
            Socket.close(spareDescriptor)
            spareDescriptor = -1
            if let fd = try? Socket.accept(listener) { refuse(fd, linger: false) }
            spareDescriptor = Socket.openSpareDescriptor()
        }
        let now = Self.now()
        acceptPausedUntil = now + 100_000_000
        if listener >= 0 { poller?.update(listener, readable: false, writable: false) }
        if now &- lastAcceptWarning >= 1_000_000_000 {
            var metadata: Logger.Metadata = ["error": "\(error)", "open connections": "\(connections.count)"]
            if suppressedAcceptWarnings > 0 { metadata["repeats"] = "\(suppressedAcceptWarnings)" }
            configuration.logger.warning("accept failed; pausing accepts", metadata: metadata)
            lastAcceptWarning = now
            suppressedAcceptWarnings = 0
        } else {
            suppressedAcceptWarnings += 1
        }
    }

    private func resumeAccepting() {
        guard acceptPausedUntil != nil else { return }
        acceptPausedUntil = nil
        guard listener >= 0 else { return }
        poller?.update(listener, readable: true, writable: false)
    }

    /// Over the connection cap: a 503 with `Connection: close` on the fresh socket. With `linger`,
    /// our side is shut down and the client's request read and discarded until it closes (or a
    /// short deadline), so the client reads the 503 instead of a reset.
    private func refuse(_ fd: Int32, linger: Bool) {
        var bytes: [UInt8] = []
        let response = HTTPResponse(status: .serviceUnavailable, text: #"{"error":"too many connections"}"#)
        encoder.encode(response, into: &bytes, keepAlive: false)
        _ = bytes.withUnsafeBytes { Socket.write(fd, $0) }
        guard linger, let poller else { Socket.close(fd); return }
        Socket.shutdownWrite(fd)
        lingering[fd] = Self.now() + Self.lingeringNanoseconds
        poller.add(fd, readable: true, writable: false)
    }

    private func drainLingering(_ fd: Int32) {
        switch Socket.read(fd, into: discardBuffer) {
        case .bytes, .wouldBlock: return
        case .closed, .failed: endLingering(fd)
        }
    }

    private func endLingering(_ fd: Int32) {
        guard lingering.removeValue(forKey: fd) != nil else { return }
        poller?.remove(fd)
        Socket.close(fd)
    }

    private func read(_ connection: HTTPConnection) {
        let space = connection.readableSpace()
        guard !space.isEmpty else {
            if !connection.isBusy, !connection.hasPendingOutput, !connection.closesAfterFlush {
                // The input cap is reached and still holds no complete request (chunk framing can
                // outgrow the body limit on the wire): it can never complete, so 413 now rather
                // than a stall until the request timeout.
                let response = HTTPResponse(status: .contentTooLarge, text: #"{"error":"request body too large"}"#)
                encoder.encode(response, into: &connection.output, keepAlive: false)
                connection.closesAfterFlush = true
                report(connection, request: nil, response: response, startedAt: Self.now())
                flush(connection)
                return
            }
            pauseReading(connection)
            return
        }
        switch Socket.read(connection.fd, into: space) {
        case .bytes(let count):
            connection.didRead(count)
            connection.lastActivity = Self.now()
            if connection.requestStartedAt == nil { connection.requestStartedAt = connection.lastActivity }
            serve(connection)
        case .wouldBlock:
            return
        case .closed:
            connection.peerClosed = true
            // A client that left while its response is delayed, slow or hanging frees its slot now.
            if connection.isBusy { close(connection); return }
            pauseReading(connection)
            serve(connection)
            guard connections[connection.fd] === connection else { return }
            // Whatever is still buffered is a partial request that can never complete: no 408
            // later to a closed peer, the slot is freed once the answered responses are out.
            if connection.hasPendingOutput, !connection.isBusy {
                connection.closesAfterFlush = true
            } else {
                close(connection)
            }
        case .failed:
            close(connection)
        }
    }

    /// Answers every complete request in the buffer, gathering the responses into one write.
    private func serve(_ connection: HTTPConnection) {
        while connections[connection.fd] === connection {
            var progressed = false
            while !connection.isBusy, !connection.closesAfterFlush, connection.output.count < 256 * 1024 {
                guard answerNextRequest(connection) else { break }
                progressed = true
            }
            if connection.hasPendingOutput { flush(connection) }
            guard progressed, connections[connection.fd] === connection, !connection.hasPendingOutput,
                  !connection.isBusy, !connection.closesAfterFlush, connection.hasBufferedInput
            else { break }
        }
    }

    /// Decodes and answers one request. Returns `false` when no complete request is buffered.
    private func answerNextRequest(_ connection: HTTPConnection) -> Bool {
        guard connection.hasBufferedInput else { return false }
        let decoded: (request: HTTPRequest, consumed: Int)?
        do {
            decoded = try connection.decoder.decode(connection.input)
        } catch {
            // Parse errors are fatal and polite: a full response with Connection: close (NIO's rule).
            // When the head was read, the handler may render the refusal for its route.
            let rejected = connection.decoder.rejectedRequest
            var response = HTTPResponse(status: error.status, text: #"{"error":"\#(error.message)"}"#)
            if let rejected, var rendered = handler.response(forRejected: rejected, status: error.status) {
                rendered.status = error.status
                rendered.delivery = .normal
                rendered.delayMilliseconds = 0
                response = rendered
            }
            encoder.encode(response, into: &connection.output, keepAlive: false, isHead: rejected?.method == "HEAD",
                           requestVersion: rejected?.version ?? .http11)
            connection.closesAfterFlush = true
            report(connection, request: rejected, response: response, startedAt: Self.now())
            return false
        }
        guard let (request, consumed) = decoded else {
            sendContinueIfExpected(connection)
            return false
        }
        let startedAt = Self.now()
        connection.consumeInput(consumed)
        connection.requestStartedAt = connection.hasBufferedInput ? startedAt : nil
        connection.sentContinue = false
        var response = handler.handle(request)
        let keepAlive = request.wantsKeepAlive && !response.closesConnection && !isDraining && !connection.peerClosed
        response.closesConnection = !keepAlive
        let isHead = request.method == "HEAD"
        if response.delivery == .normal, response.delayMilliseconds <= 0 {
            encoder.encode(response, into: &connection.output, keepAlive: keepAlive, isHead: isHead, requestVersion: request.version)
            if !keepAlive { connection.closesAfterFlush = true }
            report(connection, request: request, response: response, startedAt: startedAt)
            return true
        }
        connection.isBusy = true
        let delivery = DeferredDelivery(request: request, response: response, isHead: isHead, startedAt: startedAt)
        if response.delayMilliseconds > 0 {
            queue.asyncAfter(deadline: .now() + .milliseconds(response.delayMilliseconds)) { [weak self, weak connection] in
                guard let self, let connection, self.connections[connection.fd] === connection else { return }
                self.deliver(delivery, on: connection)
            }
        } else {
            deliver(delivery, on: connection)
        }
        return true
    }

    private func sendContinueIfExpected(_ connection: HTTPConnection) {
        guard !connection.sentContinue, connection.decoder.expectsContinue(connection.input) else { return }
        connection.sentContinue = true
        connection.output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
    }

    // MARK: - Deliberately unusual deliveries

    private struct DeferredDelivery {
        var request: HTTPRequest
        var response: HTTPResponse
        var isHead: Bool
        var startedAt: UInt64
    }

    private func deliver(_ delivery: DeferredDelivery, on connection: HTTPConnection) {
        let response = delivery.response
        let keepAlive = !response.closesConnection && !isDraining && !connection.peerClosed
        switch response.delivery {
        case .normal:
            encoder.encode(response, into: &connection.output, keepAlive: keepAlive, isHead: delivery.isHead,
                           requestVersion: delivery.request.version)
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            finishDeferred(connection, keepAlive: keepAlive)
        case .close:
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            close(connection)
        case .reset:
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            Socket.setLingerZero(connection.fd)
            close(connection)
        case .truncate:
            encoder.appendHead(response, bodyLength: response.body.count, into: &connection.output, keepAlive: false,
                               requestVersion: delivery.request.version)
            connection.output.append(contentsOf: response.body.prefix(response.body.count / 2))
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            connection.closesAfterFlush = true
            connection.isBusy = false
            flush(connection)
        case .slow(let milliseconds):
            var bytes: [UInt8] = []
            encoder.appendHead(response, bodyLength: response.body.count, into: &bytes, keepAlive: keepAlive,
                               requestVersion: delivery.request.version)
            // Where `Connection: close` goes if shutdown starts while the head is still trickling.
            var closeSlot: Range<Int>?
            if keepAlive {
                let keepAliveField = delivery.request.version == .http10 ? "Connection: keep-alive\r\n".utf8.count : 0
                closeSlot = (bytes.count - 2 - keepAliveField)..<(bytes.count - 2)
            }
            if !delivery.isHead { bytes.append(contentsOf: response.body) }
            let steps = max(1, min(bytes.count, milliseconds / 50))
            let chunk = (bytes.count + steps - 1) / steps
            let interval = milliseconds / steps
            connection.slowDelivery = HTTPConnection.SlowDelivery(bytes: bytes, sent: 0, closeSlot: closeSlot)
            sendSlowly(chunk: chunk, interval: interval, connection: connection) { [weak self] in
                guard let self else { return }
                self.report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
                self.finishDeferred(connection, keepAlive: keepAlive && !self.isDraining)
            }
        case .hang:
            // Stays busy until the peer leaves or shutdown closes it.
            connection.isHanging = true
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
        case .stream(let stream):
            // Hangs like `.hang` (so the peer leaving or shutdown closes it at once), but writes what the app pushes.
            encoder.appendHead(response, bodyLength: nil, into: &connection.output, keepAlive: false, requestVersion: delivery.request.version)
            connection.isHanging = true
            connection.stream = stream
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            let sent = stream.attach(
                sink: { [weak self, weak connection] bytes in
                    guard let self, let connection else { return }
                    self.queue.async { self.appendStreamed(bytes, to: connection) }
                },
                closer: { [weak self, weak connection] in
                    guard let self, let connection else { return }
                    self.queue.async { self.finishStream(connection) }
                })
            appendStreamed(sent, to: connection)
        }
    }

    /// More of a streamed body; a reader that lets ``HTTPStream/maxPendingBytes`` pile up is dropped.
    private func appendStreamed(_ bytes: [UInt8], to connection: HTTPConnection) {
        guard connections[connection.fd] === connection else { return }
        if connection.output.count - connection.outputOffset + bytes.count > HTTPStream.maxPendingBytes {
            close(connection)
            return
        }
        connection.output.append(contentsOf: bytes)
        if !connection.isWaitingForWritable { flush(connection) }
    }

    private func finishStream(_ connection: HTTPConnection) {
        guard connections[connection.fd] === connection else { return }
        connection.isBusy = false
        connection.closesAfterFlush = true
        if connection.hasPendingOutput { flush(connection) } else { close(connection) }
    }

    private func sendSlowly(
        chunk: Int, interval: Int, connection: HTTPConnection, completion: @escaping @Sendable () -> Void
    ) {
        guard connections[connection.fd] === connection, var slow = connection.slowDelivery else { return }
        let end = min(slow.bytes.count, slow.sent + chunk)
        connection.output.append(contentsOf: slow.bytes[slow.sent..<end])
        slow.sent = end
        connection.slowDelivery = end == slow.bytes.count ? nil : slow
        flush(connection)
        guard end < slow.bytes.count else { completion(); return }
        queue.asyncAfter(deadline: .now() + .milliseconds(interval)) { [weak self, weak connection] in
            guard let self, let connection else { return }
            self.sendSlowly(chunk: chunk, interval: interval, connection: connection, completion: completion)
        }
    }

    private func finishDeferred(_ connection: HTTPConnection, keepAlive: Bool) {
        guard connections[connection.fd] === connection else { return }
        let keepAlive = keepAlive && !isDraining
        connection.isBusy = false
        if !keepAlive { connection.closesAfterFlush = true }
        if connection.hasPendingOutput { flush(connection) }
        if connections[connection.fd] === connection, !connection.hasPendingOutput {
            if connection.closesAfterFlush { close(connection) } else { serve(connection) }
        }
    }

    // MARK: - Output

    private func flush(_ connection: HTTPConnection) {
        while connection.hasPendingOutput {
            let result = connection.output.withUnsafeBytes { bytes in
                Socket.write(connection.fd, UnsafeRawBufferPointer(rebasing: bytes[connection.outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                connection.outputOffset += count
                connection.lastActivity = Self.now()
            case .wouldBlock:
                // Stop reading while output is stuck, so a client that never reads cannot grow our memory.
                if !connection.isWaitingForWritable {
                    connection.isWaitingForWritable = true
                    poller?.update(connection.fd, readable: false, writable: true)
                }
                return
            case .closed, .failed:
                close(connection)
                return
            }
        }
        connection.discardSentOutput()
        if connection.closesAfterFlush, !connection.isBusy {
            close(connection)
            return
        }
        if connection.isWaitingForWritable {
            connection.isWaitingForWritable = false
            let readable = !connection.peerClosed
            connection.isReadingPaused = !readable
            poller?.update(connection.fd, readable: readable, writable: false)
            if !connection.isBusy { serve(connection) }
            if connection.peerClosed, connections[connection.fd] === connection, connection.isIdle { close(connection) }
        }
    }

    private func pauseReading(_ connection: HTTPConnection) {
        guard !connection.isReadingPaused else { return }
        connection.isReadingPaused = true
        poller?.update(connection.fd, readable: false, writable: connection.isWaitingForWritable)
    }

    private func close(_ connection: HTTPConnection) {
        guard connections[connection.fd] === connection else { return }
        connections[connection.fd] = nil
        poller?.remove(connection.fd)
        Socket.close(connection.fd)
        // A descriptor came free: accepting can resume if it was paused for lack of them.
        resumeAccepting()
        connection.stream?.markFinished()
        if isDraining, connections.isEmpty { finishStopping() }
    }

    private func report(_ connection: HTTPConnection, request: HTTPRequest?, response: HTTPResponse, startedAt: UInt64) {
        guard let onResponse = configuration.onResponse else { return }
        var exchange = HTTPExchange(
            connectionID: connection.id, request: request, status: response.status, delivery: response.delivery,
            durationNanoseconds: Self.now() &- startedAt, metadata: response.logMetadata
        )
        exchange.responseHeaders = response.headers
        exchange.responseBody = response.body
        onResponse(exchange)
    }

    // MARK: - Timeouts and shutdown

    private func sweep() {
        let now = Self.now()
        let requestTimeout = UInt64(configuration.limits.requestTimeout.milliseconds) * 1_000_000
        let idleTimeout = UInt64(configuration.limits.idleTimeout.milliseconds) * 1_000_000
        if let until = acceptPausedUntil, now >= until { resumeAccepting() }
        for (fd, deadline) in lingering where now >= deadline { endLingering(fd) }
        for connection in Array(connections.values) {
            if let started = connection.requestStartedAt, !connection.isBusy, !connection.closesAfterFlush,
               !connection.hasBufferedInput, !connection.hasPendingOutput, now &- started > requestTimeout {
                // Connected but silent: nothing to answer, just free the slot (nginx does the same).
                close(connection)
            } else if let started = connection.requestStartedAt, !connection.isBusy, !connection.closesAfterFlush,
               connection.hasBufferedInput, now &- started > requestTimeout {
                let response = HTTPResponse(status: .requestTimeout, text: #"{"error":"request not received in time"}"#)
                encoder.encode(response, into: &connection.output, keepAlive: false)
                connection.closesAfterFlush = true
                report(connection, request: nil, response: response, startedAt: started)
                flush(connection)
            } else if !connection.isBusy, !connection.hasBufferedInput, now &- connection.lastActivity > idleTimeout {
                close(connection)
            }
        }
        if isDraining, now > drainDeadline {
            for connection in Array(connections.values) { close(connection) }
        }
    }

    private func beginDrain() {
        guard !isDraining else { return }
        // Requests that already reached the kernel count as in flight: accept pending connections and
        // answer whatever complete requests are buffered (with Connection: close) before closing the rest.
        acceptConnections()
        isDraining = true
        drainDeadline = Self.now() + UInt64(configuration.limits.shutdownGracePeriod.milliseconds) * 1_000_000
        if listener >= 0 {
            poller?.remove(listener)
            Socket.close(listener)
            listener = -1
        }
        for connection in Array(connections.values) {
            if !connection.isBusy, !connection.isReadingPaused, !connection.closesAfterFlush { read(connection) }
            guard connections[connection.fd] === connection else { continue }
            // A slow response whose head is still trickling says `Connection: close` after all.
            if var slow = connection.slowDelivery, let slot = slow.closeSlot, slow.sent <= slot.lowerBound {
                slow.bytes.replaceSubrange(slot, with: "Connection: close\r\n".utf8)
                slow.closeSlot = nil
                connection.slowDelivery = slow
            }
            if connection.isHanging || (!connection.isBusy && !connection.hasPendingOutput) {
                close(connection)
            } else {
                connection.closesAfterFlush = true
            }
        }
        if connections.isEmpty { finishStopping() }
    }

    private func finishStopping() {
        guard !isStopped else { return }
        isStopped = true
        timer?.cancel()
        timer = nil
        for fd in Array(lingering.keys) { endLingering(fd) }
        if spareDescriptor >= 0 { Socket.close(spareDescriptor); spareDescriptor = -1 }
        let waiters = stopWaiters
        stopWaiters = []
        // libdispatch forgets a source's descriptor asynchronously, by number. Closing the epoll fd
        // before the cancel handler runs would let a new socket reuse that number and be silently
        // unregistered by the late cleanup, so the poller (and its fd) lives until then.
        let retiredPoller = poller
        poller = nil
        guard let source else {
            for waiter in waiters { waiter.resume() }
            return
        }
        source.setCancelHandler {
            withExtendedLifetime(retiredPoller) {}
            for waiter in waiters { waiter.resume() }
        }
        source.cancel()
        self.source = nil
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
