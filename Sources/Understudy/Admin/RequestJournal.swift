public import HTTPCore
import Synchronization

/// The last requests the server answered, for `GET /__admin/requests`, bounded twice: by count
/// (`serve --journal-size`, 10 000) and by bytes (`serve --journal-bytes`, 64 MiB), oldest
/// dropped first. Each entry keeps at most the first ``bodyPrefixBytes`` of its request body and
/// says `"truncated": true` when it was cut, so 1 MB uploads cannot grow memory by gigabytes.
/// Recording keeps references (the request is copy-on-write), so the hot path pays for an
/// append, not for JSON.
public final class RequestJournal: Sendable {
    struct Entry: Sendable {
        var id: UInt64
        var unixMilliseconds: Int64
        var exchange: HTTPExchange
        /// The request body's length before it was cut to the kept prefix.
        var bodyBytes: Int
        /// What the entry is charged against the byte budget.
        var cost: Int
    }

    private struct State: Sendable {
        var entries: RingBuffer<Entry>
        var bytes = 0
        var nextID: UInt64 = 1

        init(capacity: Int, nextID: UInt64 = 1) {
            entries = RingBuffer(capacity: capacity)
            self.nextID = nextID
        }

        mutating func dropOldest() {
            bytes -= entries.removeFirst { $0.cost }
        }
    }

    /// How many requests are kept; older ones are dropped.
    public let capacity: Int
    /// How many bytes (targets, headers, kept body prefixes) are kept; older entries are dropped.
    public let byteLimit: Int
    /// Each entry keeps at most this much of its request body.
    public static let bodyPrefixBytes = 4096
    /// Bookkeeping charged per entry on top of its bytes.
    static let entryOverhead = 256
    private let state: Mutex<State>

    public init(capacity: Int = 10_000, byteLimit: Int = 64 * 1024 * 1024) {
        self.capacity = max(1, capacity)
        self.byteLimit = max(1, byteLimit)
        state = Mutex(State(capacity: self.capacity))
    }

    /// Bodies (request and response) are kept up to this many bytes each; longer ones are cut and
    /// the entry says `"truncated": true` (the dashboard shows what came back, within a bound).
    public static let bodyCap = 64 * 1024

    public func record(_ exchange: HTTPExchange) { append(exchange) }

    /// Keeps `exchange`; returns its entry when `returningEntry` (the app renders it only for a live
    /// listener of `GET /__admin/events`), so the hot path pays for one copy of the exchange and an
    /// append: the exchange is moved in, since every copy of one is a retain and a release per
    /// reference it holds (~30).
    @discardableResult
    func append(_ exchange: consuming HTTPExchange, returningEntry: Bool = false) -> Entry? {
        let milliseconds = SystemClock.wallMilliseconds()
        let bodyBytes = exchange.request?.body.count ?? 0
        let responseBytes = min(exchange.responseBody.count, Self.bodyCap)
        var cost = Self.entryOverhead + min(bodyBytes, Self.bodyPrefixBytes) + responseBytes
        for field in exchange.responseHeaders.fields { cost += field.name.utf8.count + field.value.utf8.count + 32 }
        if exchange.request != nil {
            cost += exchange.request!.target.utf8.count + exchange.request!.path.utf8.count + exchange.request!.rawQuery.utf8.count
            for field in exchange.request!.headers.fields { cost += field.name.utf8.count + field.value.utf8.count + 32 }
            for item in exchange.request!.query { cost += item.name.utf8.count + item.value.utf8.count + 32 }
        }
        // The exchange moves into its entry (no copy), and is cut there when over the caps.
        let responseBodyBytes = exchange.responseBody.count
        var pending: Entry? = Entry(id: 0, unixMilliseconds: milliseconds, exchange: consume exchange, bodyBytes: bodyBytes, cost: cost)
        if responseBodyBytes > Self.bodyCap {
            let kept = Array(pending!.exchange.responseBody.prefix(Self.bodyCap))
            pending!.exchange.responseBody = kept
            pending!.exchange.metadata["truncated"] = "true"
        }
        if bodyBytes > Self.bodyPrefixBytes {
            let kept = Array(pending!.exchange.request!.body.prefix(Self.bodyPrefixBytes))
            pending!.exchange.request?.body = kept
        }
        return state.withLock { state in
            pending!.id = state.nextID
            state.nextID += 1
            state.entries.withNewest { previous in Self.shareRepeats(&pending!.exchange, withPrevious: &previous.exchange) }
            // The oldest goes first when the buffer is full (the count bound), then as many as the bytes need.
            if state.entries.isFull { state.dropOldest() }
            // Moved out of the closure's capture: appending `pending!` itself would copy it.
            state.entries.append(taking: &pending)
            state.bytes += cost
            while state.bytes > byteLimit && state.entries.count > 1 { state.dropOldest() }
            return returningEntry ? state.entries.newest : nil
        }
    }

    /// How many requests are kept now.
    public var count: Int { state.withLock { $0.entries.count } }

    public func clear() {
        state.withLock { $0 = State(capacity: capacity, nextID: $0.nextID) }
    }

    /// Bytes currently charged against ``byteLimit`` (for tests and diagnostics).
    public var storedBytes: Int { state.withLock { $0.bytes } }

    /// Entries oldest first.
    func entries() -> [Entry] {
        state.withLock { $0.entries.elements }
    }

    /// `{"requests":[…]}`, newest last, optionally filtered; `limit` keeps the newest N.
    public func listing(vendor: String? = nil, status: Int? = nil, limit: Int? = nil) -> JSONValue {
        Self.listing(of: [self], vendor: vendor, status: status, limit: limit)
    }

