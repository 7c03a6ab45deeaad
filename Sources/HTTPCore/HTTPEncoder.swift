#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises responses into a reusable byte buffer, so a response (or a whole pipelined batch)
/// leaves in one write.
struct HTTPEncoder {
    private var dateCache = HTTPDateCache()

    /// Appends the head (and body unless `isHead`) of `response` to `buffer`.
    /// - Parameters:
    ///   - keepAlive: whether the connection stays open; `false` writes `Connection: close`.
    ///   - requestVersion: an HTTP/1.0 client that asked for keep-alive gets it echoed back.
    mutating func encode(
        _ response: HTTPResponse, into buffer: inout [UInt8],
        keepAlive: Bool, isHead: Bool = false, requestVersion: HTTPVersion = .http11
    ) {
        appendHead(response, bodyLength: response.body.count, into: &buffer, keepAlive: keepAlive, requestVersion: requestVersion)
        if !isHead { response.body.withUnsafeBufferPointer { buffer.append(contentsOf: $0) } }
    }

    /// Appends only the head; the transport sends the body separately (slow, truncated or streamed
    /// delivery). A `nil` `bodyLength` writes no `Content-Length`: the body ends when the connection does.
    mutating func appendHead(
        _ response: HTTPResponse, bodyLength: Int?, into buffer: inout [UInt8],
        keepAlive: Bool, requestVersion: HTTPVersion = .http11
    ) {
        // Appended piecewise from contiguous UTF-8: string interpolation would allocate on every
        // response, and appending a `String.UTF8View` goes byte by byte.
        appendStatic("HTTP/1.1 ", to: &buffer)
        appendDecimal(response.status.code, to: &buffer)
        buffer.append(UInt8(ascii: " "))
        appendUTF8(response.status.reasonPhrase, to: &buffer)
        appendStatic("\r\nDate: ", to: &buffer)
        dateCache.appendCurrent(to: &buffer)
        appendStatic("\r\n", to: &buffer)
        // By index, so no field is copied out (a retain and release of both strings).
        for index in response.headers.fields.indices {
            appendUTF8(response.headers.fields[index].name, to: &buffer)
            appendStatic(": ", to: &buffer)
            appendUTF8(response.headers.fields[index].value, to: &buffer)
            appendStatic("\r\n", to: &buffer)
        }
        // RFC 9110 §8.6: no Content-Length on 1xx and 204 responses.
        if let bodyLength, response.status.code >= 200, response.status.code != 204 {
            appendStatic("Content-Length: ", to: &buffer)
            appendDecimal(bodyLength, to: &buffer)
            appendStatic("\r\n", to: &buffer)
        }
        if !keepAlive {
            appendStatic("Connection: close\r\n", to: &buffer)
        } else if requestVersion == .http10 {
            appendStatic("Connection: keep-alive\r\n", to: &buffer)
        }
        appendStatic("\r\n", to: &buffer)
    }

    /// Literal parts as one bulk copy (appending a literal's `UTF8View` is a generic byte loop).
    private func appendStatic(_ text: StaticString, to buffer: inout [UInt8]) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    /// One bulk copy for native and small strings (both contiguous); bridged ones fall back to the view.
    private func appendUTF8(_ text: String, to buffer: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { buffer.append(contentsOf: $0) }
        if copied == nil { buffer.append(contentsOf: text.utf8) }
    }

    private func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        if value < 10 { buffer.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { raw in
            while remaining > 0 {
                raw[count] = UInt8(48 + remaining % 10)
                remaining /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { buffer.append(raw[index]) }
        }
    }
}

/// The `Date` header value (RFC 9110 §5.6.7 IMF-fixdate), formatted once per second.
struct HTTPDateCache {
    private var second: time_t = -1
    private var bytes: [UInt8] = []

    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            bytes = Array(Self.format(now).utf8)
        }
        return bytes
    }

    /// Appends the current value without handing out (and retaining) the cached array.
    mutating func appendCurrent(to buffer: inout [UInt8]) {
        _ = current()
        bytes.withUnsafeBufferPointer { buffer.append(contentsOf: $0) }
    }

    static func format(_ seconds: time_t) -> String {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
