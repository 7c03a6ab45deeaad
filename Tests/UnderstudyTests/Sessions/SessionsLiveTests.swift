import Testing
import TestSupport
@testable import Understudy

/// Sessions over real sockets: one server, parallel workers, each in its own session.
struct SessionsLiveTests {
    static let openAI = ("Authorization", "Bearer sk-admin-understudy-test")

    @Test func parallelWorkers_eachSeeOnlyTheirOwnChangesFaultsAndJournal() async throws {
        let server = try UnderstudyServer.start()
        let seeded = try #require(server.app.seed(for: "openai")?.users.map(\.id))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let handle = try server.session("worker-\(worker)")
                    // Each worker reaches its session a different way: header, prefix, credential.
                    func get(_ path: String) throws -> RawClient.Response {
                        switch worker % 3 {
                        case 0: try send(server, path, headers: [Self.openAI, ("X-Understudy-Session", handle.name)])
                        case 1: try send(server, "/__session/\(handle.name)\(path)", headers: [Self.openAI])
                        default: try send(server, path, headers: [("Authorization", handle.adminAuthorization(for: .openai))])
                        }
                    }
                    let victim = seeded[worker]
                    #expect(try send(server, "DELETE /__session/\(handle.name)/__admin/vendors/openai/users/\(victim)").status == 204)
                    let added = try handle.addUser(#"{"name":"Worker \#(worker)","email":"w\#(worker)@example.com"}"#, to: .openai)
                    let page = try JSONValue.parse(try get("/v1/organization/users?limit=100").text)
                    let ids = page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                    #expect(!ids.contains(victim))
                    for other in 0..<4 where other != worker { #expect(ids.contains(seeded[other])) }
                    _ = try JSONValue.parse(try get("/v1/organization/users?emails[]=w\(worker)@example.com").text)
                    #expect(try get("/v1/organization/users?emails[]=w\(worker)@example.com").text.contains(added["id"]!.stringValue!))
                    handle.armFault(FaultRule(vendor: "openai", effect: FaultEffect(status: 429), times: 1))
                    #expect(try get("/v1/organization/users?limit=1").status == 429)
                    #expect(try get("/v1/organization/users?limit=1").status == 200)
                    let statuses = handle.requests(vendor: .openai).map(\.status)
                    #expect(statuses == [200, 200, 200, 429, 200])
                }
            }
            try await group.waitForAll()
        }
        // The default session is untouched.
        let page = try JSONValue.parse(try send(server, "/v1/organization/users?limit=4", headers: [Self.openAI]).text)
        #expect(page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(seeded[0..<4]))
        #expect(server.requests(vendor: .openai).count == 1)
        let all = try JSONValue.parse(try send(server, "/__admin/requests?session=*").text)["requests"]?.arrayValue ?? []
        #expect(all.count == 4 * 5 + 1)
        #expect(Set(all.compactMap { $0["session"]?.stringValue }) == ["default", "worker-0", "worker-1", "worker-2", "worker-3"])
        let one = try JSONValue.parse(try send(server, "/__admin/requests?session=worker-2").text)["requests"]?.arrayValue ?? []
        #expect(one.count == 5 && one.allSatisfy { $0["session"] == .string("worker-2") })
        await server.stop()
    }

    @Test func adminToken_guardsSessionScopedAdminRoutes() async throws {
        let server = try UnderstudyServer.start(.init(adminToken: "s3cret"))
        for path in ["/__session/x/__admin/vendors", "//__session/x//__admin/requests", "/__session/x/./__admin/sessions", "/__session/y/../x/__admin/faults"] {
            #expect(try send(server, path).status == 401, "\(path)")
            #expect(try send(server, path, headers: [("Authorization", "Bearer s3cret")]).status == 200, "\(path)")
        }
        #expect(try send(server, "POST /__admin/sessions", body: #"{"name":"t"}"#).status == 401)
        await server.stop()
    }
}

/// The same isolation with Swift Testing's own parallelism: each argument is a separate test case,
/// run concurrently against one shared server, each in its own session.
struct ParallelSessionCasesTests {
    static let server: UnderstudyServer = {
        do { return try UnderstudyServer.start() } catch { fatalError("cannot start the shared server: \(error)") }
    }()

    @Test(arguments: 0..<6)
    func eachCase_seesOnlyItsOwnSession(index: Int) throws {
        let server = Self.server
        let session = try server.session("case-\(index)")
        session.reset()
        let seeded = try #require(server.app.seed(for: "factory")?.users.map(\.id))
        let key = ("Authorization", session.adminAuthorization(for: .factory))
        #expect(try send(server, "DELETE /__session/\(session.name)/__admin/vendors/factory/users/\(seeded[index])").status == 204)
        session.armFault(FaultRule(vendor: "factory", effect: FaultEffect(status: 503), times: 1))
        #expect(try send(server, "/api/v0/organization/users?limit=1", headers: [key]).status == 503)
        let page = try JSONValue.parse(try send(server, "/api/v0/organization/users?limit=100", headers: [key]).text)
        let ids = page["users"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(!ids.contains(seeded[index]))
        for other in 0..<6 where other != index { #expect(ids.contains(seeded[other])) }
        #expect(session.requests(vendor: .factory).map(\.status) == [503, 200])
    }
}
