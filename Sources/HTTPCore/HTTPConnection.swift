/// Per-connection state, touched only on the server's event loop. Holds the unparsed input
/// (parsed in place), the output not yet accepted by the kernel, and the deadlines.
/// `@unchecked Sendable` because it is confined to the event-loop queue; timers capture it weakly.
final class HTTPConnection: @unchecked Sendable {
    let fd: Int32
    let id: UInt64
    // `@exclusivity(unchecked)` on the fields every request touches: they are used only on the
    // event loop, one access at a time, and the runtime check that would prove it cost ~60
    // instructions an access, a dozen accesses a request (callgrind: ~2 % of a Factory page).
    @exclusivity(unchecked) var decoder: HTTPDecoder

    private var storage: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var end = 0
    private let maxInputBytes: Int
    private let keptOutputCapacity: Int

    /// Encoded responses waiting for the socket; one `write` drains as much as the kernel takes.
    @exclusivity(unchecked) var output: [UInt8] = []
    @exclusivity(unchecked) var outputOffset = 0

    /// Phase, exchange and transport facts; every change goes through its transitions.
    @exclusivity(unchecked) var state = HTTP1ConnectionState()
    /// The open-ended body this connection is writing (``HTTPResponse/Delivery/stream(_:)``).
    var stream: HTTPStream?
    /// Set once the connection speaks HTTP/2 (preface or h2c upgrade); HTTP/1 state is unused then.
    var http2: HTTP2Connection?
    /// Whether the first bytes were checked for the HTTP/2 preface (or HTTP/2 is off).
    var protocolChosen = false

    /// A `.slow` response in progress: its bytes, how many went out, and where `Connection: close`
    /// would go in its head (`nil` once the head says close or is out).
    struct SlowDelivery {
        var bytes: [UInt8]
        var sent: Int
        var closeSlot: Range<Int>?
    }
    var slowDelivery: SlowDelivery?

    /// Monotonic nanoseconds of the first byte of an incomplete request, if one is pending.
    var requestStartedAt: UInt64?
    /// Monotonic nanoseconds of the last successful read or write.
    var lastActivity: UInt64

    init(fd: Int32, id: UInt64, limits: HTTPLimits, now: UInt64) {
        self.fd = fd
        self.id = id
        decoder = HTTPDecoder(limits: limits)
        maxInputBytes = limits.maxRequestLineBytes + limits.maxHeaderBytes + limits.maxBodyBytes + limits.inputSlackBytes
        storage = .allocate(byteCount: Self.initialInputBytes(limits), alignment: 16)
        keptOutputCapacity = limits.keptOutputCapacity
        lastActivity = now
        output.reserveCapacity(4096)
    }

    deinit { storage.deallocate() }

    /// The input buffer every connection starts with.
    static func initialInputBytes(_ limits: HTTPLimits) -> Int { max(1, limits.readBufferBytes) }

    /// Trades input buffers with `buffer` (the loop's shared one) when this connection holds no
    /// unparsed bytes and its buffer has not grown; `false` when it keeps its own. Called before a
    /// read to borrow the shared buffer and after it to give it back: a connection left with part of
    /// a request keeps the shared buffer, and `buffer` stays its former one, of the same size, so
    /// each side always owns exactly one.
    func tradeEmptyInput(with buffer: inout UnsafeMutableRawBufferPointer) -> Bool {
        guard start == end, storage.count == buffer.count else { return false }
        start = 0
        end = 0
        swap(&storage, &buffer)
        return true
    }

    var hasBufferedInput: Bool { end > start }
    var hasPendingOutput: Bool { outputOffset < output.count }

    /// Unparsed bytes, valid until the next mutation.
    var input: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<end]) }

    func consumeInput(_ count: Int) {
        start += count
        if start == end { start = 0; end = 0 }
    }

    /// Free space to read into, compacting or growing the buffer first; empty when the input cap is hit.
    func readableSpace() -> UnsafeMutableRawBufferPointer {
        if end == storage.count {
            if start > 0 {
                let count = end - start
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: count)
                start = 0
                end = count
            } else if storage.count < maxInputBytes {
                let grown = UnsafeMutableRawBufferPointer.allocate(byteCount: min(storage.count * 4, maxInputBytes), alignment: 16)
                grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<end]))
                storage.deallocate()
                storage = grown
            }
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    func didRead(_ count: Int) { end += count }

    func discardSentOutput() {
        output.removeAll(keepingCapacity: output.capacity <= keptOutputCapacity)
        outputOffset = 0
    }
}
