import Testing
@testable import HTTPCore

/// Header lines are read in one walk over the bytes; each accepted shape and each refusal must
/// come out as RFC 9112 §5 reads it (the refusals name what is wrong with the line).
struct HTTPDecoderFieldLineTests {
    static func decodeField(_ line: [UInt8]) throws -> HTTPHeaders.Field? {
        let head = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8) + line + Array("\r\n\r\n".utf8)
        return try HTTPDecoder.decodeFeeding([head]).first?.headers.fields.last
    }

    @Test(arguments: [
        ("X-A: b", "X-A", "b"), ("X-A:b", "X-A", "b"), ("X-A: \t b \t ", "X-A", "b"), ("X-A:", "X-A", ""),
        ("X-A:   ", "X-A", ""), ("X-A: a b\tc", "X-A", "a b\tc"), ("X-A: a:b", "X-A", "a:b"),
        ("!#$%&'*+-.^_`|~09azAZ: v", "!#$%&'*+-.^_`|~09azAZ", "v"), ("X-A: café", "X-A", "café"),
    ])
    func acceptedLine_keepsNameAndTrimmedValue(line: String, name: String, value: String) throws {
        #expect(try Self.decodeField(Array(line.utf8)) == HTTPHeaders.Field(name: name, value: value))
    }

    /// Common names are made from literals; every spelling must still come out as sent.
    @Test(arguments: [
        "Host", "host", "HOST", "Accept", "accept", "User-Agent", "user-agent", "Connection", "connection",
        "Content-Type", "content-type", "Authorization", "authorization", "Content-Length", "Content-length",
        "Accept-Encoding", "accept-encoding", "Hosts", "Accepts", "User-Agents", "X-Authorization",
    ])
    func fieldName_isKeptAsSent(name: String) throws {
        let head = "POST / HTTP/1.1\r\n\(name): 0\r\n" + (name.lowercased() == "host" ? "" : "Host: x\r\n") + "\r\n"
        let request = try #require(try HTTPDecoder.decodeAll(head).first)
        #expect(request.headers.fields.map(\.name).contains(name))
        #expect(request.headers[name] == "0")
    }

    @Test(arguments: [
        ("X-A : b", "invalid header name"), ("X A: b", "invalid header name"), ("X\u{7F}: b", "invalid header name"),
        (": b", "header line without a name"), ("X-A b", "header line without a name"),
        (" X-A: b", "folded header line"), ("\tX-A: b", "folded header line"),
        ("X-A: a\u{0}b", "control character in header value"), ("X-A: a\u{7F}", "control character in header value"),
        ("X-A: a\rb", "control character in header value"), ("X-A: a\u{1B}", "control character in header value"),
        ("X\rA: b", "invalid header name"), ("X-A\r: b", "invalid header name"),
    ])
    func refusedLine_getsTheErrorForWhatIsWrong(line: String, reason: String) {
        #expect(throws: HTTPDecoder.Error.malformed(reason)) { try Self.decodeField(Array(line.utf8)) }
    }

    @Test func valueByteAbove0x7F_isKeptAsObsText() throws {
        // RFC 9110 §5.5: obs-text is allowed in a value; a byte that is not UTF-8 decodes as U+FFFD.
        let field = try Self.decodeField(Array("X-A: a".utf8) + [0xFF])
        #expect(field?.value == "a\u{FFFD}")
    }

    /// Host and the framing fields are recognised from the name's bytes, in any case, and only by
    /// their exact names (RFC 9110 §5.1).
    @Test(arguments: [
        ("GET / HTTP/1.1\r\nhOsT: x\r\n\r\n", "GET /"),
        ("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", "GET /"),
        ("GET / HTTP/1.1\r\nHost: x\r\nHOST: x\r\n\r\n", "malformed(\"missing or repeated Host header\")"),
        ("GET / HTTP/1.1\r\nHosts: x\r\nX-Host: x\r\nHos: x\r\n\r\n", "malformed(\"missing or repeated Host header\")"),
        ("GET / HTTP/1.0\r\nX-Host: x\r\n\r\n", "GET /"),
        ("GET / HTTP/1.0\r\nHost: a b\r\n\r\n", "malformed(\"invalid Host header\")"),
        ("GET / HTTP/1.1\r\nHost: a@b\r\nX: 1\r\n\r\n", "malformed(\"invalid Host header\")"),
        ("POST / HTTP/1.1\r\nHost: x\r\ncontent-LENGTH: 2\r\n\r\nok", "POST / ok"),
        ("POST / HTTP/1.1\r\nHost: x\r\nTRANSFER-encoding:\r\n\r\n", "malformed(\"empty Transfer-Encoding\")"),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Lengths: 2\r\nContent_Length: 2\r\n\r\n", "POST /"),
    ])
    func hostAndFramingFields_areFoundByNameInAnyCase(text: String, expected: String) {
        let outcome: String
        do {
            outcome = try HTTPDecoder.decodeAll(text).map { "\($0.method) \($0.target)" + ($0.body.isEmpty ? "" : " " + String(decoding: $0.body, as: UTF8.self)) }
                .joined(separator: "\n")
        } catch {
            outcome = "\(error)"
        }
        #expect(outcome == expected)
    }
}
