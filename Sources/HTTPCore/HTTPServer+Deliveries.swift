import Dispatch

/// Responses that are not simply written at once: delayed (`__delay`), and the deliberately unusual
/// ``HTTPResponse/Delivery`` modes — close or reset without a response, a truncated body, a slow
/// trickle, a hang, and an open-ended stream. Each ends in a transition of the connection's
/// exchange (``HTTP1ConnectionState``).
extension HTTPServer {
    struct DeferredDelivery {
        var request: HTTPRequest
        var response: HTTPResponse
        var isHead: Bool
        var startedAt: UInt64
    }

    func deliver(_ delivery: DeferredDelivery, on connection: HTTPConnection) {
        let response = delivery.response
        let keepAlive = connection.state.deferredKeepAlive(closesConnection: response.closesConnection) && !isDraining
        switch response.delivery {
        case .normal:
            encoder.encode(response, into: &connection.output, keepAlive: keepAlive, isHead: delivery.isHead,
                           requestVersion: delivery.request.version)
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            finishDeferred(connection, keepAlive: keepAlive)
        case .close:
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            perform(connection.state.abort(), on: connection)
        case .reset:
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            Socket.setLingerZero(connection.fd)
            perform(connection.state.abort(), on: connection)
        case .truncate:
            encoder.appendHead(response, bodyLength: response.body.count, into: &connection.output, keepAlive: false,
                               requestVersion: delivery.request.version)
            connection.output.append(contentsOf: response.body.prefix(response.body.count / 2))
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            perform(connection.state.truncated(), on: connection)
        case .slow(let milliseconds):
            deliverSlowly(delivery, over: milliseconds, keepAlive: keepAlive, on: connection)
        case .hang:
            // Stays in flight until the peer leaves or shutdown closes it.
            connection.state.hang()
            report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
        case .stream(let stream):
            // Ends only by a close like `.hang` (so the peer leaving or shutdown closes it at once),
            // but writes what the app pushes.
            encoder.appendHead(response, bodyLength: nil, into: &connection.output, keepAlive: false,
                               requestVersion: delivery.request.version)
            connection.state.startStream()
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

    /// `slow`: the whole response (head included) in chunks about 50 ms apart over `milliseconds`.
    private func deliverSlowly(
        _ delivery: DeferredDelivery, over milliseconds: Int, keepAlive: Bool, on connection: HTTPConnection
    ) {
        let response = delivery.response
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
        let (chunk, interval) = Self.slowPacing(byteCount: bytes.count, over: milliseconds)
        connection.slowDelivery = HTTPConnection.SlowDelivery(bytes: bytes, sent: 0, closeSlot: closeSlot)
        sendSlowly(chunk: chunk, interval: interval, connection: connection) { [weak self] in
            guard let self else { return }
            self.report(connection, request: delivery.request, response: response, startedAt: delivery.startedAt)
            self.finishDeferred(connection, keepAlive: keepAlive)
        }
    }

    private func sendSlowly(
        chunk: Int, interval: Int, connection: HTTPConnection, completion: @escaping @Sendable () -> Void
    ) {
        guard isOpen(connection), var slow = connection.slowDelivery else { return }
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

    /// More of a streamed body; a reader that lets ``HTTPStream/maxPendingBytes`` pile up is dropped.
    private func appendStreamed(_ bytes: [UInt8], to connection: HTTPConnection) {
        guard isOpen(connection) else { return }
        if connection.output.count - connection.outputOffset + bytes.count > HTTPStream.maxPendingBytes {
            perform(connection.state.abort(), on: connection)
            return
        }
        connection.output.append(contentsOf: bytes)
        perform(connection.state.streamedBytesQueued(), on: connection)
    }

    private func finishStream(_ connection: HTTPConnection) {
        guard isOpen(connection) else { return }
        perform(connection.state.finishStream(hasPendingOutput: connection.hasPendingOutput), on: connection)
    }

    /// The deferred response is queued: shutdown may have begun since it was decided (no keep-alive then).
    private func finishDeferred(_ connection: HTTPConnection, keepAlive: Bool) {
        guard isOpen(connection) else { return }
        let keepAlive = keepAlive && !isDraining
        perform(connection.state.finishDeferred(keepAlive: keepAlive, hasPendingOutput: connection.hasPendingOutput),
                on: connection)
    }

    /// `slow` in pieces about 50 ms apart: how many bytes each, and how many milliseconds between them.
    static func slowPacing(byteCount: Int, over milliseconds: Int) -> (chunk: Int, interval: Int) {
        let steps = max(1, min(byteCount, milliseconds / 50))
        return ((byteCount + steps - 1) / steps, milliseconds / steps)
    }
}
