import ArgumentParser
import Dispatch
import HTTPCore
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--log` values.
enum AccessLogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, off
}

/// One line per request on stderr. Lines are buffered and written every 100 ms (or when 64 KiB
/// pile up), so logging costs no syscall per request on the server's event loop.
/// `@unchecked Sendable`: the buffer is behind a Mutex and the timer is only set in `init`.
final class AccessLog: @unchecked Sendable {
    private let format: AccessLogFormat
    private let buffer = Mutex<[UInt8]>([])
    private let timer: any DispatchSourceTimer

    init(format: AccessLogFormat) {
        self.format = format
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "understudy.access-log"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100), leeway: .milliseconds(20))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    deinit { timer.cancel() }

    func record(_ exchange: HTTPExchange) {
        let line = format == .json ? Self.jsonLine(exchange) : Self.textLine(exchange)
        let shouldFlush = buffer.withLock { bytes in
            bytes.append(contentsOf: line.utf8)
            return bytes.count > 64 * 1024
        }
        if shouldFlush { flush() }
    }

    func flush() {
        let pending = buffer.withLock { bytes in
            defer { bytes.removeAll(keepingCapacity: true) }
            return bytes
        }
        var offset = 0
        while offset < pending.count {
            let written = pending.withUnsafeBytes { write(2, $0.baseAddress! + offset, pending.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }

    static func textLine(_ exchange: HTTPExchange) -> String {
        let request = exchange.request
        var line = "\(timestamp()) \(request?.method ?? "-") \(request?.target ?? "-") \(exchange.status.code) \(milliseconds(exchange.durationNanoseconds))ms"
        for key in ["vendor", "fault"] { if let value = exchange.metadata[key] { line += " \(key)=\(value)" } }
        return line + "\n"
    }

    static func jsonLine(_ exchange: HTTPExchange) -> String {
        func quoted(_ text: String) -> String {
            var escaped = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": escaped += "\\\""
                case "\\": escaped += "\\\\"
                case "\n": escaped += "\\n"
                case _ where scalar.value < 0x20: escaped += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            return escaped + "\""
        }
        var fields = [
            "\"time\":\(quoted(timestamp()))",
            "\"level\":\"info\"",
            "\"message\":\"request\"",
            "\"request.method\":\(quoted(exchange.request?.method ?? "-"))",
            "\"request.path\":\(quoted(exchange.request?.target ?? "-"))",
            "\"response.status\":\(exchange.status.code)",
            "\"durationMs\":\(milliseconds(exchange.durationNanoseconds))",
            "\"connection.id\":\(exchange.connectionID)",
        ]
        for key in ["vendor", "fault"] { if let value = exchange.metadata[key] { fields.append("\(quoted(key)):\(quoted(value))") } }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let hundredths = (nanoseconds + 5_000) / 10_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// UTC ISO 8601 with milliseconds, without Foundation.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String { String(value).leftPadded(to: width) }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
