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
    /// `1.0` or `1.1`, as (major, minor).
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

    /// Creates a request from parts; used by the decoder and by in-process tests.
    public init(
        method: String = "GET",
        target: String,
        version: HTTPVersion = .http11,
        headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        // Byte-level search: Character-level String indexing costs grapheme checks per step.
        let pathPart: Substring
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            pathPart = target[..<mark]
            rawQuery = String(target[target.utf8.index(after: mark)...])
        } else {
            pathPart = Substring(target)
            rawQuery = ""
        }
        path = PercentDecoding.decode(pathPart, plusIsSpace: false)
        query = PercentDecoding.queryItems(rawQuery)
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Every value of a query parameter, in order.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// Whether the connection should stay open after this request (RFC 9112 §9.3).
    public var wantsKeepAlive: Bool {
        let tokens = headers.tokens(for: "Connection")
        if tokens.contains("close") { return false }
        return version == .http11 || tokens.contains("keep-alive")
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
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                // A malformed escape is kept literally, as browsers and most servers do.
                guard let high = iterator.next() else { bytes.append(byte); break }
                guard let low = iterator.next() else { bytes.append(byte); bytes.append(high); break }
                if let h = hexValue(high), let l = hexValue(low) {
                    bytes.append(h << 4 | l)
                } else {
                    bytes.append(contentsOf: [byte, high, low])
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func queryItems(_ query: String) -> [HTTPRequest.QueryItem] {
        guard !query.isEmpty else { return [] }
        var items: [HTTPRequest.QueryItem] = []
        let utf8 = query.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            if start < end {
                let pair = Substring(query[start..<end])
                if let equals = pair.utf8.firstIndex(of: UInt8(ascii: "=")) {
                    items.append(.init(
                        name: decode(pair[..<equals], plusIsSpace: true),
                        value: decode(pair[pair.utf8.index(after: equals)...], plusIsSpace: true)
                    ))
                } else {
                    items.append(.init(name: decode(pair, plusIsSpace: true), value: ""))
                }
            }
            start = end == utf8.endIndex ? end : utf8.index(after: end)
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
