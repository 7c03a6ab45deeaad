/// A response, plus how the transport should deliver it (normally, late, or broken on purpose).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    /// Extra headers. `Date`, `Content-Length` and `Connection` are written by the encoder.
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// How the bytes reach the client; the core implements each mode so handlers stay transport-blind.
    public var delivery: Delivery
    /// Wait this long before the first byte, without holding up other connections.
    public var delayMilliseconds: Int
    /// Close the connection after this response even if the client wants keep-alive.
    public var closesConnection: Bool
    /// Fields for the access log and journal (`vendor`, `fault`, …); the wire never sees them.
    public var logMetadata = HTTPLogMetadata()

    /// Ways to deliver a response, including the broken ones a client must survive.
    public enum Delivery: Sendable, Equatable {
        /// One write of the whole response.
        case normal
        /// Close the connection without sending anything.
        case close
        /// Abort with a TCP RST (SO_LINGER 0) before any byte.
        case reset
        /// Send the head with the full Content-Length and half the body, then close.
        case truncate
        /// Send the response a few bytes at a time spread over this many milliseconds.
        case slow(milliseconds: Int)
        /// Never answer; the connection stays open until the client leaves or the server stops.
        case hang
        /// Send the head without `Content-Length`, then whatever the application pushes into the
        /// stream, until it finishes, the client leaves or the server stops (server-sent events).
        case stream(HTTPStream)
    }

    /// Creates a response; `Content-Type` is added to `headers` when given.
    public init(
        status: HTTPStatus,
        contentType: String? = "application/json",
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        delivery: Delivery = .normal,
        delayMilliseconds: Int = 0,
        closesConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        if headers.isEmpty { self.headers.reserveCapacity(4) }  // vendors add a few headers after this
        if let contentType, headers["Content-Type"] == nil {
            self.headers.add(name: "Content-Type", value: contentType)
        }
        self.body = body
        self.delivery = delivery
        self.delayMilliseconds = delayMilliseconds
        self.closesConnection = closesConnection
    }

    /// A response with a UTF-8 text body.
    public init(status: HTTPStatus, contentType: String? = "application/json", headers: HTTPHeaders = [:], text: String) {
        self.init(status: status, contentType: contentType, headers: headers, body: Array(text.utf8))
    }
}

/// Answers requests. Called on the server's event loop, so it must not block: long waits belong
/// in `HTTPResponse.delayMilliseconds`, which the transport honours without stalling other connections.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse

    /// The response to a request the server refused after reading its head (body too large,
    /// conflicting framing, bad Host…): the core reports the condition, the handler may render it
    /// for the route (`request.body` is empty). `nil` keeps the server's own short JSON error.
    /// The connection is closed after it whatever the response says.
    func response(forRejected request: HTTPRequest, status: HTTPStatus) -> HTTPResponse?
}

extension HTTPHandler {
    public func response(forRejected request: HTTPRequest, status: HTTPStatus) -> HTTPResponse? { nil }
}

/// A handler made from a closure; handy in tests.
public struct ClosureHTTPHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest) -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.body = body
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse { body(request) }
}
