/// The state of one request/response exchange, separate from the connection's transport state
/// (``HTTPConnectionState``). An HTTP/1 connection carries one exchange at a time
/// (``HTTP1ConnectionState``); an HTTP/2 connection will carry one per stream, each with its own
/// value of this type, over a single ``HTTPConnectionState``. Pure value, unit-tested without a socket.
///
/// ```
/// awaitingRequest ──continueSent──▶ continueSent ──requestDecoded──▶ awaitingRequest
/// awaitingRequest ──respondDeferred──▶ deferred ──finishDeferred (or truncate)──▶ awaitingRequest
/// deferred ──hang──▶ hanging                  (ends only when the connection closes)
/// deferred ──startStream──▶ streaming ──finishStream──▶ awaitingRequest   (or the connection closes)
/// ```
enum HTTPExchangeState: Equatable, Sendable {
    /// No response is owed: waiting for (the rest of) a request.
    case awaitingRequest
    /// The request's head asked `Expect: 100-continue` and got the interim response (RFC 9110 §10.1.1);
    /// its body is awaited. Sent at most once per request.
    case continueSent
    /// The response is owed but comes late (`__delay`) or trickles out (`slow`): later requests wait.
    case deferred
    /// The response is deliberately never sent; only the peer leaving or shutdown ends it.
    case hanging
    /// An open-ended body (``HTTPStream``) is being written; it ends by ``HTTPStream/finish()`` or a close.
    case streaming

    /// A response is owed or being written: the next pipelined request must wait.
    var isInFlight: Bool {
        switch self {
        case .awaitingRequest, .continueSent: false
        case .deferred, .hanging, .streaming: true
        }
    }

    /// Nothing but closing the connection ends this exchange (shutdown does not wait for it).
    var endsOnlyByClose: Bool { self == .hanging || self == .streaming }

    /// Whether an interim 100 may still be sent for the request being received.
    var mayContinue: Bool { self == .awaitingRequest }

    mutating func continueSent() {
        assert(self == .awaitingRequest, "100-continue sent twice or while a response is owed")
        self = .continueSent
    }

    /// A complete request was decoded: a new exchange begins (100-continue may be sent again).
    mutating func requestDecoded() {
        assert(!isInFlight, "a request was decoded while a response is still owed")
        self = .awaitingRequest
    }

    /// The response will not be written at once (delayed or an unusual delivery).
    mutating func respondDeferred() {
        assert(!isInFlight, "a second deferred response on one HTTP/1 exchange")
        self = .deferred
    }

    /// The deferred response was written (at once or slowly, or truncated): the exchange is over.
    mutating func finishDeferred() {
        assert(self == .deferred, "finishDeferred without a deferred response")
        self = .awaitingRequest
    }

    /// The deferred response is the `hang` fault.
    mutating func hang() {
        assert(self == .deferred, "hang without a deferred response")
        self = .hanging
    }

    /// The deferred response is an open-ended stream.
    mutating func startStream() {
        assert(self == .deferred, "stream without a deferred response")
        self = .streaming
    }

    /// The application finished its stream.
    mutating func finishStream() {
        assert(self == .streaming, "finishStream without a stream")
        self = .awaitingRequest
    }
}
