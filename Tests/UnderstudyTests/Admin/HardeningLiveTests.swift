import Dispatch
import Foundation
import HTTPCore
import Synchronization
import Testing
import TestSupport
@testable import Understudy

/// Regression tests for issue 11 (hardening) at the app level, over real sockets.
@Suite(.serialized)
struct HardeningLiveTests {
    static let openAI = ("Authorization", "Bearer sk-admin-understudy-test")

    // MARK: Finding 1: every admin route through every spelling needs the token

    static let adminRoutes: [(String, String)] = [
        ("GET", "/__admin/health"), ("GET", "/__admin/specs/openai"), ("GET", "/__admin/specs/openai/v1"),
        ("GET", "/__admin/vendors"), ("GET", "/__admin/faults"), ("POST", "/__admin/faults"),
        ("DELETE", "/__admin/faults"), ("DELETE", "/__admin/faults/f1"), ("POST", "/__admin/vendors/openai/users"),
        ("GET", "/__admin/vendors/openai/users/u1"), ("PATCH", "/__admin/vendors/openai/users/u1"),
        ("DELETE", "/__admin/vendors/openai/users/u1"), ("GET", "/__admin/requests"), ("DELETE", "/__admin/requests"),
        ("POST", "/__admin/reset"),
    ]

    /// Ways to write `/__admin/rest` that a router dropping empty and dot segments treats alike.
    static func spellings(of path: String, port: Int) -> [String] {
        let rest = String(path.dropFirst("/__admin".count))
        return [
            path, "/" + path, "//" + path, "/%2F__admin" + rest, "//%5F%5Fadmin" + rest, "/./__admin" + rest,
            "/x/../__admin" + rest, "http://127.0.0.1:\(port)/" + path, "http://127.0.0.1:\(port)//%5f%5fadmin" + rest,
        ]
    }

    @Test func adminToken_guardsEveryRouteInEverySpelling() async throws {
        let server = try UnderstudyServer.start(.init(adminToken: "s3cret"))
        let usersBefore = server.app.store(for: "openai")?.snapshot().count
        for (method, path) in Self.adminRoutes {
            for target in Self.spellings(of: path, port: server.port) {
                let body = method == "GET" || method == "DELETE" ? nil : #"{"vendor":"openai","status":503}"#
                let response = try send(server, "\(method) \(target)", body: body)
                #expect(response.status == 401, "\(method) \(target) answered \(response.status) without the token")
            }
        }
        #expect(server.app.faults.listing["faults"] == .array([]))
        #expect(server.app.store(for: "openai")?.snapshot().count == usersBefore)
        // The token still opens every spelling, so the check is on the path and not a blanket refusal.
        let authorized = [("Authorization", "Bearer s3cret")]
        #expect(try send(server, "GET //__admin/vendors", headers: authorized).status == 200)
        #expect(try send(server, "GET /%2F__admin/health", headers: authorized).status == 200)
        await server.stop()
    }

    // MARK: Finding 2: a pathological admin body does not stall other connections

