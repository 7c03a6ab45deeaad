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

    // Buffers and batches. None of these is visible on the wire; they bound memory and fairness.

    /// 16 KiB, the read buffer a connection starts with: a typical request head and small body fit
    /// in one read. It grows (×4 at a time) only for a request that needs more.
    public var readBufferBytes: Int = 16 * 1024
    /// 64 KiB allowed in the input buffer beyond one maximal request (request line + headers + body):
    /// room for chunked framing overhead and the start of the next pipelined request.
    public var inputSlackBytes: Int = 64 * 1024
    /// 256 KiB of queued output ends one serve round: pipelined requests behind it are answered once
    /// that much is written, so a client that pipelines without reading cannot grow our memory.
    public var maxOutputBytesPerServe: Int = 256 * 1024
    /// 256 KiB, the largest output buffer a connection keeps between responses; a bigger one (after a
    /// large body) is freed, so a thousand idle keep-alive connections do not each hold megabytes.
    public var keptOutputCapacity: Int = 256 * 1024
    /// 256 readiness events taken from epoll/kqueue per wake-up; more wait for the next call, which
    /// follows at once (level-triggered), so this only bounds the work between Dispatch turns.
    public var pollBatchSize: Int = 256
    /// 1024 pending connections in the listen queue (`listen(2)` backlog; Linux caps it at
    /// `net.core.somaxconn`, 4096 since 5.4): enough for a CI burst of parallel clients.
    public var listenBacklog: Int = 1024
    /// 16 over-cap clients at most are drained after their 503 (nginx's lingering close); beyond that
    /// they get the 503 and an immediate close, so a flood cannot hold descriptors for long.
    public var maxLingeringConnections: Int = 16
    /// How long an over-cap client may keep sending its request after the 503
    /// (5 s, nginx's `lingering_timeout`).
    public var lingeringTimeout: Duration = .seconds(5)
    /// 16 KiB, where lingering connections' input is read and forgotten (one buffer per server).
    public var discardBufferBytes: Int = 16 * 1024

    public init() {}
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    var nanoseconds: UInt64 { UInt64(max(0, milliseconds)) * 1_000_000 }
}
