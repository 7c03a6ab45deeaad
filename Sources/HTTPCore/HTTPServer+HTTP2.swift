import Dispatch

/// HTTP/2 on the same port (RFC 9113): a connection becomes HTTP/2 when its first bytes are the
/// client preface (prior knowledge, §3.3) or when an HTTP/1.1 request asks `Upgrade: h2c`
/// (RFC 7540 §3.2). From then on its bytes go through an ``HTTP2Session``; each request reaches the
/// same ``HTTPHandler`` as over HTTP/1, and each response — including the broken deliveries — is
/// mapped to frames the way a real HTTP/2 server fails: `reset` → RST_STREAM, `close` → GOAWAY and
/// a TCP close, `truncate` → DATA shorter than `content-length` then RST_STREAM, `slow` → DATA over
/// time, `hang` → a stream that never answers while its siblings do, `__delay` → only that stream waits.
extension HTTPServer {
    /// The client connection preface (RFC 9113 §3.4).
    static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    enum PrefaceCheck { case http2, http1, needMoreBytes }

    /// Looks at a fresh connection's first bytes.
    static func checkPreface(_ input: UnsafeRawBufferPointer) -> PrefaceCheck {
        let count = min(input.count, http2Preface.count)
        for index in 0..<count where input[index] != http2Preface[index] { return .http1 }
        return count == http2Preface.count ? .http2 : .needMoreBytes
    }

    /// Switches `connection` to HTTP/2 with `session`; `upgraded` is the request that asked for it
    /// (answered as stream 1 after the 101), `nil` for prior knowledge.
    func startHTTP2(_ connection: HTTPConnection, session: HTTP2Session, upgraded: HTTPRequest? = nil) {
        let h2 = HTTP2Connection(session: session)
        connection.http2 = h2
        connection.requestStartedAt = nil
        if isDraining { _ = h2.transport.drain(exchangeInFlight: true) }
        // Stream 1 is answered once the client speaks HTTP/2, as Go's x/net/http2 does (it reads the
        // client preface before serving the upgrade request). Sent right behind the 101, a large first
        // response arrives in the same read as the 101's head, and curl refuses more than 32 KiB
        // there ("connection buffer size is too small to store data following HTTP Upgrade"). Drains
        // pass exchangeInFlight: true for it; the idle timeout still closes a client that never speaks.
        h2.upgradeRequest = upgraded
        receiveHTTP2(connection, h2)
    }

    /// The h2c upgrade (RFC 7540 §3.2) applies to a request that names `h2c` in `Upgrade`, carries
    /// exactly one `HTTP2-Settings`, and lists both in `Connection`; others stay HTTP/1.1.
    func http2Upgrade(for request: HTTPRequest) -> HTTP2Session? {
        guard configuration.acceptsHTTP2, request.version == .http11,
              request.headers.hasToken("h2c", for: "Upgrade"),
              request.headers.count(of: "HTTP2-Settings") == 1, let settings = request.headers["HTTP2-Settings"]
        else { return nil }
        let connectionTokens = request.headers.tokens(for: "Connection")
        guard connectionTokens.contains("upgrade"), connectionTokens.contains("http2-settings") else { return nil }
        return HTTP2Session(limits: configuration.limits, upgradeSettings: settings, isHead: request.method == "HEAD")
    }

    static let switchingProtocols = Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".utf8)

    // MARK: - Input

    /// Reads what the socket holds and feeds it to the session.
    func readHTTP2(_ connection: HTTPConnection, _ h2: HTTP2Connection) {
        let space = connection.readableSpace()
        guard !space.isEmpty else { receiveHTTP2(connection, h2); return }
        switch Socket.read(connection.fd, into: space) {
        case .bytes(let count):
            connection.didRead(count)
            connection.lastActivity = Self.now()
            receiveHTTP2(connection, h2)
        case .wouldBlock:
            return
        case .closed:
            // An HTTP/2 client that closes its side has given up on every stream: nobody reads the
            // answers, so the slot is freed now.
            perform(h2.transport.peerHalfClosed(exchangeInFlight: true), on: connection)
        case .failed:
            perform(h2.transport.abort(), on: connection)
        }
    }

