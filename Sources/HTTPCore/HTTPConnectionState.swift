/// What the server must do after a state transition. The server executes these in one fixed order
/// (``HTTPServer`` `perform(_:on:)`): `close` wins over everything else; otherwise `updateInterest`,
/// then the two error answers, then `flush`, `read`, `serve`. An `OptionSet` so that a transition
/// costs no allocation on the hot path.
struct HTTPConnectionActions: OptionSet, Sendable, CustomStringConvertible {
    let rawValue: UInt8

    /// Tell the poller the readiness the state now wants (``HTTPConnectionState/wantsReadable`` and
    /// ``HTTPConnectionState/wantsWritable``): this is how reading is paused or resumed and how a
    /// blocked write waits for the socket to become writable.
    static let updateInterest = HTTPConnectionActions(rawValue: 1 << 0)
    /// Write pending output.
    static let flush = HTTPConnectionActions(rawValue: 1 << 1)
    /// Answer the complete requests buffered behind (HTTP/1 pipelining), unless output is still pending.
    static let serve = HTTPConnectionActions(rawValue: 1 << 2)
    /// Read what the kernel holds for this connection now (graceful shutdown: in-flight requests).
    static let read = HTTPConnectionActions(rawValue: 1 << 3)
    /// Close the socket and forget the connection.
    static let close = HTTPConnectionActions(rawValue: 1 << 4)
    /// Queue a 413: the input cap is reached and the buffer still holds no complete request.
    static let answerContentTooLarge = HTTPConnectionActions(rawValue: 1 << 5)
    /// Queue a 408: a request started arriving and did not complete within the request timeout.
    static let answerRequestTimeout = HTTPConnectionActions(rawValue: 1 << 6)

    var description: String {
        let names: [(HTTPConnectionActions, String)] = [
            (.updateInterest, "updateInterest"), (.flush, "flush"), (.serve, "serve"), (.read, "read"),
            (.close, "close"), (.answerContentTooLarge, "413"), (.answerRequestTimeout, "408"),
        ]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ", ") + "]"
    }
}

/// The transport-level state of one connection, independent of the protocol it carries: whether it
/// is open, draining or closing, and the facts orthogonal to that — the peer half-closed, our writes
/// blocked, our reading paused. HTTP/1 pairs it with one ``HTTPExchangeState`` at a time
/// (``HTTP1ConnectionState``); an HTTP/2 connection reuses this type unchanged and gives each of its
/// streams its own ``HTTPExchangeState``. Pure value: no sockets, no Dispatch, so every transition
/// is unit-tested without a socket. The transitions take, as `exchangeInFlight`, whether any
/// exchange on the connection still owes a response.
struct HTTPConnectionState: Equatable, Sendable {
    enum Phase: Equatable, Sendable {
        /// Reading and answering requests; responses may keep the connection alive.
        case open
        /// Graceful shutdown began: buffered requests are still answered, each with `Connection: close`.
        case draining
        /// No more requests: close once the output is written and no exchange is in flight.
        case closing
        /// The socket is closed; no further transition is legal.
        case closed
    }

    private(set) var phase: Phase = .open
    /// The peer shut down its sending side (read returned 0): answer what is buffered, then close.
    private(set) var isPeerHalfClosed = false
    /// The kernel would not take more output; waiting for the socket to become writable.
    private(set) var isWriteBlocked = false
    /// Reading is off: the input cap is reached, or the peer half-closed.
    private(set) var isReadingPaused = false

    /// Whether new requests may still be decoded and answered.
    var acceptsRequests: Bool { phase == .open || phase == .draining }
    /// Whether a response may say keep-alive (RFC 9112 §9.3): not while shutting down or once the peer left.
    var allowsKeepAlive: Bool { phase == .open && !isPeerHalfClosed }
    /// Readiness to watch. Reading stops while writes are blocked, so a client that never reads
    /// cannot grow our memory by pipelining more requests.
    var wantsReadable: Bool { phase != .closed && !isReadingPaused && !isWriteBlocked }
    var wantsWritable: Bool { phase != .closed && isWriteBlocked }

    /// The connection ends now, whatever it was doing (read/write error, fault, shutdown deadline).
    mutating func abort() -> HTTPConnectionActions {
        phase = .closed
        return .close
    }

    /// No more requests on this connection; the current output is still written.
    mutating func closeAfterFlush() {
        guard phase != .closed else { return }
        phase = .closing
    }

