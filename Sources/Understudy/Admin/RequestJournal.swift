#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import HTTPCore
import Synchronization

/// The last N requests the server answered, for `GET /__admin/requests`. Recording keeps only
/// references (the request is copy-on-write), so the hot path pays for an append, not for JSON.
public final class RequestJournal: Sendable {
    struct Entry: Sendable {
        var id: UInt64
        var unixMilliseconds: Int64
        var exchange: HTTPExchange
    }

    private struct State: Sendable {
        var entries: [Entry] = []
        var start = 0
        var nextID: UInt64 = 1
    }

    /// How many requests are kept; older ones are dropped.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// Bodies (request and response) are kept up to this many bytes each; longer ones are cut and
    /// the entry says `"truncated": true` (the dashboard shows what came back, within a bound).
    public static let bodyCap = 64 * 1024

    public func record(_ exchange: HTTPExchange) { append(exchange) }

    /// Keeps `exchange` and returns its entry, which the app renders only when a live listener
    /// (`GET /__admin/events`) wants it, so the hot path still pays for an append only.
    @discardableResult
    func append(_ exchange: HTTPExchange) -> Entry {
        var exchange = exchange
        if exchange.responseBody.count > Self.bodyCap {
            exchange.responseBody = Array(exchange.responseBody.prefix(Self.bodyCap))
            exchange.metadata["truncated"] = "true"
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec / 1_000_000)
        return state.withLock { state in
            let entry = Entry(id: state.nextID, unixMilliseconds: milliseconds, exchange: exchange)
            state.nextID += 1
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                state.entries[state.start] = entry
                state.start = (state.start + 1) % capacity
            }
            return entry
        }
    }

    /// How many requests are kept now.
    public var count: Int { state.withLock { $0.entries.count } }

    public func clear() {
        state.withLock { $0 = State(entries: [], start: 0, nextID: $0.nextID) }
    }

    /// Entries oldest first.
    func entries() -> [Entry] {
        state.withLock { state in Array(state.entries[state.start...] + state.entries[..<state.start]) }
    }

    /// `{"requests":[…]}`, newest last, optionally filtered; `limit` keeps the newest N.
    public func listing(vendor: String? = nil, status: Int? = nil, limit: Int? = nil) -> JSONValue {
        var selected = entries().filter { entry in
            (vendor == nil || entry.exchange.metadata["vendor"] == vendor) && (status == nil || entry.exchange.status.code == status)
        }
        if let limit, selected.count > limit { selected = Array(selected.suffix(limit)) }
        return .object([("requests", .array(selected.map(Self.render)))])
    }

    /// The listing over several journals (`?session=*`), merged oldest first by time.
    static func listing(of journals: [RequestJournal], vendor: String? = nil, status: Int? = nil, limit: Int? = nil) -> JSONValue {
        if journals.count == 1 { return journals[0].listing(vendor: vendor, status: status, limit: limit) }
        var selected = journals.flatMap { $0.entries() }.filter { entry in
            (vendor == nil || entry.exchange.metadata["vendor"] == vendor) && (status == nil || entry.exchange.status.code == status)
        }
        // Stable: entries of one journal keep their order when their times tie.
        selected = selected.enumerated().sorted { ($0.element.unixMilliseconds, $0.offset) < ($1.element.unixMilliseconds, $1.offset) }.map(\.element)
        if let limit, selected.count > limit { selected = Array(selected.suffix(limit)) }
        return .object([("requests", .array(selected.map(Self.render)))])
    }

    static func render(_ entry: Entry) -> JSONValue {
        let exchange = entry.exchange
        let request = exchange.request
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        var query: [(String, JSONValue)] = []
        for item in request?.query ?? [] {
            if let index = query.firstIndex(where: { $0.0 == item.name }) {
                switch query[index].1 {
                case .array(let values): query[index].1 = .array(values + [.string(item.value)])
                case let single: query[index].1 = .array([single, .string(item.value)])
                }
            } else {
                query.append((item.name, .string(item.value)))
            }
        }
        let headers: [(String, JSONValue)] = (request?.headers.fields ?? []).map { field in
            (field.name, .string(field.name.lowercased() == "authorization" ? mask(field.value) : field.value))
        }
        let tenths = Int((exchange.durationNanoseconds + 50_000) / 100_000)
        return .object([
            ("id", .string("req_\(entry.id)")),
            ("time", .string(isoTime(entry.unixMilliseconds))),
            ("session", .string(exchange.metadata["session"] ?? Session.defaultName)),
            ("method", request.map { .string($0.method) } ?? .null),
            ("path", request.map { .string($0.path) } ?? .null),
            ("query", .object(query)),
            ("headers", .object(headers)),
            ("vendor", exchange.metadata["vendor"].map(JSONValue.string) ?? .null),
            ("status", number(exchange.status.code)),
            ("durationMs", .number(Double(tenths) / 10, text: "\(tenths / 10).\(tenths % 10)")),
            ("fault", exchange.metadata["fault"].map(JSONValue.string) ?? .null),
            // What the dashboard shows beside the request line: both bodies (capped) and the response headers.
            ("body", .string(Self.text(request.map { $0.body.prefix(Self.bodyCap) } ?? []))),
            ("responseHeaders", .object(exchange.responseHeaders.fields.map { ($0.name, .string($0.value)) })),
            ("responseBody", .string(Self.text(exchange.responseBody[...]))),
            ("truncated", .bool(exchange.metadata["truncated"] != nil || (request?.body.count ?? 0) > Self.bodyCap)),
        ])
    }

    /// Body bytes as text (invalid UTF-8 becomes U+FFFD, so binary bodies still render).
    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Everything but the last 4 characters becomes `*`, keeping the scheme word readable.
    static func mask(_ value: String) -> String {
        var scheme = ""
        var secret = Substring(value)
        if let space = value.firstIndex(of: " ") {
            scheme = String(value[...space])
            secret = value[value.index(after: space)...]
        }
        guard secret.count > 4 else { return scheme + String(repeating: "*", count: secret.count) }
        return scheme + String(repeating: "*", count: secret.count - 4) + secret.suffix(4)
    }

    static func isoTime(_ unixMilliseconds: Int64) -> String {
        ISO8601.format(seconds: Int(unixMilliseconds / 1000), milliseconds: Int(unixMilliseconds % 1000))
    }
}
