import HTTPCore
import Testing
@testable import Understudy

/// Sessions in process: isolation of users, faults, journal; the three ways in; the admin API.
struct SessionTests {
    static let openAIKey = "Bearer sk-admin-understudy-test"
    static let openAIList = "/v1/organization/users?limit=100"

    private func ids(_ response: HTTPResponse) throws -> [String] {
        try response.json()["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    private func post(_ app: UnderstudyApp, _ target: String, _ body: String, headers: [(String, String)] = []) -> HTTPResponse {
        var fields: HTTPHeaders = ["Host": "x"]
        for (name, value) in headers { fields.add(name: name, value: value) }
        return app.handle(HTTPRequest(method: "POST", target: target, headers: fields, body: Array(body.utf8)))
    }

    @Test func headerSession_seesItsOwnDeleteAndTheDefaultSessionDoesNot() throws {
        let app = try makeApp()
        let seeded = seededIDs(app, "openai")
        let deleted = app.handle(.make("/__admin/vendors/openai/users/\(seeded[0])", method: "DELETE", headers: [("X-Understudy-Session", "w1")]))
        #expect(deleted.status == .noContent)
        let inSession = try ids(app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "w1")])))
        let outside = try ids(app.handle(.make(Self.openAIList, authorization: Self.openAIKey)))
        #expect(!inSession.contains(seeded[0]))
        #expect(inSession.count == min(seeded.count, 100) - (seeded.count > 100 ? 0 : 1))
        #expect(outside.first == seeded[0])
    }

    @Test func prefixSession_worksBeforeBarePathsAndVendorPrefixes() throws {
        let app = try makeApp()
        let seeded = seededIDs(app, "openai")
        #expect(app.handle(.make("/__session/w3/__admin/vendors/openai/users/\(seeded[1])", method: "DELETE")).status == .noContent)
        for path in ["/__session/w3/openai/v1/organization/users?limit=5", "/__session/w3/v1/organization/users?limit=5"] {
            let page = try ids(app.handle(.make(path, authorization: Self.openAIKey)))
            #expect(page == [seeded[0]] + seeded[2..<6], "\(path)")
        }
        #expect(try ids(app.handle(.make("/v1/organization/users?limit=5", authorization: Self.openAIKey))) == Array(seeded[0..<5]))
    }

    @Test func sessionCredentials_selectTheSessionAndKeepTheVendorsKeyShape() throws {
        let app = try makeApp()
        let created = post(app, "/__admin/sessions", #"{"name":"ci-7"}"#)
        #expect(created.status == .created)
        let body = try created.json()
        #expect(body["name"] == .string("ci-7"))
        let openAI = try #require(body["credentials"]?["openai"]?.arrayValue)
        let admin = try #require(openAI.first { $0["role"] == .string("admin") }?["authorization"]?.stringValue)
        let member = try #require(openAI.first { $0["role"] == .string("member") }?["authorization"]?.stringValue)
        #expect(admin.hasPrefix("Bearer sk-admin-"))
        #expect(member.hasPrefix("Bearer sk-proj-"))
        for record in app.records {
            #expect(body["credentials"]?[record.id]?.arrayValue?.isEmpty == false, "\(record.id) has no session credential")
        }
        // Asking again returns the same credentials with 200.
        let again = post(app, "/__admin/sessions", #"{"name":"ci-7"}"#)
        #expect(again.status == .ok)
        #expect(try again.json() == body)

        let seeded = seededIDs(app, "openai")
        #expect(app.handle(.make("/__session/ci-7/__admin/vendors/openai/users/\(seeded[0])", method: "DELETE")).status == .noContent)
        // The credential alone selects the session: no header, no prefix.
        #expect(try ids(app.handle(.make(Self.openAIList, authorization: admin))).first == seeded[1])
        #expect(app.handle(.make(Self.openAIList, authorization: member)).status == .forbidden)
        // Outside the session the credential means nothing to the default session's seeds.
        #expect(app.handle(.make(Self.openAIList, authorization: admin, headers: [("X-Understudy-Session", "other")])).status == .unauthorized)
        #expect(try ids(app.handle(.make(Self.openAIList, authorization: Self.openAIKey))).first == seeded[0])
    }

    @Test func faultsArmedInASession_fireOnlyThere() throws {
        let app = try makeApp()
        let armed = post(app, "/__admin/faults", #"{"vendor":"openai","status":429}"#, headers: [("X-Understudy-Session", "f1")])
        #expect(armed.status == .created)
        #expect(app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "f1")])).status == .tooManyRequests)
        #expect(app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "f2")])).status == .ok)
        #expect(app.handle(.make(Self.openAIList, authorization: Self.openAIKey)).status == .ok)
        #expect(app.handle(.make("/__admin/faults")).text == #"{"faults":[]}"#)
    }

    @Test func sessionNames_areCheckedAndTheCapIsUnderstudysOwn429() throws {
        let app = try UnderstudyApp(configuration: .init(maxSessions: 2))
        #expect(app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "a")])).status == .ok)
        #expect(app.handle(.make("/__session/b/v1/organization/users", authorization: Self.openAIKey)).status == .ok)
        let third = app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "c")]))
        #expect(third.status == .tooManyRequests)
        #expect(third.text.contains("--max-sessions") && third.text.contains(#""understudy":true"#))
        let bad = app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "no/slash here")]))
        #expect(bad.status == .badRequest)
        // The default session never counts toward the cap.
        #expect(app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "default")])).status == .ok)
    }

    @Test func sessionAdminRoutes_listResetAndDelete() throws {
        let app = try makeApp()
        let seeded = seededIDs(app, "openai")
        _ = app.handle(.make("/__session/s1/__admin/vendors/openai/users/\(seeded[0])", method: "DELETE"))
        let listing = try app.handle(.make("/__admin/sessions")).json()
        let sessions = try #require(listing["sessions"]?.arrayValue)
        #expect(sessions.compactMap { $0["name"]?.stringValue } == ["default", "s1"])
        #expect(sessions[1]["changed"]?["openai"]?["writes"]?.intValue == 1)
        #expect(sessions[1]["changed"]?["openai"]?["userCount"]?.intValue == seeded.count - 1)

        #expect(post(app, "/__admin/sessions/s1/reset", "").status == .ok)
        #expect(try ids(app.handle(.make("/__session/s1/v1/organization/users?limit=1", authorization: Self.openAIKey))) == [seeded[0]])
        #expect(post(app, "/__admin/sessions/nope/reset", "").status == .notFound)
        #expect(app.handle(.make("/__admin/sessions/s1", method: "DELETE")).status == .noContent)
        #expect(app.handle(.make("/__admin/sessions/s1", method: "DELETE")).status == .notFound)
        #expect(app.handle(.make("/__admin/sessions/default", method: "DELETE")).status == .badRequest)
        _ = app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "s2")]))
        #expect(app.handle(.make("/__admin/sessions", method: "DELETE")).status == .noContent)
        #expect(app.sessions.count == 0)
    }

    @Test func idleSessions_expire() async throws {
        let app = try UnderstudyApp(configuration: .init(sessionIdleMilliseconds: 50))
        _ = app.handle(.make(Self.openAIList, authorization: Self.openAIKey, headers: [("X-Understudy-Session", "idle")]))
        #expect(app.sessions.count == 1)
        try await Task.sleep(for: .milliseconds(1100))
        _ = app.handle(.make("/__admin/sessions"))
        #expect(app.sessions.count == 0)
    }

    @Test func sessionOverGeneratedUsers_deepPageIsTheSameAsOutside() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["openai": 1_000_000], seed: 42)))
        let deep = try #require(app.store(for: "openai")?.snapshot().id(at: 900_000))
        let outside = app.handle(.make("/v1/organization/users?limit=10&after=\(deep)", authorization: Self.openAIKey))
        let inside = app.handle(.make("/__session/g/v1/organization/users?limit=10&after=\(deep)", authorization: Self.openAIKey))
        #expect(outside.status == .ok)
        #expect(inside.body == outside.body)
        // A delete in the session is a tombstone there only.
        let victim = try #require(app.store(for: "openai")?.snapshot().id(at: 900_001))
        #expect(app.handle(.make("/__session/g/__admin/vendors/openai/users/\(victim)", method: "DELETE")).status == .noContent)
        #expect(!app.handle(.make("/__session/g/v1/organization/users?limit=10&after=\(deep)", authorization: Self.openAIKey)).text.contains(victim))
        #expect(app.handle(.make("/v1/organization/users?limit=10&after=\(deep)", authorization: Self.openAIKey)).text.contains(victim))
    }
}