    /// Hands buffered input to nghttp2, answers the requests it completed, and writes the frames.
    func receiveHTTP2(_ connection: HTTPConnection, _ h2: HTTP2Connection) {
        if connection.hasBufferedInput {
            do {
                try h2.session.receive(connection.input)
            } catch {
                // A connection error (bad preface, flood, invalid frames): nghttp2 queued GOAWAY where
                // it could; send it, then close (RFC 9113 §5.4.1).
                connection.consumeInput(connection.input.count)
                configuration.logger.debug("HTTP/2 connection error", metadata: ["error": "\(error.message)"])
                closeHTTP2AfterSending(connection, h2)
                return
            }
            connection.consumeInput(connection.input.count)
            if let upgraded = h2.upgradeRequest {
                h2.upgradeRequest = nil
                answerHTTP2(upgraded, streamID: 1, on: connection, h2)
            }
        }
        for event in h2.session.takeEvents() {
            guard isOpen(connection) else { return }
            switch event {
            case .request(let streamID, let request):
                answerHTTP2(request, streamID: streamID, on: connection, h2)
            case .rejected(let streamID, let request, let status):
                let response = refusal(of: request, status: status, message: status.reasonPhrase.lowercased())
                h2.session.respond(streamID: streamID, response: response, isHead: request.method == "HEAD")
                report(connection, request: request, response: response, startedAt: Self.now())
            case .streamClosed(let streamID, _):
                // Answered, or the client cancelled it (RST_STREAM): a delayed answer is dropped,
                // a stream's body stops.
                h2.finish(streamID)?.body?.markFinished()
            }
        }
        pumpHTTP2(connection, h2)
    }

    // MARK: - Answering

    func answerHTTP2(_ request: HTTPRequest, streamID: Int32, on connection: HTTPConnection, _ h2: HTTP2Connection) {
        let startedAt = Self.now()
        let response = handler.handle(request)
        let isHead = request.method == "HEAD"
        if response.delivery == .normal, response.delayMilliseconds <= 0 {
            h2.session.respond(streamID: streamID, response: response, isHead: isHead)
            report(connection, request: request, response: response, startedAt: startedAt)
            return
        }
        h2.begin(streamID, request: request, startedAt: startedAt)
        guard response.delayMilliseconds > 0 else {
            deliverHTTP2(response, streamID: streamID, on: connection, h2)
            return
        }
        // Only this stream waits; the connection keeps serving its siblings.
        queue.asyncAfter(deadline: .now() + .milliseconds(response.delayMilliseconds)) { [weak self, weak connection] in
            guard let self, let connection, self.isOpen(connection), let h2 = connection.http2,
                  h2.stream(streamID) != nil else { return }
            self.deliverHTTP2(response, streamID: streamID, on: connection, h2)
            self.pumpHTTP2(connection, h2)
        }
    }

    private func deliverHTTP2(_ response: HTTPResponse, streamID: Int32, on connection: HTTPConnection, _ h2: HTTP2Connection) {
        guard let stream = h2.stream(streamID) else { return }
        let request = stream.request
        switch response.delivery {
        case .normal:
            h2.finish(streamID)
            h2.session.respond(streamID: streamID, response: response, isHead: stream.isHead)
            report(connection, request: request, response: response, startedAt: stream.startedAt)
        case .close:
            // The connection dies under the request: GOAWAY, then the TCP close, no response.
            report(connection, request: request, response: response, startedAt: stream.startedAt)
            h2.session.goAway()
            closeHTTP2AfterSending(connection, h2)
        case .reset:
            h2.finish(streamID)
            h2.session.reset(streamID: streamID)
            report(connection, request: request, response: response, startedAt: stream.startedAt)
        case .truncate:
            h2.finish(streamID)
            h2.session.sendHead(streamID: streamID, response: response, contentLength: response.body.count, bodyFollows: true)
            h2.session.appendBody(streamID: streamID, Array(response.body.prefix(response.body.count / 2)),
                                  isComplete: true, resetAtEnd: true)
            report(connection, request: request, response: response, startedAt: stream.startedAt)
        case .slow(let milliseconds):
            let body = stream.isHead ? [] : response.body
            h2.session.sendHead(streamID: streamID, response: response, contentLength: response.body.count,
                                bodyFollows: !body.isEmpty)
            guard !body.isEmpty else {
                h2.finish(streamID)
                report(connection, request: request, response: response, startedAt: stream.startedAt)
                return
            }
            let (chunk, interval) = Self.slowPacing(byteCount: body.count, over: milliseconds)
            sendHTTP2Slowly(body, from: 0, chunk: chunk, interval: interval, streamID: streamID,
                            on: connection, response: response)
        case .hang:
            // This stream never answers; its siblings, and new streams, still do.
            h2.hang(streamID)
            report(connection, request: request, response: response, startedAt: stream.startedAt)
        case .stream(let body):
            h2.session.sendHead(streamID: streamID, response: response, contentLength: nil, bodyFollows: true)
            h2.startStreaming(streamID, body: body)
            report(connection, request: request, response: response, startedAt: stream.startedAt)
            let sent = body.attach(
                sink: { [weak self, weak connection] bytes in
                    guard let self, let connection else { return }
                    self.queue.async { self.appendStreamedHTTP2(bytes, isComplete: false, streamID: streamID, on: connection) }
                },
                closer: { [weak self, weak connection] in
                    guard let self, let connection else { return }
                    self.queue.async { self.appendStreamedHTTP2([], isComplete: true, streamID: streamID, on: connection) }
                })
            h2.session.appendBody(streamID: streamID, sent, isComplete: false)
        }
    }

