/// What an ``HTTPConnection`` carries once it speaks HTTP/2: the nghttp2 session, the transport
/// state shared with HTTP/1 (``HTTPConnectionState``: open, draining, closing; write blocked; peer
/// gone), and one exchange per stream (``HTTPExchangeState``), because streams are answered
/// independently — a delayed, slow or hanging stream never holds up its siblings.
final class HTTP2Connection {
    let session: HTTP2Session
    var transport = HTTPConnectionState()
    private(set) var streams: [Int32: Stream] = [:]
    /// The HTTP/1.1 request that asked for h2c, until the client's first HTTP/2 bytes arrive; then it
    /// is answered as stream 1 (see ``HTTPServer/startHTTP2(_:session:upgraded:)``).
    var upgradeRequest: HTTPRequest?

    /// One request awaiting or receiving its response.
    struct Stream {
        var request: HTTPRequest
        var startedAt: UInt64
        var isHead: Bool
        var exchange = HTTPExchangeState.awaitingRequest
        /// The open-ended body this stream writes (``HTTPResponse/Delivery/stream(_:)``).
        var body: HTTPStream?
    }

    init(session: HTTP2Session) {
        self.session = session
    }

    /// Whether any stream still owes a response or is writing one.
    /// (A pending ``upgradeRequest`` is not: a client that never sends its preface has stopped
    /// speaking, and the idle timeout closes it as it closes any stalled peer.)
    var hasStreamInFlight: Bool { streams.values.contains { $0.exchange.isInFlight } }

    func begin(_ streamID: Int32, request: HTTPRequest, startedAt: UInt64) {
        var stream = Stream(request: request, startedAt: startedAt, isHead: request.method == "HEAD")
        stream.exchange.respondDeferred()
        streams[streamID] = stream
    }

    func stream(_ streamID: Int32) -> Stream? { streams[streamID] }

    func hang(_ streamID: Int32) { streams[streamID]?.exchange.hang() }

    func startStreaming(_ streamID: Int32, body: HTTPStream) {
        streams[streamID]?.exchange.startStream()
        streams[streamID]?.body = body
    }

    /// The stream's response is fully queued (or it was reset): its exchange is over.
    @discardableResult
    func finish(_ streamID: Int32) -> Stream? {
        streams.removeValue(forKey: streamID)
    }

    /// Every stream's open-ended body, for closing them with the connection.
    var streamedBodies: [HTTPStream] { streams.values.compactMap(\.body) }
}
