#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Incremental HTTP/1.x request decoder (RFC 9112). A value type: feed it the unconsumed bytes
/// of a connection's buffer; it returns a request and how many bytes it used, or `nil` to wait
/// for more. It gives the same answer however the bytes were split across reads, and it never
/// re-parses what an earlier call already parsed: a parsed head and the chunks of a chunked body
/// are kept until the request completes (a body of 170 000 one-byte chunks is parsed once).
public struct HTTPDecoder: Sendable {
    public var limits: HTTPLimits
    /// How far the head in progress has been scanned, so a head that arrives in pieces is scanned once.
    private var headScan = HeadScan()
    /// Bytes `scanHead` has looked at over this decoder's life: tests check that a head arriving in
    /// pieces is looked at once (a rescan from the start would make a slow head quadratic).
    private(set) var headBytesScanned = 0
    /// The request in progress once its head is parsed, its body still empty. Kept apart from
    /// `pendingBody` so it moves out whole when done: taking it out of a larger struct copied it,
    /// a retain and a release of each of its strings and arrays.
    private var pendingRequest: HTTPRequest?
    /// How the body of `pendingRequest` is framed and how far it has been read.
    private var pendingBody: PendingBody?
    /// The request line and headers of a request refused after its head was read (413 body, bad
    /// framing, bad Host), so a handler can render the refusal for the route; `nil` otherwise.
    public private(set) var rejectedRequest: HTTPRequest?

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    private struct PendingBody: Sendable {
        var framing: Framing
        var start: Int
        var chunked: ChunkedProgress?
    }

    /// Decodes one request from the front of `buffer`.
    /// - Returns: the request and the number of bytes it spanned, or `nil` if more bytes are needed.
    /// - Throws: a fatal ``Error``; the connection must answer `error.status` and close.
    public mutating func decode(_ buffer: UnsafeRawBufferPointer) throws(Error) -> (request: HTTPRequest, consumed: Int)? {
        let bytes = buffer.bindMemory(to: UInt8.self)
        if pendingBody == nil {
            var start = 0
            // RFC 9112 §2.2: ignore empty lines received before the request line.
            while start + 1 < bytes.count, bytes[start] == .cr, bytes[start + 1] == .lf { start += 2 }
            if start < bytes.count, bytes[start] == .lf { throw .malformed("bare LF before request line") }
            guard let headEnd = try scanHead(bytes, from: start) else {
                try checkIncompleteHead(bytes, from: start)
                return nil
            }
            let (request, framing) = try readHead(bytes, from: start, to: headEnd)
            pendingRequest = request
            pendingBody = PendingBody(framing: framing, start: headEnd + 4)
        }
        let body: ([UInt8], Int)?
        do { body = try readBody(bytes, pending: &pendingBody!) } catch {
            rejectedRequest = pendingRequest
            throw error
        }
        guard let (bodyBytes, end) = body else { return nil }
        pendingBody = nil
        headScan = HeadScan()
        // Completed in place, then moved out: a local copy given the body was copied once more on return.
        pendingRequest!.body = bodyBytes
        return (pendingRequest.take()!, end)
    }

    /// Whether `buffer` holds a complete request head that asks for `100 Continue` before its body.
    public func expectsContinue(_ buffer: UnsafeRawBufferPointer) -> Bool {
        var copy = self
        let request: HTTPRequest
        if let pendingRequest {
            request = pendingRequest
        } else {
            let bytes = buffer.bindMemory(to: UInt8.self)
            guard let headEnd = try? copy.scanHead(bytes, from: 0),
                  let parsed = try? copy.readHead(bytes, from: 0, to: headEnd) else { return false }
            request = parsed.request
        }
        guard request.version == .http11 else { return false }
        return request.headers.hasToken("100-continue", for: "Expect")
    }

    // MARK: - Head

    private enum Framing: Sendable {
        case none
        case length(Int)
        case chunked
    }

    /// The one pass over a head: where it has got to, and what it has seen on the way.
    private struct HeadScan: Sendable {
        /// The first byte not yet looked at.
        var resumeIndex = 0
        /// Where the request line's CRLF starts, once seen.
        var requestLineEnd: Int?
    }

