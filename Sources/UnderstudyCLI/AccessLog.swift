import ArgumentParser
import Dispatch
import HTTPCore
import Understudy
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
/// With `--log off` nothing is recorded, so there is no timer either (it woke a Dispatch thread ten
/// times a second on an idle server).
/// `@unchecked Sendable`: the buffer is behind a Mutex and the timer is only set in `init`.
final class AccessLog: @unchecked Sendable {
    private let format: AccessLogFormat
    private let buffer = Mutex<[UInt8]>([])
    private let timer: (any DispatchSourceTimer)?

    init(format: AccessLogFormat) {
        self.format = format
        guard format != .off else {
            timer = nil
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "understudy.access-log"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100), leeway: .milliseconds(20))
        self.timer = timer
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    deinit { timer?.cancel() }

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
        var line = "\(timestamp()) \(request?.method ?? "-") \(shownTarget(request)) \(exchange.status.code) \(milliseconds(exchange.durationNanoseconds))ms"
        for key in ["vendor", "fault", "warning"] { if let value = exchange.metadata[key] { line += " \(key)=\(value)" } }
        return line + "\n"
    }

    static func jsonLine(_ exchange: HTTPExchange) -> String {
        func quoted(_ text: String) -> String {
            var writer = JSONWriter(capacity: text.utf8.count + 2)
            writer.string(text)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        var fields = [
            "\"time\":\(quoted(timestamp()))",
            "\"level\":\"info\"",
            "\"message\":\"request\"",
            "\"request.method\":\(quoted(exchange.request?.method ?? "-"))",
            "\"request.path\":\(quoted(shownTarget(exchange.request)))",
            "\"response.status\":\(exchange.status.code)",
            "\"durationMs\":\(milliseconds(exchange.durationNanoseconds))",
            "\"connection.id\":\(exchange.connectionID)",
        ]
        for key in ["vendor", "fault", "warning"] { if let value = exchange.metadata[key] { fields.append("\(quoted(key)):\(quoted(value))") } }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// The request target with a `token=` query value (the admin token, as the dashboard and
    /// EventSource send it) masked, so the access log never carries the token.
    static func shownTarget(_ request: HTTPRequest?) -> String {
        guard let target = request?.target else { return "-" }
        guard target.contains("token="), let mark = target.firstIndex(of: "?") else { return target }
        let items = target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map { item in
            item.hasPrefix("token=") ? "token=***" : String(item)
        }
        return String(target[...mark]) + items.joined(separator: "&")
    }

    static func milliseconds(_ nanoseconds: UInt64) -> String {
        let hundredths = (nanoseconds + 5_000) / 10_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// UTC ISO 8601 with milliseconds.
    static func timestamp() -> String {
        let now = SystemClock.wall()
        return ISO8601.format(seconds: now.seconds, milliseconds: now.nanoseconds / 1_000_000)
    }
}
