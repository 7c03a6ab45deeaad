import Synchronization
import Dispatch
import Foundation
import Testing
@testable import HTTPCore
import TestSupport

/// Live tests: a real server on port 0, real sockets, bytes asserted as a client sees them.
@Suite(.serialized)
struct HTTPServerTests {
    /// Echoes the target; `/delay/N` answers after N ms; `/fault/X` uses delivery X.
    static let handler = ClosureHTTPHandler { request in
        var response = HTTPResponse(status: .ok, text: #"{"target":"\#(request.target)","body":\#(request.body.count)}"#)
        response.applyTestDelivery(for: request.path)
        return response
    }

    static func withServer(limits: HTTPLimits = HTTPLimits(), _ body: (HTTPServer, Int) async throws -> Void) async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, limits: limits), handler: handler)
        let port = try server.start()
        do { try await body(server, port) } catch { await server.stop(); throw error }
        await server.stop()
    }

    static func get(_ path: String, extra: String = "") -> String { "GET \(path) HTTP/1.1\r\nHost: t\r\n\(extra)\r\n" }

    @Test func keepAlive_serves1000RequestsOnOneConnection() async throws {
        try await Self.withServer { server, port in
            let client = try RawClient(port: port)
            for index in 0..<1000 {
                try client.send(Self.get("/n/\(index)"))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == #"{"target":"/n/\#(index)","body":0}"#)
            }
            #expect(server.connectionCount == 1)
        }
    }

    @Test func everyResponse_hasDateLengthAndType() async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(Self.get("/x"))
            let response = try client.readResponse()
            #expect(response.header("Date")?.hasSuffix(" GMT") == true)
            #expect(response.header("Content-Length") == "\(response.body.count)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.header("Connection") == nil)
        }
    }

    @Test func pipelinedRequests_areAnsweredInOrder() async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(Self.get("/1") + "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody" + Self.get("/delay/50") + Self.get("/4"))
            let targets = try (0..<4).map { _ in try client.readResponse().text }
            #expect(targets == [
                #"{"target":"/1","body":0}"#, #"{"target":"/2","body":4}"#,
                #"{"target":"/delay/50","body":0}"#, #"{"target":"/4","body":0}"#,
            ])
        }
    }

    @Test func head_hasLengthButNoBody() async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + Self.get("/after"))
            let head = try client.readResponse(isHead: true)
            #expect(head.header("Content-Length") == "\(#"{"target":"/h","body":0}"#.utf8.count)")
            #expect(try client.readResponse().text == #"{"target":"/after","body":0}"#)
        }
    }

    @Test func connectionClose_isEchoedAndHonoured() async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(Self.get("/c", extra: "Connection: close\r\n"))
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func http10_closesUnlessKeepAliveIsAsked() async throws {
        try await Self.withServer { _, port in
            let plain = try RawClient(port: port)
            try plain.send("GET /a HTTP/1.0\r\n\r\n")
            #expect(try plain.readResponse().header("Connection") == "close")
            #expect(plain.waitForClose())
            let keepAlive = try RawClient(port: port)
            try keepAlive.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keepAlive.readResponse().header("Connection") == "keep-alive")
            try keepAlive.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try keepAlive.readResponse().text == #"{"target":"/b","body":0}"#)
        }
    }

    @Test(arguments: [
        ("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<101).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431),
        ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<40).map { "X-\($0): \(String(repeating: "v", count: 2000))\r\n" }.joined() + "\r\n", 431),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \(1024 * 1024 + 1)\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("GARBAGE\r\n\r\n", 400),
    ])
    func limitBreach_getsItsStatusThenClose(request: String, status: Int) async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status)
            #expect(response.header("Connection") == "close")
            #expect(client.waitForClose())
        }
    }

    @Test func incompleteRequest_gets408WithinTheTimeout() async throws {
        var limits = HTTPLimits()
        limits.requestTimeout = .milliseconds(200)
        try await Self.withServer(limits: limits) { _, port in
            let client = try RawClient(port: port, timeoutSeconds: 3)
            let started = ContinuousClock.now
            try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n")
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(client.waitForClose())
            #expect(ContinuousClock.now - started < .seconds(2))
        }
    }

    @Test func idleConnection_isClosedAfterTheIdleTimeout() async throws {
        var limits = HTTPLimits()
        limits.idleTimeout = .milliseconds(200)
        try await Self.withServer(limits: limits) { server, port in
            let client = try RawClient(port: port, timeoutSeconds: 3)
            try client.send(Self.get("/once"))
            _ = try client.readResponse()
            #expect(client.waitForClose())
            #expect(server.connectionCount == 0)
        }
    }

    @Test func connectionsOverTheCap_get503() async throws {
        var limits = HTTPLimits()
        limits.maxConnections = 2
        try await Self.withServer(limits: limits) { _, port in
            let first = try RawClient(port: port)
            let second = try RawClient(port: port)
            try first.send(Self.get("/1"))
            try second.send(Self.get("/2"))
            _ = try first.readResponse()
            _ = try second.readResponse()
            let third = try RawClient(port: port)
            let refused = try third.readResponse()
            #expect(refused.status == 503)
            #expect(third.waitForClose())
        }
    }

    @Test func gracefulShutdown_finishesTheInFlightResponse() async throws {
        let server = HTTPServer(configuration: .init(port: 0), handler: Self.handler)
        let port = try server.start()
        let busy = try RawClient(port: port)
        let idle = try RawClient(port: port)
        try idle.send(Self.get("/idle"))
        _ = try idle.readResponse()
        try busy.send(Self.get("/delay/300"))
        try await Task.sleep(for: .milliseconds(50))
        await server.stop()
        let response = try busy.readResponse()
        #expect(response.text == #"{"target":"/delay/300","body":0}"#)
        #expect(response.header("Connection") == "close")
        #expect(idle.waitForClose())
        #expect(throws: RawClient.Failure.self) { try RawClient(port: port) }
    }

    @Test func deliveries_breakTheResponseAsAsked() async throws {
        try await Self.withServer { _, port in
            let closing = try RawClient(port: port)
            try closing.send(Self.get("/fault/close"))
            #expect(closing.readUntilClose().isEmpty)

            let truncated = try RawClient(port: port)
            try truncated.send(Self.get("/fault/truncate"))
            let bytes = String(decoding: truncated.readUntilClose(), as: UTF8.self)
            let fullBody = #"{"target":"/fault/truncate","body":0}"#
            #expect(bytes.contains("Content-Length: \(fullBody.utf8.count)"))
            #expect(bytes.hasSuffix("\r\n\r\n" + fullBody.prefix(fullBody.utf8.count / 2)))

            let slow = try RawClient(port: port)
            let started = ContinuousClock.now
            try slow.send(Self.get("/fault/slow"))
            #expect(try slow.readResponse().text == #"{"target":"/fault/slow","body":0}"#)
            #expect(ContinuousClock.now - started >= .milliseconds(250))

            let reset = try RawClient(port: port)
            try reset.send(Self.get("/fault/reset"))
            var scratch = [UInt8](repeating: 0, count: 16)
            let count = recv(reset.fd, &scratch, 16, 0)
            #expect(count < 0 && errno == ECONNRESET)
        }
    }

    @Test func hangingResponse_doesNotBlockShutdown() async throws {
        let server = HTTPServer(configuration: .init(port: 0), handler: Self.handler)
        let port = try server.start()
        let client = try RawClient(port: port)
        try client.send(Self.get("/fault/hang"))
        try await Task.sleep(for: .milliseconds(50))
        await server.stop()
        #expect(client.waitForClose())
    }

    @Test func sixtyFourConcurrentClients_getIdenticalCorrectResponses() async throws {
        try await Self.withServer { server, port in
            let clients = try (0..<64).map { _ in try RawClient(port: port) }
            let expected = #"{"target":"/same?x=1","body":0}"#
            let failures = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: clients.count) { index in
                for _ in 0..<100 {
                    let ok = (try? clients[index].send(Self.get("/same?x=1"))) != nil
                        && (try? clients[index].readResponse().text) == expected
                    if !ok { failures.withLock { $0 += 1 } }
                }
            }
            #expect(failures.withLock { $0 } == 0)
            #expect(server.connectionCount == 64)
        }
    }

    @Test func expectContinue_getsAnInterimResponse() async throws {
        try await Self.withServer { _, port in
            let client = try RawClient(port: port)
            try client.send("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse().status == 100)
            try client.send("hello")
            #expect(try client.readResponse().text == #"{"target":"/e","body":5}"#)
        }
    }

    @Test func portInUse_isReportedAsAddressInUse() throws {
        let first = HTTPServer(configuration: .init(port: 0), handler: Self.handler)
        let port = try first.start()
        let second = HTTPServer(configuration: .init(port: port), handler: Self.handler)
        #expect { try second.start() } throws: { ($0 as? SocketError)?.isAddressInUse == true }
    }
}