    @Test func hugeAdminBody_doesNotDelayAnotherConnection() async throws {
        let server = try UnderstudyServer.start()
        var body = "{"
        var index = 0
        while body.utf8.count < 1_000_000 - 32 {
            body += index == 0 ? "" : ","
            body += "\"field\(index)\":0"
            index += 1
        }
        body += "}"
        let heavy = try RawClient(port: server.port, timeoutSeconds: 30)
        let probe = try RawClient(port: server.port, timeoutSeconds: 30)
        try heavy.send("POST /__admin/vendors/openai/users HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let started = ContinuousClock.now
        try probe.send("GET /__admin/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try probe.readResponse().status == 200)
        let probeLatency = ContinuousClock.now - started
        let refused = try heavy.readResponse()
        #expect(refused.status == 400)
        #expect(refused.text.contains("over the 64 KiB limit for admin bodies"), "\(refused.text)")
        #expect(probeLatency < .seconds(1), "health waited \(probeLatency)")
        await server.stop()
    }

    @Test func adminUserBody_withTooManyMembers_isRefusedBeforeValidation() async throws {
        let server = try UnderstudyServer.start()
        let members = (0...UnderstudyApp.maxBodyMembers).map { #""extra\#($0)":0"# }.joined(separator: ",")
        let response = try send(server, "POST /__admin/vendors/openai/users", body: "{\(members)}")
        #expect(response.status == 400)
        #expect(response.text.contains("at most \(UnderstudyApp.maxBodyMembers) members"), "\(response.text)")
        await server.stop()
    }

    // MARK: Finding 5: the journal is bounded in bytes

    @Test func journal_keepsABodyPrefixAndABytesBudget() async throws {
        let server = try UnderstudyServer.start(.init(journalBytes: 64 * 1024))
        let body = String(repeating: "z", count: 100_000)
        for _ in 0..<40 {
            _ = try send(server, "POST /openai/v1/organization/users", headers: [Self.openAI], body: body)
        }
        #expect(server.app.journal.storedBytes <= 64 * 1024)
        let requests = try #require(try JSONValue.parse(try send(server, "/__admin/requests").text)["requests"]?.arrayValue)
        #expect(!requests.isEmpty && requests.count < 40)
        let newest = try #require(requests.last)
        #expect(newest["bodyBytes"]?.intValue == 100_000)
        #expect(newest["truncated"] == .bool(true))
        #expect(newest["body"]?.stringValue?.utf8.count == RequestJournal.bodyPrefixBytes)
        await server.stop()
    }

    // MARK: Finding 8: loose admin input

    @Test(arguments: [
        ("POST /__admin/vendors/openai/users", #"{"name":"A","email":"a@example.com","name":"B"}"#, "duplicate key 'name'"),
        ("POST /__admin/faults", #"{"vendor":"openai","status":503,"status":200}"#, "duplicate key 'status'"),
        ("POST /__admin/vendors/openai/users", #"{"id":"user-\r\nX","email":"x@example.com"}"#, "is not a openai id"),
        ("POST /__admin/vendors/openai/users", #"{"id":"../../etc/passwd","email":"y@example.com"}"#, "is not a openai id"),
    ])
    func looseAdminInput_isRefusedWithTheReason(request: String, body: String, message: String) async throws {
        let server = try UnderstudyServer.start()
        let before = server.app.store(for: "openai")?.snapshot().count
        let response = try send(server, request, body: body)
        #expect(response.status == 400)
        #expect(response.text.contains(message), "\(response.text)")
        #expect(server.app.store(for: "openai")?.snapshot().count == before)
        #expect(server.app.faults.listing["faults"] == .array([]))
        await server.stop()
    }

    @Test func invalidUTF8InAnAdminBody_isRefused() async throws {
        let server = try UnderstudyServer.start()
        let body: [UInt8] = Array(#"{"name":"A"#.utf8) + [0xFF, 0xFE] + Array(#"","email":"u@example.com"}"#.utf8)
        let client = try RawClient(port: server.port)
        try client.send(Array("POST /__admin/vendors/openai/users HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.text.contains("invalid UTF-8"))
        await server.stop()
    }

    @Test func suppliedIDInTheVendorsFormat_isAcceptedAndListed() async throws {
        let server = try UnderstudyServer.start()
        let id = "user-" + String(repeating: "A", count: 24)
        let response = try send(server, "POST /__admin/vendors/openai/users", body: #"{"id":"\#(id)","email":"fmt@example.com"}"#)
        #expect(response.status == 201)
        let listed = try send(server, "/v1/organization/users?emails[]=fmt@example.com", headers: [Self.openAI])
        #expect(try JSONValue.parse(listed.text)["data"]?.arrayValue?.first?["id"] == .string(id))
        await server.stop()
    }

    @Test func everyDefaultSeedID_hasItsVendorsIDFormat() throws {
        let app = try UnderstudyApp()
        for record in app.records {
            let ids = record.seed.users.map(\.id)
            #expect(!ids.isEmpty)
            for id in ids {
                #expect(UnderstudyApp.hasIDFormat(id, record.api.syntheticIDFormat), "\(record.id) seed id '\(id)'")
            }
        }
    }

    @Test func duplicateKeysInSeedsAndFaultFiles_areErrorsNamingTheKey() throws {
        let seed = try #require(EmbeddedData.seed("openai"))
        let doubled = seed.replacingOccurrences(of: #""vendor": "openai""#, with: #""vendor": "openai", "vendor": "openai""#)
        #expect(doubled != seed)
        #expect(throws: SeedError.self) { try VendorSeed.read(doubled, file: "openai.json", vendor: OpenAIAdmin()) }
        do { _ = try VendorSeed.read(doubled, file: "openai.json", vendor: OpenAIAdmin()) } catch {
            #expect(error.problem.contains("duplicate key 'vendor'"))
        }
        do {
            _ = try FaultRule.readFile(#"[{"vendor":"openai","vendor":"factory","status":503}]"#, knownVendors: ["openai", "factory"])
            Issue.record("a duplicate key in a faults file was accepted")
        } catch {
            #expect(error.message.contains("duplicate key 'vendor'"))
        }
    }

    // MARK: Finding 9: journal masking

    @Test func journal_masksEveryCredential() async throws {
        let server = try UnderstudyServer.start()
        let client = try RawClient(port: server.port)
        let form = "grant_type=client_credentials&client_id=abc&client_secret=topsecretvalue&token=tok123456789"
        try client.send(
            "POST /openai/v1/organization/users?api_key=key123456789&access_token=acc123456789&limit=2 HTTP/1.1\r\nHost: t\r\n"
            + "Authorization: Bearer first-secret-1111\r\nAuthorization: Bearer second-secret-2222\r\n"
            + "Proxy-Authorization: Basic cHJveHk6c2VjcmV0\r\nCookie: session=cookievalue99\r\nX-Api-Key: apikeyvalue77\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)"
        )
        _ = try client.readResponse()
        let entry = try #require(try JSONValue.parse(try send(server, "/__admin/requests").text)["requests"]?.arrayValue?.last)
        let text = String(decoding: entry.compactBytes, as: UTF8.self)
        for secret in ["first-secret", "second-secret", "cHJveHk6c2Vj", "cookievalue", "apikeyvalue", "key1234567", "acc1234567", "topsecret", "tok1234567"] {
            #expect(!text.contains(secret), "\(secret) leaked: \(text)")
        }
        let headers = try #require(entry["headers"]?.objectValue)
        #expect(headers.filter { $0.0.lowercased() == "authorization" }.count == 1)
        #expect(entry["headers"]?["Authorization"]?.arrayValue?.count == 2)
        #expect(entry["query"]?["limit"] == .string("2"))
        #expect(entry["body"]?.stringValue?.contains("client_id=abc") == true)
        await server.stop()
    }

    // MARK: Issue 9: refusals on a vendor route are rendered by the vendor

    @Test func oversizeBodyOnAVendorRoute_isTheVendorsEnvelope() async throws {
        let server = try UnderstudyServer.start()
        for target in ["GET /v1/organization/users", "POST /openai/v1/organization/users"] {
            let parts = target.split(separator: " ").map(String.init)
            let client = try RawClient(port: server.port)
            try client.send("\(parts[0]) \(parts[1]) HTTP/1.1\r\nHost: t\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.header("Connection") == "close")
            let expected = try #require(server.app.response(forRejected: HTTPRequest(method: parts[0], target: parts[1]), status: .contentTooLarge))
            #expect(response.body == expected.body)
            #expect(response.text != #"{"error":"request body too large"}"#)
        }
        let admin = try RawClient(port: server.port)
        try admin.send("POST /__admin/faults HTTP/1.1\r\nHost: t\r\nContent-Length: \(2 * 1024 * 1024)\r\n\r\n")
        #expect(try admin.readResponse().text == #"{"error":"request body too large"}"#)
        await server.stop()
    }
}
