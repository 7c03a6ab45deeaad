import Foundation
import Testing
@testable import HTTPCore
import TestSupport

/// Live: a connection whose input buffer fills while a response is deferred stops reading, and
/// reads again once that response is out (the state's `finishDeferred` resumes it).
@Suite(.serialized)
struct HTTPBackpressureTests {
    static func post(_ path: String, bodyBytes: Int) -> String {
        "POST \(path) HTTP/1.1\r\nHost: t\r\nContent-Length: \(bodyBytes)\r\n\r\n" + String(repeating: "x", count: bodyBytes)
    }

    @Test func inputCapWhileDeferred_readingResumesAfterTheResponse() async throws {
        // given: an input cap of 256 + 1024 + 4096 bytes, reached while /delay/200 is pending
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 256
        limits.maxHeaderBytes = 1024
        limits.maxBodyBytes = 4096
        limits.inputSlackBytes = 0
        limits.readBufferBytes = 1024
        limits.requestTimeout = .seconds(30)
        try await HTTPServerTests.withServer(limits: limits) { _, port in
            let client = try RawClient(port: port)
            // when: a delayed request, then two 4000-byte bodies pipelined behind it (more than the cap)
            try client.send(HTTPServerTests.get("/delay/200") + Self.post("/a", bodyBytes: 4000)
                + Self.post("/b", bodyBytes: 4000))
            // then: all three are answered in order, the last without waiting for a request timeout
            let started = ContinuousClock.now
            #expect(try client.readResponse().text == #"{"target":"/delay/200","body":0}"#)
            #expect(try client.readResponse().text == #"{"target":"/a","body":4000}"#)
            let last = try client.readResponse()
            #expect(last.status == 200)
            #expect(last.text == #"{"target":"/b","body":4000}"#)
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