    /// Graceful shutdown reached this connection.
    /// - Returns: `.read` when buffered requests could still be picked up.
    mutating func drain(exchangeInFlight: Bool) -> HTTPConnectionActions {
        guard phase == .open else { return [] }
        phase = .draining
        return exchangeInFlight || isReadingPaused ? [] : .read
    }

    /// Graceful shutdown has read what was in flight: a connection with nothing left to send
    /// closes now (as does one whose exchange will never finish by itself), the rest after their output.
    mutating func drainSettled(exchangeInFlight: Bool, exchangeEndsOnlyByClose: Bool, hasPendingOutput: Bool)
        -> HTTPConnectionActions
    {
        guard phase != .closed else { return [] }
        if exchangeEndsOnlyByClose || (!exchangeInFlight && !hasPendingOutput) { return abort() }
        phase = .closing
        return []
    }

    /// Reading is no longer wanted (input cap reached).
    mutating func pauseReading() -> HTTPConnectionActions {
        guard !isReadingPaused else { return [] }
        isReadingPaused = true
        return .updateInterest
    }

    /// Reading may resume after a pause for a full input buffer (a response was finished and the
    /// buffer consumed). Stays paused once the peer half-closed: there is nothing more to read.
    mutating func resumeReading() -> HTTPConnectionActions {
        guard isReadingPaused, !isPeerHalfClosed, phase != .closed else { return [] }
        isReadingPaused = false
        return .updateInterest
    }

    /// The peer's FIN arrived (read returned 0). An exchange still owing a response is abandoned —
    /// nobody will read it, so the slot is freed now (issue 11); otherwise what is buffered is answered.
    mutating func peerHalfClosed(exchangeInFlight: Bool) -> HTTPConnectionActions {
        isPeerHalfClosed = true
        if exchangeInFlight { return abort() }
        return pauseReading().union(.serve)
    }

    /// After answering what was buffered when the peer half-closed: what remains is a partial request
    /// that can never complete, so no 408 later; the slot is freed once answered responses are out.
    mutating func servedAfterPeerHalfClosed(exchangeInFlight: Bool, hasPendingOutput: Bool) -> HTTPConnectionActions {
        guard phase != .closed else { return [] }
        if hasPendingOutput, !exchangeInFlight {
            phase = .closing
            return []
        }
        return abort()
    }

    /// The poller reported the peer's FIN (EPOLLRDHUP) before we read it: only an exchange that
    /// still owes a response makes it urgent (close now); otherwise the coming read handles it.
    mutating func peerHangUpNoticed(exchangeInFlight: Bool) -> HTTPConnectionActions {
        exchangeInFlight ? abort() : []
    }

    /// A write returned `EAGAIN`.
    mutating func writeWouldBlock() -> HTTPConnectionActions {
        guard !isWriteBlocked, phase != .closed else { return [] }
        isWriteBlocked = true
        return .updateInterest
    }

    /// All pending output reached the kernel.
    mutating func outputDrained(exchangeInFlight: Bool) -> HTTPConnectionActions {
        guard phase != .closed else { return [] }
        if phase == .closing, !exchangeInFlight { return abort() }
        guard isWriteBlocked else { return [] }
        isWriteBlocked = false
        if isPeerHalfClosed {
            isReadingPaused = true
            if !exchangeInFlight { return abort() }
        } else {
            isReadingPaused = false
        }
        return exchangeInFlight ? .updateInterest : [.updateInterest, .serve]
    }

    /// The timer's verdict on a connection. `requestStartedAt` is the first byte of a request not yet
    /// complete (or the accept), `lastActivity` the last successful read or write; monotonic nanoseconds.
    mutating func tick(
        now: UInt64, requestStartedAt: UInt64?, lastActivity: UInt64,
        requestTimeout: UInt64, idleTimeout: UInt64,
        exchangeInFlight: Bool, hasBufferedInput: Bool, hasPendingOutput: Bool
    ) -> HTTPConnectionActions {
        guard phase != .closed, !exchangeInFlight else { return [] }
        if let started = requestStartedAt, acceptsRequests, now &- started > requestTimeout {
            // Connected but silent: nothing to answer, just free the slot (nginx does the same).
            if !hasBufferedInput, !hasPendingOutput { return abort() }
            // Part of a request arrived, too slowly (slowloris): 408 and close (RFC 9110 §15.5.9).
            if hasBufferedInput {
                closeAfterFlush()
                return [.answerRequestTimeout, .flush]
            }
        }
        if !hasBufferedInput, now &- lastActivity > idleTimeout { return abort() }
        return []
    }
}
