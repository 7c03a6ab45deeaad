/// A decoded HTTP/1.x request. Query items are percent-decoded with repeated keys kept in order.
public struct HTTPRequest: Sendable {
    /// The method token as sent (methods are case-sensitive, RFC 9110 §9.1).
    public var method: String
    /// The request target exactly as it appeared on the request line.
    public var target: String
    /// The percent-decoded path, without the query.
    public var path: String
    /// The raw (still percent-encoded) query string, without the `?`.
    public var rawQuery: String
    /// Decoded query items in order; `+` decodes to a space as in HTML forms.
    public var query: [QueryItem]
    /// `1.0` or `1.1` (or `2.0` for a request that came over HTTP/2), as (major, minor).
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// One `name=value` pair of the query string.
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a request from parts; used by in-process tests, HTTP/2, and the decoder for an
    /// absolute-form target (origin-form targets go through `init(method:targetBytes:version:headers:)`).
    public init(
        method: String = "GET",
        target: String,
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) {
        let parts = target.utf8.withContiguousStorageIfAvailable(TargetParts.init)
            ?? Array(target.utf8).withUnsafeBufferPointer(TargetParts.init)
        self.init(method: method, target: target, parts: parts, version: version, headers: headers, body: body)
    }

    /// The decoder's initializer: path and query come straight from the request line's target bytes,
    /// already in hand, instead of a second walk over a `String` built from them.
    init(method: String, targetBytes: UnsafeBufferPointer<UInt8>, version: HTTPVersion, headers: HTTPHeaders) {
        let parts = TargetParts(targetBytes)
        // A target without query or escapes is its own path: one string instead of two equal ones.
        let target = parts.isPlainPath ? parts.path : String(decoding: targetBytes, as: UTF8.self)
        self.init(method: method, target: target, parts: parts, version: version, headers: headers, body: [])
    }

    private init(method: String, target: String, parts: TargetParts, version: HTTPVersion, headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.target = target
        self.path = parts.path
        self.rawQuery = parts.rawQuery
        self.query = parts.query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// A target split at its first `?` (RFC 3986 §3.4), each part decoded from the bytes.
    private struct TargetParts {
        var path: String
        var rawQuery: String
        var query: [QueryItem]
        /// Whether the target is exactly `path`: no `?` and nothing percent-decoded.
        var isPlainPath: Bool

        init(_ target: UnsafeBufferPointer<UInt8>) {
            // `memchr`, not a byte loop: every request's target is searched for both.
            guard let mark = target.index(of: UInt8(ascii: "?"), from: 0) else {
                isPlainPath = target.index(of: UInt8(ascii: "%"), from: 0) == nil
                path = isPlainPath ? String(decoding: target, as: UTF8.self) : PercentDecoding.decode(bytes: target, plusIsSpace: false)
                rawQuery = ""
                query = []
                return
            }
            let queryBytes = UnsafeBufferPointer(rebasing: target[(mark + 1)...])
            isPlainPath = false
            path = PercentDecoding.decode(bytes: UnsafeBufferPointer(rebasing: target[..<mark]), plusIsSpace: false)
            rawQuery = String(decoding: queryBytes, as: UTF8.self)
            query = PercentDecoding.queryItems(bytes: queryBytes)
        }
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The last value of a query parameter (Django's `QueryDict.get`), found from the end without
    /// building the array of every value (~300 instructions a name on every PandaDoc page).
    public func lastQueryValue(_ name: String) -> String? {
        for index in query.indices.reversed() where query[index].name == name { return query[index].value }
        return nil
    }

    /// Every value of a query parameter, in order.
    public func queryValues(_ name: String) -> [String] {
        // One pass into one array: `filter` then `map` allocated twice for every parameter present,
        // and OpenPhone asks for two on each page (callgrind, issue 14 deep pages).
        var values: [String] = []
        for index in query.indices where query[index].name == name { values.append(query[index].value) }
        return values
    }

    /// Whether the connection should stay open after this request (RFC 9112 §9.3). Always for
    /// HTTP/2, where a connection outlives its streams and `Connection` is not allowed (RFC 9113 §8.2.2).
    public var wantsKeepAlive: Bool {
        if version.major >= 2 { return true }
        if headers.hasToken("close", for: "Connection") { return false }
        return version == .http11 || headers.hasToken("keep-alive", for: "Connection")
    }
}

/// The HTTP version of a request line.
public struct HTTPVersion: Sendable, Hashable {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http10 = HTTPVersion(major: 1, minor: 0)
    public static let http11 = HTTPVersion(major: 1, minor: 1)
}

/// RFC 3986 percent-decoding (and `+` as space in form and query components).
public enum PercentDecoding {
    /// `text` with `%XX` escapes decoded; invalid escapes are kept as written.
    public static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String {
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(bytes: $0, plusIsSpace: plusIsSpace) }) {
            return decoded
        }
        return Array(text.utf8).withUnsafeBufferPointer { decode(bytes: $0, plusIsSpace: plusIsSpace) }
    }

    /// The byte-level decoder behind ``decode(_:plusIsSpace:)``: a generic `UTF8View` walk costs
    /// several times as much per byte, and every request decodes its path and query.
    static func decode(bytes: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool) -> String {
        let plain = plusIsSpace
            ? !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") })
            : bytes.index(of: UInt8(ascii: "%"), from: 0) == nil
        if plain {
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(unsafeUninitializedCapacity: bytes.count) { output in
            var written = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "+") where plusIsSpace:
                    output[written] = UInt8(ascii: " ")
                    written += 1
                case UInt8(ascii: "%"):
                    // A malformed escape is kept literally (all three bytes), as browsers and most servers do.
                    let remaining = bytes.count - index
                    if remaining >= 2, let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) {
                        output[written] = high << 4 | low
                        written += 1
                    } else {
                        output[written] = byte
                        for offset in 0..<min(remaining, 2) { output[written + 1 + offset] = bytes[index + offset] }
                        written += 1 + min(remaining, 2)
                    }
                    index += min(remaining, 2)
                default:
                    output[written] = byte
                    written += 1
                }
            }
            return written
        }
    }

    static func queryItems(_ query: String) -> [HTTPRequest.QueryItem] {
        guard !query.isEmpty else { return [] }
        if let items = query.utf8.withContiguousStorageIfAvailable(queryItems(bytes:)) { return items }
        return Array(query.utf8).withUnsafeBufferPointer(queryItems(bytes:))
    }

    static func queryItems(bytes: UnsafeBufferPointer<UInt8>) -> [HTTPRequest.QueryItem] {
        guard !bytes.isEmpty else { return [] }
        var items: [HTTPRequest.QueryItem] = []
        items.reserveCapacity(bytes.reduce(1) { $1 == UInt8(ascii: "&") ? $0 + 1 : $0 })  // one allocation
        var start = 0
        while start < bytes.count {
            // `memchr` for the separators; the `=` search is bounded by the item, so a query of a
            // million `a&` items stays linear.
            let end = bytes.index(of: UInt8(ascii: "&"), from: start) ?? bytes.count
            if start < end {
                let item = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let equals = item.index(of: UInt8(ascii: "="), from: 0).map { start + $0 } ?? end
                let name = decode(bytes: UnsafeBufferPointer(rebasing: bytes[start..<equals]), plusIsSpace: true)
                let value = equals < end
                    ? decode(bytes: UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<end]), plusIsSpace: true) : ""
                items.append(.init(name: name, value: value))
            }
            start = end + 1
        }
        return items
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