    /// The listing over one or several journals (`?session=*`), merged oldest first by time.
    static func listing(of journals: [RequestJournal], vendor: String? = nil, status: Int? = nil, limit: Int? = nil) -> JSONValue {
        var selected = journals.flatMap { $0.entries() }.filter { entry in
            (vendor == nil || entry.exchange.metadata["vendor"] == vendor) && (status == nil || entry.exchange.status.code == status)
        }
        if journals.count > 1 {
            // Stable: entries of one journal keep their order when their times tie.
            selected = selected.enumerated().sorted { ($0.element.unixMilliseconds, $0.offset) < ($1.element.unixMilliseconds, $1.offset) }.map(\.element)
        }
        if let limit, selected.count > limit { selected = Array(selected.suffix(limit)) }
        return .object([("requests", .array(selected.map(Self.render)))])
    }

    static func render(_ entry: Entry) -> JSONValue {
        let exchange = entry.exchange
        let request = exchange.request
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        var query: [(String, JSONValue)] = []
        for item in request?.query ?? [] {
            let value = Credentials.isSecretParameter(item.name) ? mask(item.value) : item.value
            append(&query, item.name, value, caseInsensitive: false)
        }
        // One member per header name (a doubled Authorization is one list, not two equal keys).
        var headers: [(String, JSONValue)] = []
        for field in request?.headers.fields ?? [] {
            append(&headers, field.name, Credentials.isSecretHeader(field.name) ? mask(field.value) : field.value, caseInsensitive: true)
        }
        var body: JSONValue = .null
        if let request, !request.body.isEmpty {
            var text = String(decoding: request.body, as: UTF8.self)
            if request.headers["Content-Type"]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                text = Credentials.maskedForm(text)
            }
            body = .string(text)
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
            ("body", body),
            ("bodyBytes", number(entry.bodyBytes)),
            // What the dashboard shows beside the request: the response headers and body (capped),
            // secrets masked as in the request (an OAuth token response carries `access_token`).
            ("responseHeaders", .object(exchange.responseHeaders.fields.map {
                ($0.name, .string(Credentials.isSecretHeader($0.name) ? mask($0.value) : $0.value))
            })),
            ("responseBody", .string(Credentials.maskedJSONSecrets(String(decoding: exchange.responseBody, as: UTF8.self)))),
            ("truncated", .bool(entry.bodyBytes > (request?.body.count ?? 0) || exchange.metadata["truncated"] != nil)),
        ])
    }

    /// Adds `value` under `name`, turning a repeated name into one list.
    private static func append(_ members: inout [(String, JSONValue)], _ name: String, _ value: String, caseInsensitive: Bool) {
        let index = members.firstIndex { caseInsensitive ? $0.0.lowercased() == name.lowercased() : $0.0 == name }
        guard let index else { members.append((name, .string(value))); return }
        switch members[index].1 {
        case .array(let values): members[index].1 = .array(values + [.string(value)])
        case let single: members[index].1 = .array([single, .string(value)])
        }
    }

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

/// Which journal fields carry credentials and are masked.
enum Credentials {
    /// Request headers that carry a credential (RFC 9110 §11.6–11.7, cookies, API-key and
    /// client-secret conventions).
    static func isSecretHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token", "x-client-secret", "client-secret"]
            .contains(lower) || lower.hasSuffix("-secret") || lower.hasSuffix("-token")
    }

    /// Query or form parameters that carry a credential (`api_key=`, `access_token=`, OAuth's
    /// `client_secret=`, `token=` …).
    static func isSecretParameter(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["api_key", "apikey", "api-key", "key", "access_token", "refresh_token", "id_token", "token", "client_secret",
                "password", "secret", "assertion", "client_assertion"].contains(lower)
    }

    /// JSON text with the string values of secret members (`"access_token":"…"`, `"client_secret":"…"`)
    /// masked; everything else byte for byte. A scan for `":"` pairs, not a parse, so any body works.
    static func maskedJSONSecrets(_ text: String) -> String {
        guard text.contains("token\"") || text.contains("secret\"") || text.contains("key\"") || text.contains("password\"") else { return text }
        var output = ""
        var rest = Substring(text)
        while let quote = rest.firstIndex(of: "\"") {
            output += rest[..<quote]
            rest = rest[quote...]
            // A member name: "name" followed by optional spaces and a colon, then a string value.
            guard let close = rest.dropFirst().firstIndex(of: "\"") else { break }
            let name = rest[rest.index(after: rest.startIndex)..<close]
            var after = rest[rest.index(after: close)...]
            output += rest[...close]
            rest = after
            let spaces = after.prefix { $0 == " " }
            after = after.dropFirst(spaces.count)
            guard after.first == ":", isSecretParameter(String(name)) else { continue }
            var value = after.dropFirst()
            let more = value.prefix { $0 == " " }
            value = value.dropFirst(more.count)
            guard value.first == "\"", let end = value.dropFirst().firstIndex(of: "\"") else { continue }
            let secret = value[value.index(after: value.startIndex)..<end]
            output += "\(spaces):\(more)\"\(RequestJournal.mask(String(secret)))\""
            rest = value[value.index(after: end)...]
        }
        return output + rest
    }

    /// An `application/x-www-form-urlencoded` body with the values of secret parameters masked.
    static func maskedForm(_ body: String) -> String {
        body.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = PercentDecoding.decode(pair[..<equals], plusIsSpace: true)
            guard isSecretParameter(name) else { return String(pair) }
            return "\(pair[..<equals])=\(RequestJournal.mask(String(pair[pair.index(after: equals)...])))"
        }.joined(separator: "&")
    }
}

