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
        // Measured, written into one scratch block, appended in one copy (see ``HeadWriter``).
        let date = dateCache.current()
        let statusDigits = HeadWriter.decimalDigits(response.status.code)
        // RFC 9110 §8.6: no Content-Length on 1xx and 204 responses.
        let lengthDigits: Int? = if let bodyLength, response.status.code >= 200, response.status.code != 204 {
            HeadWriter.decimalDigits(bodyLength)
        } else {
            nil
        }
        let connection: StaticString? = !keepAlive ? "Connection: close\r\n"
            : requestVersion == .http10 ? "Connection: keep-alive\r\n" : nil
        var length = 9 + statusDigits + 1 + response.status.reasonPhrase.utf8.count + 8 + date.count + 2 + 2
        // By index, so no field is copied out (a retain and release of both strings).
        for index in response.headers.fields.indices {
            length += response.headers.fields[index].name.utf8.count + 2 + response.headers.fields[index].value.utf8.count + 2
        }
        if let lengthDigits { length += 16 + lengthDigits + 2 }
        if let connection { length += connection.utf8CodeUnitCount }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { scratch in
            var head = HeadWriter(UnsafeMutableRawPointer(scratch.baseAddress!))
            head.write("HTTP/1.1 ")
            head.writeDecimal(response.status.code, digits: statusDigits)
            head.write(UInt8(ascii: " "))
            head.write(response.status.reasonPhrase)
            head.write("\r\nDate: ")
            date.withUnsafeBufferPointer { head.write($0) }
            head.write("\r\n")
            for index in response.headers.fields.indices {
                head.write(response.headers.fields[index].name)
                head.write(": ")
                head.write(response.headers.fields[index].value)
                head.write("\r\n")
            }
            if let bodyLength, let lengthDigits {
                head.write("Content-Length: ")
                head.writeDecimal(bodyLength, digits: lengthDigits)
                head.write("\r\n")
            }
            if let connection { head.write(connection) }
            head.write("\r\n")
            assert(head.count == length, "the head was measured wrong")
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<head.count]))
        }
    }
}

extension HTTPEncoder {
    /// The `Date` value this encoder writes now (for tests that compare whole heads).
    mutating func currentDate() -> [UInt8] { dateCache.current() }
}

/// The `Date` header value (RFC 9110 §5.6.7 IMF-fixdate), formatted once per second.
struct HTTPDateCache {
    private var second: time_t = -1
    private var bytes: [UInt8] = []

    /// The value for this second, formatted again only when the second has changed.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            bytes = Array(Self.format(now).utf8)
        }
        return bytes
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
