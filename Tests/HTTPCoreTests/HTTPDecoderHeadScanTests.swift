import Testing
@testable import HTTPCore

/// The head is scanned once, across however many reads it arrives in: line ends, the empty line
/// and bare LFs are found in one pass that resumes where the previous read stopped.
struct HTTPDecoderHeadScanTests {
    /// What decoding `reads` gives: each request's line and fields, or the error that stopped it.
    static func outcome(_ reads: [[UInt8]], limits: HTTPLimits = HTTPLimits()) -> String {
        do {
            return try HTTPDecoder.decodeFeeding(reads, limits: limits)
                .map { "\($0.method) \($0.target) \($0.headers.fields) \($0.body)" }
                .joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    static let heads: [String] = [
        "GET /v1/organization/users?limit=10 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer sk-admin-understudy-test\r\n\r\n",
        "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-CR: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\n",
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n\nGET / HTTP/1.1\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na\nbGET /next HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 80))\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 80))\n\r\n\r\n",
    ]

    @Test(arguments: heads)
    func everySplit_givesTheSameOutcomeAsOneRead(head: String) {
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 96
        let bytes = Array(head.utf8)
        let whole = Self.outcome([bytes], limits: limits)
        for split in 1..<bytes.count {
            #expect(Self.outcome([Array(bytes[..<split]), Array(bytes[split...])], limits: limits) == whole, "split at \(split)")
        }
        #expect(Self.outcome(bytes.map { [$0] }, limits: limits) == whole)
    }

    @Test func bareLFAnywhereInTheHead_isRefused() {
        let head = Array("GET /a?b=c HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\r\n".utf8)
        // Every position before the final LF: after it the head is complete and an LF starts the next request.
        for position in 0..<(head.count - 1) {
            var bytes = head
            bytes.insert(.lf, at: position)
            let expected = position == 0 ? "bare LF before request line" : "bare LF in request head"
            #expect(Self.outcome([bytes]) == "\(HTTPDecoder.Error.malformed(expected))", "LF at \(position)")
            #expect(Self.outcome(bytes.map { [$0] }) == "\(HTTPDecoder.Error.malformed(expected))", "LF at \(position), byte by byte")
        }
    }

    @Test func bareLFPastTheSizeLimits_isRefusedForSize() {
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 16
        limits.maxHeaderBytes = 16
        // The LF at byte 40 is past 16 + 16 + 4: the head is too large, whatever it holds.
        let head = "GET / HTTP/1.1\r\nX-Long: \(String(repeating: "a", count: 16))\nb\r\n\r\n"
        #expect(Self.outcome([Array(head.utf8)], limits: limits) == "\(HTTPDecoder.Error.headersTooLarge)")
    }

    @Test func headArrivingOneBytePerRead_isScannedOnce() throws {
        var limits = HTTPLimits()
        limits.maxHeaderCount = 10_000
        let fields = String(repeating: "X: v\r\n", count: 8_000)
        let head = Array("GET / HTTP/1.1\r\nHost: x\r\n\(fields)\r\n".utf8)
        var decoder = HTTPDecoder(limits: limits)
        var buffer: [UInt8] = []
        var request: HTTPRequest?
        for byte in head {
            buffer.append(byte)
            if let (decoded, _) = try buffer.withUnsafeBytes({ try decoder.decode($0) }) { request = decoded }
        }
        #expect(request?.headers.count == 8_001)
        // Each byte looked at once; rescanning from the start on every read would be ~1.2 billion.
        #expect(decoder.headBytesScanned == head.count)
    }
}