    /// Scans the head from `start` (or from where the last call stopped) for its line ends, and
    /// returns where its final CRLF CRLF starts, or `nil` if it has not all arrived yet.
    ///
    /// RFC 9112 §2.2 lets a server accept a bare LF as a line terminator; we refuse it everywhere
    /// (head, chunk lines, trailers) with 400, so no two parsers on a path can frame it differently.
    /// Bare LFs are looked for only within the head's size limits: a head past them is refused for
    /// its size, whatever it holds.
    private mutating func scanHead(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(Error) -> Int? {
        let checkedEnd = start + limits.maxRequestLineBytes + limits.maxHeaderBytes + 4
        var index = max(start, headScan.resumeIndex)
        let scanStart = index
        // Only LFs matter: every line end and the empty line are found from them, and a CR not
        // followed by LF is left to the line's own checks.
        while let lineFeed = nextLineFeed(bytes, from: index) {
            let afterCR = lineFeed > start && bytes[lineFeed - 1] == .cr
            if !afterCR, lineFeed < checkedEnd { throw .malformed("bare LF in request head") }
            // The head ends at the first empty line; bytes after it belong to the body.
            if afterCR, lineFeed >= start + 3, bytes[lineFeed - 2] == .lf, bytes[lineFeed - 3] == .cr {
                headBytesScanned += lineFeed + 1 - scanStart
                headScan.resumeIndex = lineFeed + 1
                return lineFeed - 3
            }
            if afterCR, headScan.requestLineEnd == nil { headScan.requestLineEnd = lineFeed - 1 }
            index = lineFeed + 1
        }
        headBytesScanned += bytes.count - scanStart
        headScan.resumeIndex = bytes.count
        return nil
    }

    /// The index of the next LF at or after `index`. `memchr` compares many bytes per instruction; a
    /// byte loop costs about five instructions a byte, and the head is most of a typical request.
    private func nextLineFeed(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
        guard index < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + index, Int32(UInt8.lf), bytes.count - index)
        else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    private func checkIncompleteHead(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(Error) {
        let available = bytes.count - start
        let lineEnd = headScan.requestLineEnd
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

    private mutating func readHead(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to headEnd: Int) throws(Error) -> (request: HTTPRequest, framing: Framing) {
        let lineEnd = headScan.requestLineEnd ?? headEnd
        guard lineEnd - start <= limits.maxRequestLineBytes else { throw .requestLineTooLong }
        let (method, target, version) = try readRequestLine(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
        guard headEnd - lineEnd <= limits.maxHeaderBytes else { throw .headersTooLarge }
        let (headers, summary) = try readHeaderFields(bytes, from: lineEnd + 2, to: headEnd + 2)
        let request = try makeRequest(method: method, target: target, version: version, headers: headers)
        do {
            try checkHost(summary, version: version)
            return (request, summary.hasFramingField ? try readFraming(headers, version: version) : .none)
        } catch {
            rejectedRequest = request
            throw error
        }
    }

    /// RFC 9112 §3.2: 400 for any request with more than one Host or an invalid one, and for an
    /// HTTP/1.1 request with none.
    private func checkHost(_ summary: FieldSummary, version: HTTPVersion) throws(Error) {
        if version == .http11, summary.hostCount != 1 { throw .malformed("missing or repeated Host header") }
        guard summary.hostCount <= 1 else { throw .malformed("missing or repeated Host header") }
        if summary.hostCount == 1, !summary.lastHostIsValid { throw .malformed("invalid Host header") }
    }

    private func readRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(Error) -> (String, UnsafeBufferPointer<UInt8>, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: .space),
              let lastSpace = line.lastIndex(of: .space), lastSpace > firstSpace + 1
        else { throw .malformed("request line is not 'METHOD TARGET VERSION'") }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let version = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(\.isTokenCharacter) else { throw .malformed("invalid method") }
        // RFC 9112 §3.2 / RFC 3986: a target is visible ASCII; raw bytes ≥ 0x80 must be percent-encoded.
        guard target.isVisibleASCII else { throw .malformed("invalid request target") }
        return (methodName(method), target, try readVersion(version))
    }

    /// The method as a String: the common ones from literals (see `fieldName`), others from their bytes.
    private func methodName(_ method: UnsafeBufferPointer<UInt8>) -> String {
        switch method.count {
        case 3 where method.isEqual(to: "GET"): "GET"
        case 3 where method.isEqual(to: "PUT"): "PUT"
        case 4 where method.isEqual(to: "POST"): "POST"
        case 4 where method.isEqual(to: "HEAD"): "HEAD"
        case 5 where method.isEqual(to: "PATCH"): "PATCH"
        case 6 where method.isEqual(to: "DELETE"): "DELETE"
        default: String(decoding: method, as: UTF8.self)
        }
    }

    private func readVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> HTTPVersion {
        // Byte comparisons: this runs on every request, and arrays here would allocate twice.
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
              bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"),
              bytes[6] == UInt8(ascii: "."), bytes[5].isDigit, bytes[7].isDigit
        else { throw .malformed("invalid HTTP version") }
        let version = HTTPVersion(major: Int(bytes[5] - 48), minor: Int(bytes[7] - 48))
        guard version == .http11 || version == .http10 else { throw .unsupportedVersion }
        return version
    }

    /// The request for a target already checked to be visible ASCII. Origin-form and asterisk-form
    /// (RFC 9112 §3.2.1, §3.2.4) are kept as sent and split straight from their bytes.
    private func makeRequest(method: String, target: UnsafeBufferPointer<UInt8>, version: HTTPVersion, headers: HTTPHeaders) throws(Error) -> HTTPRequest {
        if target.first == UInt8(ascii: "/") || (target.count == 1 && target[0] == UInt8(ascii: "*")) {
            return HTTPRequest(method: method, targetBytes: target, version: version, headers: headers)
        }
        let normalized = try normalizedAbsoluteTarget(String(decoding: target, as: UTF8.self))
        return HTTPRequest(method: method, target: normalized, version: version, headers: headers)
    }

    private func normalizedAbsoluteTarget(_ target: String) throws(Error) -> String {
        // RFC 9112 §3.2.2: absolute-form must be accepted; keep only path and query.
        for scheme in ["http://", "https://"] where target.lowercasedASCII().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let tail = rest[slash...]
            return tail.hasPrefix("?") ? "/" + tail : String(tail)
        }
        throw .malformed("request target must be a path")
    }

    /// What `checkHost` and `readFraming` need from the fields, noted from each field's bytes as it
    /// is read, so neither looks every field up again by name.
    private struct FieldSummary {
        var hostCount = 0
        /// Whether the last Host value is all RFC 3986 host characters.
        var lastHostIsValid = false
        /// Whether a Content-Length or Transfer-Encoding field is present, empty or not.
        var hasFramingField = false

        mutating func note(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
            if name.isEqualIgnoringASCIICase("host") {
                hostCount += 1
                lastHostIsValid = value.allSatisfy(\.isHostCharacter)
            } else if name.isEqualIgnoringASCIICase("content-length")
                        || name.isEqualIgnoringASCIICase("transfer-encoding") {
                hasFramingField = true
            }
        }
    }

    private func readHeaderFields(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) throws(Error) -> (HTTPHeaders, FieldSummary) {
        var summary = FieldSummary()
        var headers = HTTPHeaders()
        headers.reserveCapacity(8)  // one allocation instead of growing 1 → 2 → 4 → 8
        var lineStart = start
        while lineStart < end - 2 {
            guard headers.count < limits.maxHeaderCount else { throw .tooManyHeaders }
            let (name, value, lineEnd) = try readHeaderLine(bytes, from: lineStart, to: end)
            summary.note(name: name, value: value)
            headers.add(name: fieldName(name), value: String(decoding: value, as: UTF8.self))
            lineStart = lineEnd + 2
        }
        return (headers, summary)
    }

    /// A field name as a String. Names most clients send, spelled as they send them, come from
    /// literals: a literal costs nothing to make, a String built from bytes about 130 instructions.
    private func fieldName(_ name: UnsafeBufferPointer<UInt8>) -> String {
        switch name.count {
        case 4 where name.isEqual(to: "Host"): "Host"
        case 6 where name.isEqual(to: "Accept"): "Accept"
        case 10 where name.isEqual(to: "User-Agent"): "User-Agent"
        case 10 where name.isEqual(to: "Connection"): "Connection"
        case 12 where name.isEqual(to: "Content-Type"): "Content-Type"
        case 13 where name.isEqual(to: "Authorization"): "Authorization"
        case 14 where name.isEqual(to: "Content-Length"): "Content-Length"
        case 15 where name.isEqual(to: "Accept-Encoding"): "Accept-Encoding"
        default: String(decoding: name, as: UTF8.self)
        }
    }

    /// The header line at `lineStart`, found and checked in one walk: token bytes up to the colon,
    /// then value bytes up to the CR of the line's CRLF. A line that walk does not accept goes to
    /// `readFieldLine`, so a bad line gets the same error however it is bad.
    private func readHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>, from lineStart: Int, to end: Int) throws(Error)
        -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, lineEnd: Int) {
        var index = lineStart
        while index < end, bytes[index].isTokenCharacter { index += 1 }
        if index > lineStart, index < end, bytes[index] == .colon {
            let colon = index
            index += 1
            while index < end, bytes[index] == .space || bytes[index] == .tab { index += 1 }
            let valueStart = index
            // Eight bytes at a time while none is a control character (the line's CR is one).
            while index + 8 <= end, !UInt64.hasControlOrDelete(bytes.word(at: index)) { index += 8 }
            while index < end, bytes[index].isFieldValueCharacter { index += 1 }
            if index + 1 < end, bytes[index] == .cr, bytes[index + 1] == .lf {
                var valueEnd = index
                while valueEnd > valueStart, bytes[valueEnd - 1] == .space || bytes[valueEnd - 1] == .tab { valueEnd -= 1 }
                return (UnsafeBufferPointer(rebasing: bytes[lineStart..<colon]),
                        UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]), index)
            }
        }
        let lineEnd = firstLineEnd(bytes, from: lineStart, to: end) ?? end
        let (name, value) = try readFieldLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
        return (name, value, lineEnd)
    }

    /// One `name: value` line (a header or a trailer), validated by RFC 9112 §5.
    private func readFieldLine(_ line: UnsafeBufferPointer<UInt8>) throws(Error) -> (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) {
        // RFC 9112 §5.2: obsolete line folding is rejected with 400.
        guard let first = line.first, first != .space, first != .tab else { throw .malformed("folded header line") }
        guard let colon = line.firstIndex(of: .colon), colon > 0 else { throw .malformed("header line without a name") }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        // RFC 9112 §5.1: no whitespace between field name and colon.
        guard name.allSatisfy(\.isTokenCharacter) else { throw .malformed("invalid header name") }
        let value = UnsafeBufferPointer(rebasing: line[line.trimmingOptionalWhitespace((colon + 1)..<line.count)])
        guard value.allSatisfy(\.isFieldValueCharacter) else {
            throw .malformed("control character in header value")
        }
        return (name, value)
    }

    /// The framing of a request that has a Content-Length or Transfer-Encoding field (most have
    /// neither, and are framed `.none` without a lookup).
    private func readFraming(_ headers: HTTPHeaders, version: HTTPVersion) throws(Error) -> Framing {
        let lengths = headers.values(for: "Content-Length")
        // Presence, not content, decides: an empty `Transfer-Encoding:` beside Content-Length is
        // still both framings (RFC 9112 §6.3: 400 and close).
        if headers.count(of: "Transfer-Encoding") > 0 {
            let transferEncodings = headers.tokens(for: "Transfer-Encoding")
            // RFC 9112 §6.1: Content-Length with Transfer-Encoding is a request-smuggling vector.
            guard lengths.isEmpty else { throw .conflictingFraming("both Content-Length and Transfer-Encoding") }
            guard version == .http11 else { throw .malformed("Transfer-Encoding in an HTTP/1.0 request") }
            // RFC 9110 §5.6.1.2: empty list elements are ignored, but at least one coding is required.
            guard !transferEncodings.isEmpty else { throw .malformed("empty Transfer-Encoding") }
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

    private struct ChunkedProgress: Sendable {
        /// Where the next chunk-size line (or trailer line) starts.
        var index: Int
        var body: [UInt8] = []
        var inTrailers = false
        var trailerCount = 0
    }

    private func readBody(_ bytes: UnsafeBufferPointer<UInt8>, pending: inout PendingBody) throws(Error) -> ([UInt8], Int)? {
        let start = pending.start
        switch pending.framing {
        case .none:
            return ([], start)
        case .length(let length):
            guard bytes.count - start >= length else { return nil }
            return (Array(bytes[start..<(start + length)]), start + length)
        case .chunked:
            var progress = pending.chunked ?? ChunkedProgress(index: start)
            defer { pending.chunked = progress }
            return try readChunkedBody(bytes, progress: &progress)
        }
    }

    private func readChunkedBody(_ bytes: UnsafeBufferPointer<UInt8>, progress: inout ChunkedProgress) throws(Error) -> ([UInt8], Int)? {
        while !progress.inTrailers {
            guard let lineEnd = firstLineEnd(bytes, from: progress.index, to: bytes.count) else {
                if bytes.count - progress.index > 1024 { throw .malformed("chunk size line too long") }
                return nil
            }
            let size = try readChunkSize(UnsafeBufferPointer(rebasing: bytes[progress.index..<lineEnd]))
            let dataStart = lineEnd + 2
            if size == 0 {
                progress.index = dataStart
                progress.inTrailers = true
                break
            }
            guard progress.body.count + size <= limits.maxBodyBytes else { throw .bodyTooLarge }
            guard bytes.count - dataStart >= size + 2 else { return nil }
            progress.body.append(contentsOf: bytes[dataStart..<(dataStart + size)])
            let dataEnd = dataStart + size
            guard bytes[dataEnd] == .cr, bytes[dataEnd + 1] == .lf else { throw .malformed("chunk data not followed by CRLF") }
            progress.index = dataEnd + 2
        }
        // Trailer section (RFC 9112 §7.1.2): field lines until an empty line, validated like
        // headers; their content is ignored.
        while true {
            guard let lineEnd = firstLineEnd(bytes, from: progress.index, to: bytes.count) else {
                if bytes.count - progress.index > limits.maxHeaderBytes { throw .headersTooLarge }
                return nil
            }
            if lineEnd == progress.index { return (progress.body, lineEnd + 2) }
            _ = try readFieldLine(UnsafeBufferPointer(rebasing: bytes[progress.index..<lineEnd]))
            progress.trailerCount += 1
            guard progress.trailerCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
            progress.index = lineEnd + 2
        }
    }

    /// RFC 9112 §7.1: `chunk-size [ BWS ";" chunk-ext ] CRLF`. Anything but whitespace and an
    /// extension after the size (`2 zz`) is refused rather than ignored.
    private func readChunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(Error) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let value = line[index].hexValue {
            guard index < 15 else { throw .bodyTooLarge }
            size = size << 4 | Int(value)
            index += 1
        }
        guard index > 0 else { throw .malformed(line.isEmpty ? "missing chunk size" : "invalid chunk size") }
        while index < line.count, line[index] == .space || line[index] == .tab { index += 1 }
        guard index == line.count || line[index] == UInt8(ascii: ";") else { throw .malformed("invalid chunk size") }
        // Chunk extensions are ignored, but may not smuggle control characters.
        guard line[index...].allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == .tab }) else {
            throw .malformed("invalid chunk extension")
        }
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

    /// Bytes of RFC 3986 `host [ ":" port ]`: unreserved, sub-delims, `%`, `:` and IP-literal brackets.
    var isHostCharacter: Bool {
        switch self {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"): true
        default: false
        }
    }

    /// RFC 9110 §5.5 field-vchar or whitespace: anything but control characters, tab excepted
    /// (obs-text, bytes ≥ 0x80, is allowed).
    var isFieldValueCharacter: Bool { (self >= 0x20 && self != 0x7F) || self == .tab }

    /// RFC 9110 §5.6.2 tchar: DIGIT, ALPHA and ``!#$%&'*+-.^_`|~``, read from two 64-bit masks
    /// (bit `n` of the first for byte `n`, of the second for byte `64 + n`). Every byte of every
    /// field name is checked, and the range-and-list switch cost ~8 instructions a byte.
    @inline(__always)
    var isTokenCharacter: Bool {
        // Literals, not `static let`s: those are read through a lazy-initialisation check.
        let mask: UInt64 = self < 64 ? 0x03FF_6CFA_0000_0000 : self < 128 ? 0x57FF_FFFF_C7FF_FFFE : 0
        return (mask >> UInt64(self & 63)) & 1 != 0
    }
}
