import Dispatch
import Foundation
import Testing
@testable import HTTPCore
import TestSupport

/// Regression tests for the hardening findings of issue 11, each over a real socket.
@Suite(.serialized)
struct HTTPHardeningTests {
    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n" }

    /// Waits up to `seconds` for `condition`.
    static func eventually(within seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    // MARK: Finding 3: slots held by clients that left

    @Test func clientLeavingDuringADelayedResponse_freesTheSlotAtOnce() async throws {
        try await HTTPServerTests.withServer { server, port in
            for _ in 0..<8 {
                let client = try RawClient(port: port)
                try client.send(Self.get("/delay/30000"))
            }  // every client is closed here (deinit), while its response is 30 s away
            #expect(try await Self.eventually(within: 2) { server.connectionCount == 0 })
        }
    }

    @Test func clientLeavingDuringASlowResponse_freesTheSlotAtOnce() async throws {
        let handler = ClosureHTTPHandler { _ in
            var response = HTTPResponse(status: .ok, text: String(repeating: "x", count: 2000))
            response.delivery = .slow(milliseconds: 30_000)
            return response
        }
        let server = HTTPServer(configuration: .init(port: 0), handler: handler)
        let port = try server.start()
        // Only a FIN (the socket stays open, so the trickle's writes still succeed): the zero read
        // must free the slot, not a failed write.
        let client = try RawClient(port: port)
        try client.send(Self.get("/slow"))
        try await Task.sleep(for: .milliseconds(100))
        shutdown(client.fd, Int32(SHUT_WR))
        #expect(try await Self.eventually(within: 2) { server.connectionCount == 0 })
        await server.stop()
    }

    @Test func partialRequestThenFIN_isClosedAtOnceWithout408() async throws {
        try await HTTPServerTests.withServer { server, port in
            let client = try RawClient(port: port, timeoutSeconds: 5)
            try client.send("GET /partial HTTP/1.1\r\nHost: t\r\n")
            shutdown(client.fd, Int32(SHUT_WR))
            let started = ContinuousClock.now
            #expect(client.readUntilClose().isEmpty)
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(try await Self.eventually(within: 1) { server.connectionCount == 0 })
        }
    }

    @Test func silentConnection_isOnTheHeaderTimeoutFromAccept() async throws {
        var limits = HTTPLimits()
        limits.requestTimeout = .milliseconds(200)  // the idle timeout stays 60 s
        try await HTTPServerTests.withServer(limits: limits) { server, port in
            let client = try RawClient(port: port, timeoutSeconds: 5)
            let started = ContinuousClock.now
            #expect(client.readUntilClose().isEmpty)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(server.connectionCount == 0)
        }
    }

    @Test func overCapClient_readsTheWhole503EvenAfterSendingABody() async throws {
        var limits = HTTPLimits()
        limits.maxConnections = 1
        try await HTTPServerTests.withServer(limits: limits) { server, port in
            let holder = try RawClient(port: port)
            try holder.send(Self.get("/hold"))
            _ = try holder.readResponse()
            for _ in 0..<5 {
                let refused = try RawClient(port: port)
                try await Task.sleep(for: .milliseconds(20))  // the 503 is written and our side shut down
                let body = String(repeating: "b", count: 200_000)
                // A client sends its whole request before reading, here in two writes. Closing at
                // once made the first write draw a reset, so the second failed and the client
                // never read the 503.
                try refused.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
                try await Task.sleep(for: .milliseconds(20))
                try refused.send(body)
                let bytes = String(decoding: refused.readUntilClose(), as: UTF8.self)
                #expect(bytes.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
                #expect(bytes.contains("Connection: close\r\n"))
                #expect(bytes.hasSuffix(#"{"error":"too many connections"}"#))
            }
            #expect(try await Self.eventually(within: 3) { server.lingeringCount == 0 })
            try holder.send(Self.get("/still"))
            #expect(try holder.readResponse().status == 200)
        }
    }

    // MARK: Finding 6: framing RFC 9112 says to reject

    static let refusedFraming: [[UInt8]] = [
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding:\r\nContent-Length: 3\r\n\r\nabc",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2 zz\r\nab\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nno colon here\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-T: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: a b/c@d\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a b/c@d\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: t\nX-A: b\r\n\r\n",
        "GET / HTTP/1.1\nHost: t\n\n",
    ].map { Array($0.utf8) } + [Array("GET /a".utf8) + [0xFF] + Array(" HTTP/1.1\r\nHost: t\r\n\r\n".utf8)]

    @Test(arguments: refusedFraming)
    func refusedFraming_gets400AndClose(request: [UInt8]) async throws {
        try await HTTPServerTests.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == 400, "\(String(decoding: request, as: UTF8.self).debugDescription)")
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test(arguments: ["chunked, ", ", chunked", "chunked,,"])
    func emptyTransferEncodingListElements_frameAsChunked(value: String) async throws {
        try await HTTPServerTests.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /te HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: \(value)\r\n\r\n3\r\nabc\r\n0\r\n\r\n" + Self.get("/next"))
            #expect(try client.readResponse().text == #"{"target":"/te","body":3}"#)
            #expect(try client.readResponse().text == #"{"target":"/next","body":0}"#)
        }
    }

