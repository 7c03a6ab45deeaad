/// Every limit and timeout of the server in one place. Each breach gets a clear status and a close.
public struct HTTPLimits: Sendable {
    /// 8 KiB, nginx's `large_client_header_buffers` line size; longer request lines get 414.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// 64 KiB for the whole header section; larger gets 431.
    public var maxHeaderBytes: Int = 64 * 1024
    /// 100 header fields, Apache's `LimitRequestFields`; more gets 431.
    public var maxHeaderCount: Int = 100
    /// 1 MiB request body (nginx's `client_max_body_size`); larger gets 413.
    public var maxBodyBytes: Int = 1024 * 1024
    /// A request must arrive whole within this time of its first byte, else 408 (slowloris guard).
    public var requestTimeout: Duration = .seconds(10)
    /// Idle keep-alive connections are closed after this long (nginx's `keepalive_timeout` is 75 s).
    public var idleTimeout: Duration = .seconds(60)
    /// Connections beyond this many get 503 and are closed.
    public var maxConnections: Int = 1024
    /// On graceful shutdown, in-flight responses get this long before connections are cut.
    public var shutdownGracePeriod: Duration = .seconds(30)

    public init() {}
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
