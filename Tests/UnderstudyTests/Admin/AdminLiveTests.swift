import Testing
import TestSupport
@testable import Understudy

@Suite(.serialized)
struct AdminLiveTests {
    static let openAI = ("Authorization", "Bearer sk-admin-understudy-test")

    @Test func health_vendorsAndSpecs_answer() async throws {
        let server = try UnderstudyServer.start()
        #expect(try send(server, "/__admin/health").text == #"{"status":"ok"}"#)
        let vendors = try JSONValue.parse(try send(server, "/__admin/vendors").text)
        let openai = try #require(vendors["vendors"]?.arrayValue?.first { $0["id"]?.stringValue == "openai" })
        #expect(openai["userCount"]?.intValue == 128)
        let paths = ["/v1/organization/users", "/v1/organization/users/{user_id}", "/v1/organization/users/{user_id}/roles",
                     "/v1/organization/users/{user_id}/roles/{role_id}"]
        #expect(openai["paths"] == .array(paths.flatMap { [JSONValue.string($0), .string("/openai\($0)")] }))
        let spec = try send(server, "/__admin/specs/openai")
        #expect(spec.status == 200)
        #expect(try JSONValue.parse(spec.text)["openapi"] != nil)
        #expect(try send(server, "/__admin/specs/nope").status == 404)
        await server.stop()
    }

    @Test func journal_recordsFiltersMasksAndClears() async throws {
        let server = try UnderstudyServer.start()
        _ = try send(server, "/v1/organization/users?limit=2&emails[]=a@x&emails[]=b@x", headers: [Self.openAI])
        _ = try send(server, "/v1/organization/users?__status=429", headers: [Self.openAI])
        _ = try send(server, "/v1/organization/users", headers: [("Authorization", "Bearer nope-key-1234")])
        let all = try JSONValue.parse(try send(server, "/__admin/requests").text)
        let requests = try #require(all["requests"]?.arrayValue)
        #expect(requests.count == 3)
        let first = requests[0]
        #expect(first["method"] == .string("GET"))
        #expect(first["path"] == .string("/v1/organization/users"))
        #expect(first["query"] == .object([("limit", .string("2")), ("emails[]", .array([.string("a@x"), .string("b@x")]))]))
        #expect(first["headers"]?["Authorization"] == .string("Bearer " + String(repeating: "*", count: "sk-admin-understudy-test".count - 4) + "test"))
        #expect(first["vendor"] == .string("openai"))
        #expect(first["status"]?.intValue == 200)
        #expect(first["fault"] == .null)
        #expect(requests[1]["fault"] == .string("status=429"))
        let throttled = try JSONValue.parse(try send(server, "/__admin/requests?vendor=openai&status=429").text)
        #expect(throttled["requests"]?.arrayValue?.count == 1)
        let newest = try JSONValue.parse(try send(server, "/__admin/requests?limit=1").text)
        #expect(newest["requests"]?.arrayValue?.first?["status"]?.intValue == 401)
        #expect(try send(server, "/__admin/requests?status=abc").status == 400)
        #expect(try send(server, "DELETE /__admin/requests").status == 204)
        #expect(try JSONValue.parse(try send(server, "/__admin/requests").text)["requests"] == .array([]))
        await server.stop()
    }

    @Test func journal_isBounded() async throws {
        let server = try UnderstudyServer.start(.init(journalSize: 3))
        for index in 0..<5 { _ = try send(server, "/v1/organization/users?limit=\(index + 1)", headers: [Self.openAI]) }
        let requests = try #require(try JSONValue.parse(try send(server, "/__admin/requests").text)["requests"]?.arrayValue)
        #expect(requests.map { $0["query"]?["limit"]?.stringValue } == ["3", "4", "5"])
        await server.stop()
    }

    @Test func reset_restoresSeedsAndClearsJournalAndFaults() async throws {
        let server = try UnderstudyServer.start()
        let store = try #require(server.app.store(for: "openai"))
        let firstID = try #require(server.app.seed(for: "openai")?.users.first?.id)
        _ = store.remove(id: firstID)
        _ = try send(server, "POST /__admin/faults", body: #"{"status":500}"#)
        #expect(try send(server, "/v1/organization/users", headers: [Self.openAI]).status == 500)
        #expect(try send(server, "POST /__admin/reset").text == #"{"status":"reset"}"#)
        let page = try send(server, "/v1/organization/users?limit=1", headers: [Self.openAI])
        #expect(page.status == 200)
        #expect(page.text.contains(firstID))
        #expect(try JSONValue.parse(try send(server, "/__admin/faults").text)["faults"] == .array([]))
        let journal = try JSONValue.parse(try send(server, "/__admin/requests").text)
        #expect(journal["requests"]?.arrayValue?.count == 1)
        await server.stop()
    }

    @Test func adminToken_guardsEveryAdminRoute() async throws {
        let server = try UnderstudyServer.start(.init(adminToken: "s3cret"))
        #expect(try send(server, "/__admin/health").status == 401)
        #expect(try send(server, "POST /__admin/reset", headers: [("Authorization", "Bearer wrong")]).status == 401)
        #expect(try send(server, "/__admin/health", headers: [("Authorization", "Bearer s3cret")]).status == 200)
        // Vendor routes are not affected.
        #expect(try send(server, "/v1/organization/users", headers: [Self.openAI]).status == 200)
        await server.stop()
    }

    @Test func unknownPathAndMethod_are404ListingPathsAnd405WithAllow() async throws {
        let server = try UnderstudyServer.start()
        let missing = try send(server, "/nowhere")
        #expect(missing.status == 404)
        #expect(missing.text.contains(#""/v1/organization/users""#))
        let wrongMethod = try send(server, "DELETE /__admin/health")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD")
        await server.stop()
    }
}
