import Dispatch

/// Reading a connection and answering its requests in order (HTTP/1.1 pipelining, RFC 9112 §9.3.2).
extension HTTPServer {
    func read(_ connection: HTTPConnection) {
        let borrowed = connection.tradeEmptyInput(with: &sharedInput)
        defer { if borrowed { _ = connection.tradeEmptyInput(with: &sharedInput) } }
        let space = connection.readableSpace()
        guard !space.isEmpty else {
            perform(connection.state.inputFull(hasPendingOutput: connection.hasPendingOutput), on: connection)
            return
        }
        switch Socket.read(connection.fd, into: space) {
        case .bytes(let count):
            connection.didRead(count)
            connection.lastActivity = Self.now()
            if connection.requestStartedAt == nil { connection.requestStartedAt = connection.lastActivity }
            guard choseHTTP1(connection) else { return }
            serve(connection)
        case .wouldBlock:
            return
        case .closed:
            // A client that left while its response is delayed, slow or hanging frees its slot now;
            // otherwise what it sent before the FIN is answered.
            perform(connection.state.peerHalfClosed(), on: connection)
            guard isOpen(connection) else { return }
            perform(connection.state.servedAfterPeerHalfClosed(hasPendingOutput: connection.hasPendingOutput),
                    on: connection)
        case .failed:
            perform(connection.state.abort(), on: connection)
        }
    }

    /// On a fresh connection, whether its first bytes are HTTP/1 (or HTTP/2 is off); switches to
    /// HTTP/2 on the client preface (prior knowledge, RFC 9113 §3.3), and waits while the bytes so
    /// far could still be one.
    private func choseHTTP1(_ connection: HTTPConnection) -> Bool {
        guard !connection.protocolChosen else { return true }
        guard configuration.acceptsHTTP2 else { connection.protocolChosen = true; return true }
        switch Self.checkPreface(connection.input) {
        case .http1:
            connection.protocolChosen = true
            return true
        case .needMoreBytes:
            return false
        case .http2:
            connection.protocolChosen = true
            startHTTP2(connection, session: HTTP2Session(limits: configuration.limits))
            return false
        }
    }

    /// Answers every complete request in the buffer, gathering the responses into one write.
    func serve(_ connection: HTTPConnection) {
        let maxOutput = configuration.limits.maxOutputBytesPerServe
        let borrows = !connection.hasPendingOutput && connection.output.capacity < sharedOutput.capacity
        if borrows { swap(&connection.output, &sharedOutput) }
        defer { if borrows, connection.output.isEmpty, sharedOutput.isEmpty { swap(&connection.output, &sharedOutput) } }
        while isOpen(connection) {
            var progressed = false
            while connection.state.canAnswerRequest, connection.output.count < maxOutput {
                guard answerNextRequest(connection) else { break }
                progressed = true
            }
            if connection.hasPendingOutput { flush(connection) }
            guard progressed, isOpen(connection), !connection.hasPendingOutput,
                  connection.state.canAnswerRequest, connection.hasBufferedInput
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
            let response = refusal(of: rejected, status: error.status, message: error.message)
            encoder.encode(response, into: &connection.output, keepAlive: false, isHead: rejected?.method == "HEAD",
                           requestVersion: rejected?.version ?? .http11)
            connection.state.decodeFailed()
            report(connection, request: rejected, response: response, startedAt: Self.now())
            return false
        }
        // Consumed, so the request moves out of the optional (binding it from `decoded` copied the
        // request and destroyed both: ~1 100 instructions a request, callgrind).
        guard case let (request, consumed)? = consume decoded else {
            sendContinueIfExpected(connection)
            return false
        }
        let startedAt = Self.now()
        connection.consumeInput(consumed)
        connection.requestStartedAt = connection.hasBufferedInput ? startedAt : nil
        connection.protocolChosen = true
        if let session = http2Upgrade(for: request) {
            // RFC 7540 §3.2: 101, then the server preface; the request is answered as stream 1.
            connection.output.append(contentsOf: Self.switchingProtocols)
            startHTTP2(connection, session: session, upgraded: request)
            return false
        }
        var response = handler.handle(request)
        let keepAlive = connection.state.requestDecoded(
            wantsKeepAlive: request.wantsKeepAlive && !response.closesConnection && !isDraining)
        response.closesConnection = !keepAlive
        let isHead = request.method == "HEAD"
        if response.delivery == .normal, response.delayMilliseconds <= 0 {
            encoder.encode(response, into: &connection.output, keepAlive: keepAlive, isHead: isHead,
                           requestVersion: request.version)
            connection.state.respondedAtOnce(keepAlive: keepAlive)
            report(connection, request: consume request, response: consume response, startedAt: startedAt)
            return true
        }
        connection.state.respondDeferred()
        let delivery = DeferredDelivery(request: request, response: response, isHead: isHead, startedAt: startedAt)
        if response.delayMilliseconds > 0 {
            queue.asyncAfter(deadline: .now() + .milliseconds(response.delayMilliseconds)) {
                [weak self, weak connection] in
                guard let self, let connection, self.isOpen(connection) else { return }
                self.deliver(delivery, on: connection)
            }
        } else {
            deliver(delivery, on: connection)
        }
        return true
    }

    /// RFC 9110 §10.1.1: a client that sent `Expect: 100-continue` waits for the interim response
    /// before its body; sent once per request, only while its body is still missing.
    private func sendContinueIfExpected(_ connection: HTTPConnection) {
        guard connection.state.mayContinue, connection.decoder.expectsContinue(connection.input) else { return }
        connection.state.continueSent()
        connection.output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
    }
}