    static func oneByteChunks(_ count: Int) -> [UInt8] {
        var wire = Array("POST /chunks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        wire.reserveCapacity(wire.count + count * 6 + 5)
        for _ in 0..<count { wire.append(contentsOf: "1\r\nx\r\n".utf8) }
        wire.append(contentsOf: "0\r\n\r\n".utf8)
        return wire
    }

    @Test func manyOneByteChunks_areParsedOnce() throws {
        let wire = Self.oneByteChunks(100_000)
        let reads = stride(from: 0, to: wire.count, by: 4096).map { Array(wire[$0..<min(wire.count, $0 + 4096)]) }
        let started = ContinuousClock.now
        let requests = try HTTPDecoder.decodeFeeding(reads)
        #expect(requests.first?.body.count == 100_000)
        // Re-parsing the body on every read made this quadratic (about 7 s in a debug build).
        #expect(ContinuousClock.now - started < .milliseconds(1500))
    }

    @Test func manyOneByteChunks_overASocketAnswerPromptly() async throws {
        try await HTTPServerTests.withServer { _, port in
            let client = try RawClient(port: port, timeoutSeconds: 20)
            let started = ContinuousClock.now
            try client.send(Self.oneByteChunks(150_000))
            #expect(try client.readResponse().text == #"{"target":"/chunks","body":150000}"#)
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }

    @Test func chunkFramingBeyondTheInputCap_gets413NotAStall() async throws {
        try await HTTPServerTests.withServer { _, port in
            let client = try RawClient(port: port, timeoutSeconds: 8)
            var wire = Array("POST /tiny-chunks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for _ in 0..<200_000 { wire.append(contentsOf: "1\r\nx\r\n".utf8) }  // 1.2 MB on the wire, 200 KB of body
            let started = ContinuousClock.now
            try? client.send(wire)
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    // MARK: Finding 10: drain sends Connection: close on a slow head

    @Test func slowResponseAtShutdown_saysConnectionCloseAndCloses() async throws {
        let handler = ClosureHTTPHandler { _ in
            var response = HTTPResponse(status: .ok, text: #"{"slow":true}"#)
            // 3 s, so the head still trickles when stop() lands even if this test's task resumes
            // late (blocking clients of parallel suites can hold the cooperative pool for a while).
            response.delivery = .slow(milliseconds: 3000)
            return response
        }
        let server = HTTPServer(configuration: .init(port: 0), handler: handler)
        let port = try server.start()
        let client = try RawClient(port: port)
        try client.send(Self.get("/slow"))
        try await Task.sleep(for: .milliseconds(60))  // the head is still trickling
        await server.stop()
        let response = try client.readResponse()
        #expect(response.text == #"{"slow":true}"#)
        #expect(response.header("Connection") == "close")
        #expect(client.waitForClose())
    }

    // MARK: Issue 9: the handler renders a refusal it can route

    struct RenderingHandler: HTTPHandler {
        func handle(_ request: HTTPRequest) -> HTTPResponse { HTTPResponse(status: .ok, text: "{}") }

        func response(forRejected request: HTTPRequest, status: HTTPStatus) -> HTTPResponse? {
            guard request.path.hasPrefix("/vendor/") else { return nil }
            return HTTPResponse(status: status, text: #"{"vendorError":\#(status.code),"path":"\#(request.path)"}"#)
        }
    }

    @Test func rejectedBody_isRenderedByTheHandlerForItsRoute() async throws {
        let server = HTTPServer(configuration: .init(port: 0), handler: RenderingHandler())
        let port = try server.start()
        let vendor = try RawClient(port: port)
        try vendor.send("POST /vendor/users HTTP/1.1\r\nHost: t\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
        let rendered = try vendor.readResponse()
        #expect(rendered.status == 413)
        #expect(rendered.text == #"{"vendorError":413,"path":"/vendor/users"}"#)
        #expect(rendered.header("Connection") == "close")
        let other = try RawClient(port: port)
        try other.send("POST /elsewhere HTTP/1.1\r\nHost: t\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
        let plain = try other.readResponse()
        #expect(plain.status == 413)
        #expect(plain.text == #"{"error":"request body too large"}"#)
        await server.stop()
    }
}
