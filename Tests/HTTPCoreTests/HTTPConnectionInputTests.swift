import Testing
@testable import HTTPCore

/// The loop's shared input buffer: lent to a connection with no unparsed bytes, and kept by it
/// only while a request is partial. Each side must always own exactly one buffer of the start size.
struct HTTPConnectionInputTests {
    static let limits = HTTPLimits()

    static func makeShared() -> UnsafeMutableRawBufferPointer {
        .allocate(byteCount: HTTPConnection.initialInputBytes(limits), alignment: 16)
    }

    static func read(_ text: String, into connection: HTTPConnection) {
        let space = connection.readableSpace()
        let bytes = Array(text.utf8)
        space.copyBytes(from: bytes)
        connection.didRead(bytes.count)
    }

    @Test func aFullyParsedRead_givesTheSharedBufferBack() {
        let connection = HTTPConnection(fd: -1, id: 1, limits: Self.limits, now: 0)
        var shared = Self.makeShared()
        defer { shared.deallocate() }
        let lent = shared.baseAddress
        #expect(connection.tradeEmptyInput(with: &shared))
        #expect(shared.baseAddress != lent)
        Self.read("GET / HTTP/1.1\r\n\r\n", into: connection)
        #expect(connection.input.baseAddress == UnsafeRawPointer(lent))
        connection.consumeInput(connection.input.count)
        #expect(connection.tradeEmptyInput(with: &shared))
        #expect(shared.baseAddress == lent)
    }

    @Test func aPartialRequest_keepsTheSharedBuffer_andTheLoopTakesTheConnectionsOwn() {
        let connection = HTTPConnection(fd: -1, id: 1, limits: Self.limits, now: 0)
        var shared = Self.makeShared()
        defer { shared.deallocate() }
        let lent = shared.baseAddress
        #expect(connection.tradeEmptyInput(with: &shared))
        let own = shared.baseAddress
        Self.read("GET / HT", into: connection)
        #expect(!connection.tradeEmptyInput(with: &shared))
        #expect(shared.baseAddress == own)
        #expect(shared.count == HTTPConnection.initialInputBytes(Self.limits))
        #expect(String(decoding: connection.input, as: UTF8.self) == "GET / HT")
        #expect(connection.input.baseAddress == UnsafeRawPointer(lent))
        // With bytes pending it does not borrow again: the rest lands after them.
        #expect(!connection.tradeEmptyInput(with: &shared))
        Self.read("TP/1.1\r\n\r\n", into: connection)
        #expect(String(decoding: connection.input, as: UTF8.self) == "GET / HTTP/1.1\r\n\r\n")
    }

    @Test func aGrownBuffer_isNotTraded() {
        var limits = Self.limits
        limits.readBufferBytes = 8
        let connection = HTTPConnection(fd: -1, id: 1, limits: limits, now: 0)
        // Fill the 8 bytes so the next readable space grows the buffer.
        Self.read("GET / HT", into: connection)
        _ = connection.readableSpace()
        connection.consumeInput(connection.input.count)
        var shared = UnsafeMutableRawBufferPointer.allocate(byteCount: HTTPConnection.initialInputBytes(limits), alignment: 16)
        defer { shared.deallocate() }
        let kept = shared.baseAddress
        #expect(!connection.tradeEmptyInput(with: &shared))
        #expect(shared.baseAddress == kept)
    }
}
