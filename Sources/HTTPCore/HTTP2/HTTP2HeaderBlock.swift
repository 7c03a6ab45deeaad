import CNghttp2

/// A response header list for `nghttp2_submit_response`: names and values laid out in one byte
/// buffer, and `nghttp2_nv` entries pointing into it only for the duration of the call (nghttp2
/// copies them unless told not to).
struct HTTP2HeaderBlock {
    private var bytes: [UInt8] = []
    private var spans: [(name: Range<Int>, value: Range<Int>)] = []

    init(status: Int) {
        bytes.reserveCapacity(256)
        add(name: Array(":status".utf8), value: Array(String(status).utf8))
    }

    mutating func add(name: [UInt8], value: [UInt8]) {
        let nameStart = bytes.count
        bytes.append(contentsOf: name)
        let valueStart = bytes.count
        bytes.append(contentsOf: value)
        spans.append((nameStart..<valueStart, valueStart..<bytes.count))
    }

    mutating func add(name: String, value: [UInt8]) { add(name: Array(name.utf8), value: value) }

    /// Fields that mean something only to one HTTP/1.1 hop; an HTTP/2 message carrying one is
    /// malformed (RFC 9113 §8.2.2), so they are dropped. `Content-Length` is ours to write.
    static func isConnectionSpecific(_ name: String) -> Bool {
        connectionSpecific.contains { name.isEqualIgnoringASCIICase($0) }
    }

    private static let connectionSpecific = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length"]

    /// Calls `body` with the `nghttp2_nv` array and its count.
    mutating func withNameValues<R>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        let spans = self.spans
        return bytes.withUnsafeMutableBufferPointer { storage in
            let base = storage.baseAddress!
            let entries = spans.map { span in
                nghttp2_nv(name: base + span.name.lowerBound, value: base + span.value.lowerBound,
                           namelen: span.name.count, valuelen: span.value.count,
                           flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
            }
            return entries.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}

/// Base64url without padding (RFC 4648 §5), as the `HTTP2-Settings` header carries SETTINGS (RFC 7540 §3.2.1).
enum Base64URL {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): continue  // tolerated padding
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
