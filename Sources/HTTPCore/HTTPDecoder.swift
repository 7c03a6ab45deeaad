/// Incremental HTTP/1.x request decoder (RFC 9112). A value type: feed it the unconsumed bytes
/// of a connection's buffer; it returns a request and how many bytes it used, or `nil` to wait
/// for more. It gives the same answer however the bytes were split across reads.
public struct HTTPDecoder: Sendable {
    public var limits: HTTPLimits
    /// Where to resume looking for the end of the header section, so a slow header is not rescanned.
    private var scannedHeaderBytes = 0

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Decodes one request from the front of `buffer`.
    /// - Returns: the request and the number of bytes it spanned, or `nil` if more bytes are needed.
    /// - Throws: a fatal ``Error``; the connection must answer `error.status` and close.
    public mutating func decode(_ buffer: UnsafeRawBufferPointer) throws(Error) -> (request: HTTPRequest, consumed: Int)? {
        let bytes = buffer.bindMemory(to: UInt8.self)
        var start = 0
        // RFC 9112 §2.2: ignore empty lines received before the request line.
        while start + 1 < bytes.count, bytes[start] == .cr, bytes[start + 1] == .lf { start += 2 }
        if start < bytes.count, bytes[start] == .lf { throw .malformed("bare LF before request line") }

        guard let headEnd = findHeaderEnd(bytes, from: start) else {
            try checkIncompleteHead(bytes, from: start)
            return nil
        }
        let head = try readHead(bytes, from: start, to: headEnd)
        let bodyStart = headEnd + 4
        guard let (body, end) = try readBody(bytes, from: bodyStart, framing: head.framing) else {
            return nil
        }
        scannedHeaderBytes = 0
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: head.headers, body: body
        )
        return (request, end)
    }

    /// Whether `buffer` holds a complete request head that asks for `100 Continue` before its body.
    public func expectsContinue(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var copy = self
        let bytes = buffer.bindMemory(to: UInt8.self)
        guard let headEnd = copy.findHeaderEnd(bytes, from: 0),
              let head = try? copy.readHead(bytes, from: 0, to: headEnd), head.version == .http11
        else { return false }
        return head.headers.tokens(for: "Expect").contains("100-continue")
    }

    // MARK: - Head

    private struct Head {
        var method: String
        var target: String
        var version: HTTPVersion
        var headers: HTTPHeaders
        var framing: Framing
    }

    private enum Framing {
        case none
        case length(Int)
        case chunked
    }

    private mutating func findHeaderEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = max(start, scannedHeaderBytes - 3)
        while index + 3 < bytes.count {
            if bytes[index + 3] != .lf { index += bytes[index + 3] == .cr ? 1 : 4; continue }
            if bytes[index] == .cr, bytes[index + 1] == .lf, bytes[index + 2] == .cr { return index }
            index += 1
        }
        scannedHeaderBytes = max(bytes.count, start)
        return nil
    }

    private func checkIncompleteHead(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(Error) {
        let available = bytes.count - start
        let lineEnd = firstLineEnd(bytes, from: start, to: bytes.count)
        if lineEnd == nil, available > limits.maxRequestLineBytes { throw .requestLineTooLong }
        if let lineEnd, lineEnd - start > limits.maxRequestLineBytes { throw .requestLineTooLong }
        if available > limits.maxRequestLineBytes + limits.maxHeaderBytes + 4 { throw .headersTooLarge }
    }

    private func firstLineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index + 1 < end {
            if bytes[index] == .cr && bytes[index + 1] == .lf { return index }
            index += 1
        }
        return nil
    }

    private func readHead(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to headEnd: Int) throws(Error) -> Head {
        let lineEnd = firstLineEnd(bytes, from: start, to: headEnd + 2) ?? headEnd
        guard lineEnd - start <= limits.maxRequestLineBytes else { throw .requestLineTooLong }
        let (method, target, version) = try readRequestLine(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
        guard headEnd - lineEnd <= limits.maxHeaderBytes else { throw .headersTooLarge }
        let headers = try readHeaderFields(bytes, from: lineEnd + 2, to: headEnd + 2)
        let framing = try readFraming(headers, version: version)
        if version == .http11 {
            // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without exactly one Host.
            guard headers.count(of: "Host") == 1 else { throw .malformed("missing or repeated Host header") }
        }
        return Head(method: method, target: try normalizedTarget(target), version: version, headers: headers, framing: framing)
    }

    private func readRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(Error) -> (String, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: .space),
              let lastSpace = line.lastIndex(of: .space), lastSpace > firstSpace + 1
        else { throw .malformed("request line is not 'METHOD TARGET VERSION'") }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let version = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(\.isTokenCharacter) else { throw .malformed("invalid method") }
        guard target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { throw .malformed("invalid request target") }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), try readVersion(version))
    }

    private func readVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> HTTPVersion {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count == 8, Array(bytes[0..<5]) == prefix, bytes[6] == UInt8(ascii: "."),
              bytes[5].isDigit, bytes[7].isDigit
        else { throw .malformed("invalid HTTP version") }
        let version = HTTPVersion(major: Int(bytes[5] - 48), minor: Int(bytes[7] - 48))
        guard version == .http11 || version == .http10 else { throw .unsupportedVersion }
        return version
    }

    private func normalizedTarget(_ target: String) throws(Error) -> String {
        if target.hasPrefix("/") { return target }
        if target == "*" { return target }
        // RFC 9112 §3.2.2: absolute-form must be accepted; keep only path and query.
        for scheme in ["http://", "https://"] where target.lowercasedASCII().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let tail = rest[slash...]
            return tail.hasPrefix("?") ? "/" + tail : String(tail)
        }
        throw .malformed("request target must be a path")
    }

    private func readHeaderFields(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws(Error) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(8)  // one allocation instead of growing 1 → 2 → 4 → 8
        var lineStart = start
        while lineStart < end - 2 {
            guard let lineEnd = firstLineEnd(bytes, from: lineStart, to: end) else { break }
            let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            lineStart = lineEnd + 2
            guard headers.count < limits.maxHeaderCount else { throw .tooManyHeaders }
            // RFC 9112 §5.2: obsolete line folding is rejected with 400.
            guard let first = line.first, first != .space, first != .tab else { throw .malformed("folded header line") }
            guard let colon = line.firstIndex(of: .colon), colon > 0 else { throw .malformed("header line without a name") }
            let name = UnsafeBufferPointer(rebasing: line[..<colon])
            // RFC 9112 §5.1: no whitespace between field name and colon.
            guard name.allSatisfy(\.isTokenCharacter) else { throw .malformed("invalid header name") }
            var valueStart = colon + 1
            var valueEnd = line.count
            while valueStart < valueEnd, line[valueStart] == .space || line[valueStart] == .tab { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == .space || line[valueEnd - 1] == .tab { valueEnd -= 1 }
            let value = UnsafeBufferPointer(rebasing: line[valueStart..<valueEnd])
            guard value.allSatisfy({ $0 >= 0x20 || $0 == .tab }), !value.contains(0x7F) else {
                throw .malformed("control character in header value")
            }
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    private func readFraming(_ headers: HTTPHeaders, version: HTTPVersion) throws(Error) -> Framing {
        let transferEncodings = headers.tokens(for: "Transfer-Encoding")
        let lengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: Content-Length with Transfer-Encoding is a request-smuggling vector.
            guard lengths.isEmpty else { throw .conflictingFraming("both Content-Length and Transfer-Encoding") }
            guard version == .http11 else { throw .malformed("Transfer-Encoding in an HTTP/1.0 request") }
            guard transferEncodings == ["chunked"] else { throw .unsupportedTransferCoding }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        var length: Int?
        for element in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let trimmed = element.trimmingASCIIWhitespace()
            guard !trimmed.isEmpty, trimmed.utf8.allSatisfy(\.isDigit), trimmed.utf8.count <= 18,
                  let value = Int(trimmed)
            else { throw .malformed("invalid Content-Length") }
            // RFC 9112 §6.3: differing Content-Length values are unrecoverable.
            if let length, length != value { throw .conflictingFraming("conflicting Content-Length values") }
            length = value
        }
        guard let length else { throw .malformed("invalid Content-Length") }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge }
        return .length(length)
    }

    // MARK: - Body

    private func readBody(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, framing: Framing
    ) throws(Error) -> ([UInt8], Int)? {
        switch framing {
        case .none:
            return ([], start)
        case .length(let length):
            guard bytes.count - start >= length else { return nil }
            return (Array(bytes[start..<(start + length)]), start + length)
        case .chunked:
            return try readChunkedBody(bytes, from: start)
        }
    }

    private func readChunkedBody(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(Error) -> ([UInt8], Int)? {
        var body: [UInt8] = []
        var index = start
        while true {
            guard let lineEnd = firstLineEnd(bytes, from: index, to: bytes.count) else {
                if bytes.count - index > 1024 { throw .malformed("chunk size line too long") }
                return nil
            }
            let size = try readChunkSize(UnsafeBufferPointer(rebasing: bytes[index..<lineEnd]))
            index = lineEnd + 2
            if size == 0 { break }
            guard body.count + size <= limits.maxBodyBytes else { throw .bodyTooLarge }
            guard bytes.count - index >= size + 2 else { return nil }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size
            guard bytes[index] == .cr, bytes[index + 1] == .lf else { throw .malformed("chunk data not followed by CRLF") }
            index += 2
        }
        // Trailer section: header lines until an empty line; their content is ignored.
        while true {
            guard let lineEnd = firstLineEnd(bytes, from: index, to: bytes.count) else {
                if bytes.count - index > limits.maxHeaderBytes { throw .headersTooLarge }
                return nil
            }
            let isEmpty = lineEnd == index
            index = lineEnd + 2
            if isEmpty { return (body, index) }
        }
    }

    private func readChunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(Error) -> Int {
        var size = 0
        var digits = 0
        for byte in line {
            guard let value = byte.hexValue else {
                // Chunk extensions (RFC 9112 §7.1.1) follow a semicolon and are ignored.
                if byte == UInt8(ascii: ";") || byte == .space || byte == .tab { break }
                throw .malformed("invalid chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw .bodyTooLarge }
            size = size << 4 | Int(value)
        }
        guard digits > 0 else { throw .malformed("missing chunk size") }
        return size
    }
}

extension HTTPDecoder {
    /// Why a request could not be decoded. Every case is fatal for the connection.
    public enum Error: Swift.Error, Equatable, Sendable {
        case requestLineTooLong
        case headersTooLarge
        case tooManyHeaders
        case bodyTooLarge
        case malformed(String)
        case conflictingFraming(String)
        case unsupportedTransferCoding
        case unsupportedVersion

        /// The status the server answers with before closing.
        public var status: HTTPStatus {
            switch self {
            case .requestLineTooLong: .uriTooLong
            case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
            case .bodyTooLarge: .contentTooLarge
            case .malformed, .conflictingFraming: .badRequest
            case .unsupportedTransferCoding: .notImplemented
            case .unsupportedVersion: .httpVersionNotSupported
            }
        }

        /// A one-line explanation for the error body.
        public var message: String {
            switch self {
            case .requestLineTooLong: "request line too long"
            case .headersTooLarge: "request header section too large"
            case .tooManyHeaders: "too many header fields"
            case .bodyTooLarge: "request body too large"
            case .malformed(let reason), .conflictingFraming(let reason): reason
            case .unsupportedTransferCoding: "unsupported Transfer-Encoding"
            case .unsupportedVersion: "unsupported HTTP version"
            }
        }
    }
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    var isDigit: Bool { self >= 48 && self <= 57 }

    var hexValue: UInt8? {
        switch self {
        case 48...57: self - 48
        case 97...102: self - 87
        case 65...70: self - 55
        default: nil
        }
    }

    /// RFC 9110 §5.6.2 tchar.
    var isTokenCharacter: Bool {
        switch self {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