    private func sendHTTP2Slowly(
        _ body: [UInt8], from offset: Int, chunk: Int, interval: Int, streamID: Int32,
        on connection: HTTPConnection, response: HTTPResponse
    ) {
        guard isOpen(connection), let h2 = connection.http2, let stream = h2.stream(streamID) else { return }
        let end = min(body.count, offset + chunk)
        h2.session.appendBody(streamID: streamID, Array(body[offset..<end]), isComplete: end == body.count)
        if end == body.count {
            h2.finish(streamID)
            report(connection, request: stream.request, response: response, startedAt: stream.startedAt)
        }
        pumpHTTP2(connection, h2)
        guard end < body.count else { return }
        queue.asyncAfter(deadline: .now() + .milliseconds(interval)) { [weak self, weak connection] in
            guard let self, let connection else { return }
            self.sendHTTP2Slowly(body, from: end, chunk: chunk, interval: interval, streamID: streamID,
                                 on: connection, response: response)
        }
    }

    /// More of a streamed body; a reader that lets ``HTTPStream/maxPendingBytes`` pile up loses the stream.
    private func appendStreamedHTTP2(_ bytes: [UInt8], isComplete: Bool, streamID: Int32, on connection: HTTPConnection) {
        guard isOpen(connection), let h2 = connection.http2, h2.stream(streamID) != nil else { return }
        if h2.session.pendingBodyBytes + bytes.count > HTTPStream.maxPendingBytes {
            h2.finish(streamID)?.body?.markFinished()
            h2.session.reset(streamID: streamID)
        } else {
            h2.session.appendBody(streamID: streamID, bytes, isComplete: isComplete)
            if isComplete { h2.finish(streamID)?.body?.markFinished() }
        }
        pumpHTTP2(connection, h2)
    }

    // MARK: - Output

    /// Writes the frames nghttp2 has ready, batch by batch, until the socket pushes back; closes the
    /// connection once nghttp2 is done with it (GOAWAY exchanged and no stream left).
    func pumpHTTP2(_ connection: HTTPConnection, _ h2: HTTP2Connection) {
        let batch = configuration.limits.maxOutputBytesPerServe
        while isOpen(connection) {
            if connection.hasPendingOutput {
                flush(connection)
                guard isOpen(connection), !connection.hasPendingOutput else { return }
            }
            h2.session.drainOutput(into: &connection.output, maxBytes: batch)
            if !connection.hasPendingOutput { break }
        }
        guard isOpen(connection) else { return }
        let closing = h2.transport.phase == .closing || h2.transport.phase == .draining
        if h2.session.isFinished || (closing && h2.session.openStreams.isEmpty) {
            perform(h2.transport.abort(), on: connection)
        }
    }

    // MARK: - Shutdown and timeouts

    /// Graceful shutdown of an HTTP/2 connection: GOAWAY naming the last stream taken (RFC 9113
    /// §6.8); streams in flight complete, hanging and streamed ones are reset (they never would).
    func drainHTTP2(_ connection: HTTPConnection, _ h2: HTTP2Connection) {
        _ = h2.transport.drain(exchangeInFlight: true)
        for (streamID, stream) in h2.streams where stream.exchange.endsOnlyByClose {
            h2.finish(streamID)?.body?.markFinished()
            h2.session.reset(streamID: streamID, code: 0)
        }
        h2.session.goAway()
        pumpHTTP2(connection, h2)
    }

    /// The timer's verdict: a connection on which nothing moved for the idle timeout is closed like an
    /// idle keep-alive one — also when streams are open but stalled by the peer (a request never
    /// finished, a window it never opens), as HTTP/1 closes a client that stops reading. Streams we
    /// are delaying, trickling, hanging or streaming on purpose keep it open.
    func tickHTTP2(_ connection: HTTPConnection, _ h2: HTTP2Connection, now: UInt64, idleTimeout: UInt64) {
        guard !h2.hasStreamInFlight, now &- connection.lastActivity > idleTimeout else { return }
        h2.session.goAway()
        closeHTTP2AfterSending(connection, h2)
    }

    /// Writes what the session has queued (a GOAWAY, typically) as far as the socket takes it now,
    /// then closes the connection.
    private func closeHTTP2AfterSending(_ connection: HTTPConnection, _ h2: HTTP2Connection) {
        h2.transport.closeAfterFlush()
        pumpHTTP2(connection, h2)
        if isOpen(connection) { perform(h2.transport.abort(), on: connection) }
    }
}
