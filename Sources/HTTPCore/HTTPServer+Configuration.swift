public import Logging

extension HTTPServer {
    /// Where to listen and how to behave.
    public struct Configuration: Sendable {
        /// Host to bind: a numeric IPv4/IPv6 address or a name such as `localhost`.
        public var host: String
        /// Port to bind; 0 asks the kernel for a free one.
        public var port: Int
        public var limits: HTTPLimits
        /// For the server's own events (accept failures, shutdown); never one line per request.
        public var logger: Logger
        /// Called on the event loop once per answered request, after its response was handed to
        /// the socket (or deliberately broken). Keep it cheap: it runs on the hot path.
        public var onResponse: (@Sendable (consuming HTTPExchange) -> Void)?
        /// Whether HTTP/2 is spoken on the same port (prior knowledge and `Upgrade: h2c`). Off, a
        /// preface gets HTTP/1's 505 and an upgrade request is answered over HTTP/1.1.
        public var acceptsHTTP2: Bool

        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            limits: HTTPLimits = HTTPLimits(),
            logger: Logger = Logger(label: "understudy.http"),
            onResponse: (@Sendable (consuming HTTPExchange) -> Void)? = nil,
            acceptsHTTP2: Bool = true
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.logger = logger
            self.onResponse = onResponse
            self.acceptsHTTP2 = acceptsHTTP2
        }
    }
}

/// One finished request/response pair, for access logs and journals.
public struct HTTPExchange: Sendable {
    public var connectionID: UInt64
    /// `nil` when the request could not be decoded (the status then says why).
    public var request: HTTPRequest?
    public var status: HTTPStatus
    public var delivery: HTTPResponse.Delivery
    /// From the request being decoded to its response being handed to the kernel.
    public var durationNanoseconds: UInt64
    /// Free-form fields the handler attached to the response (`vendor`, `fault`, …).
    public var metadata: HTTPLogMetadata
    /// The response's own headers and body as the handler built them (references, not copies), for
    /// journals that show what came back. The transport's `Date`/`Content-Length`/`Connection` are not here.
    public var responseHeaders: HTTPHeaders = [:]
    public var responseBody: [UInt8] = []

    public init(
        connectionID: UInt64, request: HTTPRequest?, status: HTTPStatus, delivery: HTTPResponse.Delivery,
        durationNanoseconds: UInt64, metadata: HTTPLogMetadata
    ) {
        self.connectionID = connectionID
        self.request = request
        self.status = status
        self.delivery = delivery
        self.durationNanoseconds = durationNanoseconds
        self.metadata = metadata
    }
}
