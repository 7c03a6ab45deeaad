/// An HTTP/1.1 connection's state: the transport (``HTTPConnectionState``, shared with HTTP/2)
/// plus exactly one exchange at a time (``HTTPExchangeState``), because HTTP/1.1 answers pipelined
/// requests in order (RFC 9112 §9.3.2): the next request waits until the one before is answered.
///
/// Every decision ``HTTPServer`` makes about a connection is one of these transitions; each returns
/// the ``HTTPConnectionActions`` the server then executes. Pure value, stored inline in
/// ``HTTPConnection``: a transition allocates nothing.
///
/// ```
/// open ──drain──▶ draining ──drainSettled──▶ closing (closed at once when nothing is left)
/// open, draining ──closeAfterFlush (Connection: close, parse error, 408, 413, truncate, finishStream)──▶ closing
/// closing ──outputDrained with no exchange in flight──▶ closed
/// any ──abort (read/write error, FIN while a response is owed, close/reset fault, stream overflow,
///              silent or idle timeout, shutdown deadline)──▶ closed
/// orthogonal: peer half-closed (FIN read) · write blocked (EAGAIN ⇄ outputDrained)
///             · reading paused (input cap ⇄ finishDeferred, outputDrained)
/// ```
struct HTTP1ConnectionState: Equatable, Sendable {
    private(set) var connection = HTTPConnectionState()
    private(set) var exchange = HTTPExchangeState.awaitingRequest

    /// A response is owed or being written: later pipelined requests wait.
    var isBusy: Bool { exchange.isInFlight }
    /// Whether the next buffered request may be decoded and answered now.
    var canAnswerRequest: Bool { !exchange.isInFlight && connection.acceptsRequests }
    var isWriteBlocked: Bool { connection.isWriteBlocked }

    // MARK: Reading

    /// The input buffer is at its cap. With nothing owed and nothing unsent, the buffer holds no
    /// complete request and never will (chunk framing can outgrow the body limit on the wire):
    /// 413 now rather than a stall until the request timeout. Otherwise stop reading until answered.
    mutating func inputFull(hasPendingOutput: Bool) -> HTTPConnectionActions {
        guard canAnswerRequest, !hasPendingOutput else { return connection.pauseReading() }
        connection.closeAfterFlush()
        return [.answerContentTooLarge, .flush]
    }

    /// The read returned 0 (FIN).
    mutating func peerHalfClosed() -> HTTPConnectionActions {
        connection.peerHalfClosed(exchangeInFlight: isBusy)
    }

    /// Answered what was buffered when the FIN came.
    mutating func servedAfterPeerHalfClosed(hasPendingOutput: Bool) -> HTTPConnectionActions {
        connection.servedAfterPeerHalfClosed(exchangeInFlight: isBusy, hasPendingOutput: hasPendingOutput)
    }

    /// The poller saw the FIN before we read it.
    mutating func peerHangUpNoticed() -> HTTPConnectionActions {
        connection.peerHangUpNoticed(exchangeInFlight: isBusy)
    }

    /// A read or write failed, a fault closes or resets the connection, a stream reader fell too far
    /// behind, or the shutdown grace period ran out.
    mutating func abort() -> HTTPConnectionActions { connection.abort() }

    // MARK: Requests

    /// Whether a 100 (Continue) may still be sent for the request being received.
    var mayContinue: Bool { exchange.mayContinue }

    mutating func continueSent() { exchange.continueSent() }

    /// The buffer does not parse: the error response is the connection's last (NIO's rule).
    mutating func decodeFailed() { connection.closeAfterFlush() }

    /// A complete request was decoded.
    /// - Returns: whether its response may keep the connection alive.
    mutating func requestDecoded(wantsKeepAlive: Bool) -> Bool {
        exchange.requestDecoded()
        return wantsKeepAlive && connection.allowsKeepAlive
    }

    /// The response was encoded at once.
    mutating func respondedAtOnce(keepAlive: Bool) {
        if !keepAlive { connection.closeAfterFlush() }
    }

    /// The response comes later or unusually (``HTTPResponse/Delivery``, `__delay`).
    mutating func respondDeferred() { exchange.respondDeferred() }

    /// Whether a deferred response, when it is finally written, may keep the connection alive.
    func deferredKeepAlive(closesConnection: Bool) -> Bool { !closesConnection && connection.allowsKeepAlive }

    /// The deferred response is fully queued. Reading resumes if it stopped at the input cap,
    /// and the requests pipelined behind are answered — or the connection closes if it must.
    mutating func finishDeferred(keepAlive: Bool, hasPendingOutput: Bool) -> HTTPConnectionActions {
        guard exchange == .deferred else { return [] }
        exchange.finishDeferred()
        if !keepAlive || !connection.allowsKeepAlive { connection.closeAfterFlush() }
        let resumed = connection.resumeReading()
        if hasPendingOutput { return resumed.union([.flush, .serve]) }
        return connection.phase == .closing ? connection.abort() : resumed.union(.serve)
    }

    /// `truncate`: half the body is queued, then the connection closes (the client sees a short body).
    mutating func truncated() -> HTTPConnectionActions {
        guard exchange == .deferred else { return [] }
        exchange.finishDeferred()
        connection.closeAfterFlush()
        return .flush
    }

    /// `hang`: the response is never sent.
    mutating func hang() { exchange.hang() }

    /// An open-ended body starts.
    mutating func startStream() { exchange.startStream() }

    /// More streamed bytes were queued: write them unless the socket is already known to be full.
    func streamedBytesQueued() -> HTTPConnectionActions { connection.isWriteBlocked ? [] : .flush }

    /// The application finished its stream: the body ends with the connection (RFC 9112 §6.3 rule 8).
    /// A second `finish` (before the close) is ignored.
    mutating func finishStream(hasPendingOutput: Bool) -> HTTPConnectionActions {
        guard exchange == .streaming else { return [] }
        exchange.finishStream()
        connection.closeAfterFlush()
        return hasPendingOutput ? .flush : connection.abort()
    }

    // MARK: Output

    mutating func writeWouldBlock() -> HTTPConnectionActions { connection.writeWouldBlock() }

    mutating func outputDrained() -> HTTPConnectionActions { connection.outputDrained(exchangeInFlight: isBusy) }

    // MARK: Timeouts and shutdown

    mutating func drain() -> HTTPConnectionActions { connection.drain(exchangeInFlight: isBusy) }

    mutating func drainSettled(hasPendingOutput: Bool) -> HTTPConnectionActions {
        connection.drainSettled(
            exchangeInFlight: isBusy, exchangeEndsOnlyByClose: exchange.endsOnlyByClose,
            hasPendingOutput: hasPendingOutput)
    }

    mutating func tick(
        now: UInt64, requestStartedAt: UInt64?, lastActivity: UInt64, requestTimeout: UInt64, idleTimeout: UInt64,
        hasBufferedInput: Bool, hasPendingOutput: Bool
    ) -> HTTPConnectionActions {
        connection.tick(
            now: now, requestStartedAt: requestStartedAt, lastActivity: lastActivity,
            requestTimeout: requestTimeout, idleTimeout: idleTimeout,
            exchangeInFlight: isBusy, hasBufferedInput: hasBufferedInput, hasPendingOutput: hasPendingOutput)
    }
}
