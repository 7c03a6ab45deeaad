import Testing
import TestSupport
@testable import Understudy

/// The users resource over a real socket: every operation, every error case, generated users.
@Suite(.serialized)
struct OpenAIUsersResourceLiveTests {
    typealias F = OpenAIFixture

    private func call(
        _ server: UnderstudyServer, _ method: String, _ path: String, body: String? = nil, authorization: String? = F.admin
    ) throws -> RawClient.Response {
        var headers: [(String, String)] = []
        if let authorization { headers.append(("Authorization", authorization)) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return try send(server, "\(method) \(path)", headers: headers, body: body)
    }

    private func ids(_ response: RawClient.Response, _ key: String = "data") throws -> [String] {
        try JSONValue.parse(response.text)[key]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func everyErrorCase_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let app = try makeApp()
        for (method, path, body, authorization, status, expected) in F.errorCases(app) {
            let response = try call(server, method, path, body: body, authorization: authorization)
            #expect(response.status == status, "\(method) \(path) \(body ?? "")")
            #expect(response.text == expected, "\(method) \(path) \(body ?? "")")
            #expect(response.header("Content-Type") == "application/json")
        }
        await server.stop()
    }

    @Test func writes_areVisibleInTheNextListAndResetRestoresThem() async throws {
        let server = try UnderstudyServer.start()
        let seeds = F.seedUsers(try makeApp())
        let target = seeds[3]["id"]!.stringValue!
        let retrieved = try call(server, "GET", "\(F.users)/\(target)")
        #expect(retrieved.status == 200)
        #expect(try JSONValue.parse(retrieved.text) == seeds[3])

        let modified = try call(server, "POST", "/openai\(F.users)/\(target)", body: #"{"role":"owner","developer_persona":"builder"}"#)
        #expect(modified.status == 200)
        let listed = try JSONValue.parse(try call(server, "GET", "\(F.users)?limit=4").text)["data"]?.arrayValue?[3]
        #expect(listed?["role"] == .string("owner"))
        #expect(listed?["developer_persona"] == .string("builder"))

        let assigned = try call(server, "POST", "\(F.users)/\(target)/roles", body: #"{"role_id":"\#(F.usageViewer)"}"#)
        #expect(assigned.status == 200)
        #expect(try JSONValue.parse(assigned.text)["object"] == .string("user.role"))
        #expect(try ids(call(server, "GET", "\(F.users)/\(target)/roles")) == [F.owner, F.groupManager, F.usageViewer])
        #expect(try call(server, "GET", "\(F.users)/\(target)/roles/\(F.usageViewer)").status == 200)
        let unassigned = try call(server, "DELETE", "\(F.users)/\(target)/roles/\(F.groupManager)")
        #expect(unassigned.text == #"{"object":"user.role.deleted","deleted":true}"#)
        #expect(try ids(call(server, "GET", "\(F.users)/\(target)/roles")) == [F.owner, F.usageViewer])

        let deleted = try call(server, "DELETE", "\(F.users)/\(target)")
        #expect(deleted.text == #"{"object":"organization.user.deleted","id":"\#(target)","deleted":true}"#)
        let after = try ids(call(server, "GET", "\(F.users)?limit=5"))
        #expect(!after.contains(target))
        #expect(try call(server, "GET", "/__admin/vendors/openai/users/\(target)").status == 404)

        #expect(try call(server, "POST", "/__admin/reset").status == 200)
        #expect(try JSONValue.parse(try call(server, "GET", "\(F.users)/\(target)").text) == seeds[3])
        #expect(try ids(call(server, "GET", "\(F.users)/\(target)/roles")) == [F.reader, F.groupManager])
        await server.stop()
    }

    @Test func adminAddedUsers_carryThe230FieldsAndWorkWithEveryOperation() async throws {
        let server = try UnderstudyServer.start()
        let added = try call(server, "POST", "/__admin/vendors/openai/users",
                             body: #"{"email":null,"name":"svc-ci","is_service_account":true,"projects":null}"#)
        #expect(added.status == 201)
        let user = try JSONValue.parse(added.text)
        #expect(user.objectValue?.map(\.0) == OpenAIAdmin.userKeys)
        #expect(user["email"] == .null)
        let id = try #require(user["id"]?.stringValue)
        #expect(try JSONValue.parse(try call(server, "GET", "\(F.users)/\(id)").text) == user)
        #expect(try call(server, "POST", "\(F.users)/\(id)/roles", body: #"{"role_id":"\#(F.keyRotator)"}"#).status == 200)
        #expect(try call(server, "DELETE", "\(F.users)/\(id)").status == 200)
        #expect(try call(server, "GET", "\(F.users)/\(id)/roles").status == 404)
        await server.stop()
    }

    @Test func generatedUsers_supportEveryOperationAndCursorsSurviveDeletes() async throws {
        let generation = UserGeneration(counts: ["openai": 1_000_000], seed: 7)
        let server = try UnderstudyServer.start(UnderstudyServer.Configuration(generation: generation))
        let page = try JSONValue.parse(try call(server, "GET", "\(F.users)?limit=3&after=\(try generatedID(500_000))").text)
        let users = try #require(page["data"]?.arrayValue)
        #expect(users.count == 3)
        #expect(users.allSatisfy { $0.objectValue?.map(\.0) == OpenAIAdmin.userKeys })
        let (first, second, third) = (users[0]["id"]!.stringValue!, users[1]["id"]!.stringValue!, users[2]["id"]!.stringValue!)
        #expect(try JSONValue.parse(try call(server, "GET", "\(F.users)/\(second)").text) == users[1])

        let modified = try JSONValue.parse(try call(server, "POST", "\(F.users)/\(second)", body: #"{"technical_level":"advanced"}"#).text)
        #expect(modified["technical_level"] == .string("advanced"))
        #expect(try call(server, "POST", "\(F.users)/\(second)/roles", body: #"{"role_id":"\#(F.groupManager)"}"#).status == 200)
        #expect(try ids(call(server, "GET", "\(F.users)/\(second)/roles")).last == F.groupManager)

        #expect(try call(server, "DELETE", "\(F.users)/\(first)").status == 200)
        #expect(try call(server, "GET", "\(F.users)/\(first)").status == 404)
        let resumed = try ids(call(server, "GET", "\(F.users)?limit=2&after=\(first)"))
        #expect(resumed == [second, third])
        let listed = try JSONValue.parse(try call(server, "GET", "\(F.users)?limit=1&after=\(first)").text)["data"]?.arrayValue?.first
        #expect(listed == modified)
        // The first generated user is the owner everyone else is measured against.
        let owner = try generatedID(0)
        #expect(try JSONValue.parse(try call(server, "GET", "\(F.users)/\(owner)").text)["role"] == .string("owner"))
        await server.stop()
    }

    @Test func generatedUsers_includeServiceAccountsWhoseNullEmailsMatchNothing() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["openai": 2000], seed: 3)))
        let users = try (0..<20).flatMap { page in
            try F.call(app, "GET", "\(F.users)?limit=100\(page == 0 ? "" : "&after=\(generatedID(page * 100 - 1, seed: 3))")")
                .json()["data"]?.arrayValue ?? []
        }
        #expect(users.count == 2000)
        let service = users.filter { $0["is_service_account"] == .bool(true) }
        #expect(!service.isEmpty && service.allSatisfy { $0["email"] == .null && $0["user"]?["email"] == .null })
        #expect(users.contains { $0["is_scim_managed"] == .bool(true) })
        #expect(users.contains { $0["projects"]?["data"]?.arrayValue?.isEmpty == false })
        #expect(users.filter { $0["role"] == .string("owner") }.count > 1)
        let someone = try #require(users[1234]["email"]?.stringValue)
        #expect(try F.call(app, "GET", "\(F.users)?emails[]=\(someone)").json()["data"]?.arrayValue?.count == 1)
    }

    private func generatedID(_ number: Int, seed: UInt64 = 7) throws -> String {
        OpenAIAdmin().syntheticIDFormat.id(for: number, seed: seed)
    }
}
