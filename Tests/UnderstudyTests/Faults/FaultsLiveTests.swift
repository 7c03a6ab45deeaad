#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TestSupport
@testable import Understudy

/// Each flag and an armed rule, observed from the client side of a real socket.
@Suite(.serialized)
struct FaultsLiveTests {
    static let key = "Authorization: Bearer sk-admin-understudy-test\r\n"

    static func get(_ target: String) -> String { "GET \(target) HTTP/1.1\r\nHost: t\r\n\(key)\r\n" }

    static func withServer(_ body: (UnderstudyServer) async throws -> Void) async throws {
        let server = try UnderstudyServer.start()
        do { try await body(server) } catch { await server.stop(); throw error }
        await server.stop()
    }

    @Test func statusAndDelayFlags_areSeenByTheClient() async throws {
        try await Self.withServer { server in
            let client = try RawClient(port: server.port)
            let started = ContinuousClock.now
            try client.send(Self.get("/openai/v1/organization/users?__delay=200ms&__status=503"))
            let response = try client.readResponse()
            #expect(ContinuousClock.now - started >= .milliseconds(190))
            #expect(response.status == 503)
            #expect(response.text == #"{"error":{"code":503,"message":"Service Unavailable.","param":null,"type":"cf_service_unavailable"}}"#)
            // The connection survives and serves the next request normally.
            try client.send(Self.get("/v1/organization/users?limit=1"))
            #expect(try client.readResponse().status == 200)
        }
    }

    @Test func delay_doesNotBlockOtherConnections() async throws {
        try await Self.withServer { server in
            let slow = try RawClient(port: server.port)
            try slow.send(Self.get("/v1/organization/users?__delay=1s"))
            let fast = try RawClient(port: server.port)
            let started = ContinuousClock.now
            try fast.send(Self.get("/v1/organization/users?limit=1"))
            #expect(try fast.readResponse().status == 200)
            #expect(ContinuousClock.now - started < .milliseconds(500))
            #expect(try slow.readResponse().status == 200)
        }
    }

    @Test func resetFault_isSeenAsAReset() async throws {
        try await Self.withServer { server in
            let client = try RawClient(port: server.port)
            try client.send(Self.get("/v1/organization/users?__fault=reset"))
            var scratch = [UInt8](repeating: 0, count: 16)
            let count = recv(client.fd, &scratch, 16, 0)
            #expect(count < 0 && errno == ECONNRESET)
        }
    }

    @Test func closeAndTruncateFaults_giveNoOrAShortBody() async throws {
        try await Self.withServer { server in
            let closing = try RawClient(port: server.port)
            try closing.send(Self.get("/v1/organization/users?__fault=close"))
            #expect(closing.readUntilClose().isEmpty)

            let truncated = try RawClient(port: server.port)
            try truncated.send(Self.get("/v1/organization/users?__fault=truncate&limit=5"))
            let raw = truncated.readUntilClose()
            let headEnd = try #require((0..<raw.count - 3).first { raw[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) })
            let head = String(decoding: raw[..<headEnd], as: UTF8.self)
            let length = try #require(head.split(separator: "\r\n").first { $0.hasPrefix("Content-Length: ") }?.dropFirst(16)).description
            #expect(raw.count - headEnd - 4 == (Int(length) ?? 0) / 2)
        }
    }

    @Test func slowAndHangFaults_takeTheirTime() async throws {
        try await Self.withServer { server in
            let slow = try RawClient(port: server.port)
            let started = ContinuousClock.now
            try slow.send(Self.get("/v1/organization/users?__fault=slow&__delay=400&limit=2"))
            #expect(try slow.readResponse().status == 200)
            #expect(ContinuousClock.now - started >= .milliseconds(350))

            let hanging = try RawClient(port: server.port, timeoutSeconds: 1)
            try hanging.send(Self.get("/v1/organization/users?__fault=hang"))
            #expect(throws: RawClient.Failure.self) { try hanging.readResponse() }
        }
    }

    @Test func armedRule_firesTimesThenLetsRequestsThrough() async throws {
        try await Self.withServer { server in
            let client = try RawClient(port: server.port)
            let body = #"{"vendor":"openai","status":429,"times":2}"#
            try client.send("POST /__admin/faults HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            #expect(try client.readResponse().status == 201)
            var statuses: [Int] = []
            for _ in 0..<3 {
                try client.send(Self.get("/v1/organization/users?limit=1"))
                statuses.append(try client.readResponse().status)
            }
            #expect(statuses == [429, 429, 200])
            try client.send("GET /__admin/faults HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text.contains(#""matched":3,"fired":2"#))
        }
    }

    @Test func badFlag_isA400FromUnderstudy() async throws {
        try await Self.withServer { server in
            let client = try RawClient(port: server.port)
            try client.send(Self.get("/v1/organization/users?__fault=explode"))
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.text.contains(#""understudy":true"#))
            #expect(response.text.contains("__fault"))
        }
    }
}
