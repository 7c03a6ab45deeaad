import Testing
@testable import HTTPCore

struct HTTPDecoderTests {
    @Test func request_isParsedWithDecodedPathAndQuery() throws {
        let request = try #require(try HTTPDecoder.decodeAll(
            "GET /v1/organization%20users?emails[]=a%40x.com&emails[]=b+c&limit=2 HTTP/1.1\r\nHost: x\r\nX-A:  padded \r\n\r\n"
        ).first)
        #expect(request.method == "GET")
        #expect(request.path == "/v1/organization users")
        #expect(request.queryValues("emails[]") == ["a@x.com", "b c"])
        #expect(request.queryValue("limit") == "2")
        #expect(request.headers["x-a"] == "padded")
        #expect(request.version == .http11)
    }

    @Test func absoluteFormTarget_keepsPathAndQuery() throws {
        let request = try #require(try HTTPDecoder.decodeAll("GET http://example.com/a?b=1 HTTP/1.1\r\nHost: example.com\r\n\r\n").first)
        #expect(request.target == "/a?b=1")
    }

    @Test func pipelinedRequests_decodeInOrder() throws {
        let requests = try HTTPDecoder.decodeAll(
            "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(requests.map(\.path) == ["/1", "/2", "/3"])
        #expect(requests[1].body == Array("abc".utf8))
    }

    @Test func chunkedBody_isAssembled() throws {
        let request = try #require(try HTTPDecoder.decodeAll(
            "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: t\r\n\r\n"
        ).first)
        #expect(String(decoding: request.body, as: UTF8.self) == "Wikipedia")
    }

    @Test func everySplitPoint_givesTheSameRequests() throws {
        let text = "POST /split?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
        let whole = try HTTPDecoder.decodeAll(text)
        let bytes = Array(text.utf8)
        for split in 1..<bytes.count {
            let requests = try HTTPDecoder.decodeFeeding([Array(bytes[..<split]), Array(bytes[split...])])
            #expect(requests.map(\.target) == whole.map(\.target), "split at \(split)")
            #expect(requests.map(\.body) == whole.map(\.body), "split at \(split)")
        }
        let byteByByte = try HTTPDecoder.decodeFeeding(bytes.map { [$0] })
        #expect(byteByByte.map(\.target) == ["/split?q=1", "/two"])
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", HTTPDecoder.Error.conflictingFraming("both Content-Length and Transfer-Encoding")),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", .conflictingFraming("conflicting Content-Length values")),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -4\r\n\r\n", .malformed("invalid Content-Length")),
        ("GET / HTTP/1.1\r\n\r\n", .malformed("missing or repeated Host header")),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET /\r\nHost: x\r\n\r\n", .malformed("request line is not 'METHOD TARGET VERSION'")),
        ("GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", .malformed("invalid header name")),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", .malformed("folded header line")),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", .unsupportedTransferCoding),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .malformed("invalid chunk size")),
    ])
    func malformedRequest_isRejected(text: String, expected: HTTPDecoder.Error) {
        #expect(throws: expected) { try HTTPDecoder.decodeAll(text) }
        #expect(expected.status.code == (expected == .unsupportedVersion ? 505 : expected == .unsupportedTransferCoding ? 501 : 400))
    }

    @Test func duplicateEqualContentLength_isAccepted() throws {
        let request = try #require(try HTTPDecoder.decodeAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").first)
        #expect(request.body == Array("ok".utf8))
    }

    @Test func limits_mapToTheirStatuses() {
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 256
        limits.maxHeaderCount = 5
        limits.maxBodyBytes = 10
        let longLine = "GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\nHost: x\r\n\r\n"
        let unfinishedLongLine = "GET /\(String(repeating: "a", count: 80))"
        let manyHeaders = "GET / HTTP/1.1\r\nHost: x\r\n" + (1...6).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
        let bigHeader = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 300))\r\n\r\n"
        let bigBody = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
        let bigChunks = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n"
        #expect(throws: HTTPDecoder.Error.requestLineTooLong) { try HTTPDecoder.decodeAll(longLine, limits: limits) }
        #expect(throws: HTTPDecoder.Error.requestLineTooLong) { try HTTPDecoder.decodeAll(unfinishedLongLine, limits: limits) }
        #expect(throws: HTTPDecoder.Error.tooManyHeaders) { try HTTPDecoder.decodeAll(manyHeaders, limits: limits) }
        #expect(throws: HTTPDecoder.Error.headersTooLarge) { try HTTPDecoder.decodeAll(bigHeader, limits: limits) }
        #expect(throws: HTTPDecoder.Error.bodyTooLarge) { try HTTPDecoder.decodeAll(bigBody, limits: limits) }
        #expect(throws: HTTPDecoder.Error.bodyTooLarge) { try HTTPDecoder.decodeAll(bigChunks, limits: limits) }
    }

    @Test func keepAlive_followsVersionAndConnectionHeader() throws {
        let requests = try HTTPDecoder.decodeAll(
            "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
        )
        #expect(requests.map(\.wantsKeepAlive) == [true, false, false, true])
    }

    @Test func incompleteRequest_waitsForMore() throws {
        var decoder = HTTPDecoder()
        let partial = Array("GET / HTTP/1.1\r\nHost: x\r\n".utf8)
        let result = try partial.withUnsafeBytes { try decoder.decode($0) }
        #expect(result == nil)
    }
}

/// Common methods come from literals, others from their bytes: either way the method is what was sent.
struct HTTPDecoderMethodTests {
    @Test(arguments: ["GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "get", "Get", "GETS", "GE", "OPTIONS", "PROPFIND", "M-SEARCH"])
    func method_isKeptAsSent(method: String) throws {
        let request = try #require(try HTTPDecoder.decodeAll("\(method) /x HTTP/1.1\r\nHost: x\r\n\r\n").first)
        #expect(request.method == method)
    }
}
