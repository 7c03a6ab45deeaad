import Testing
import TestSupport
@testable import Understudy

@Suite(.serialized)
struct AdminUsersLiveTests {
    static let openAI = ("Authorization", "Bearer sk-admin-understudy-test")

    @Test func addUser_fillsMissingFieldsInTheVendorsFormatAndListsItLast() async throws {
        let server = try UnderstudyServer.start()
        let created = try send(server, "POST /__admin/vendors/openai/users", body: #"{"name":"Ada Lovelace","email":"ada@example.com"}"#)
        #expect(created.status == 201)
        let user = try JSONValue.parse(created.text)
        let id = try #require(user["id"]?.stringValue)
        #expect(id.hasPrefix("user-") && id.count == 29)
        #expect(user["name"] == .string("Ada Lovelace"))
        #expect(user["object"] == .string("organization.user"))
        #expect((user["added_at"]?.intValue ?? 0) > 1_700_000_000)
        let last = try JSONValue.parse(try send(server, "/v1/organization/users?emails[]=ada@example.com", headers: [Self.openAI]).text)
        #expect(last["data"]?.arrayValue?.first?["id"] == .string(id))
        await server.stop()
    }

    @Test func patch_suspendsA1PasswordUserAndRemovesAPandaDocMembership() async throws {
        let server = try UnderstudyServer.start()
        let onePasswordID = try #require(server.app.seed(for: "1password")?.users.first { !$0.isSuspended }?.id)
        let patched = try send(server, "PATCH /__admin/vendors/1password/users/\(onePasswordID)", body: #"{"state":"SUSPENDED"}"#)
        #expect(patched.status == 200)
        #expect(try JSONValue.parse(patched.text)["state"] == .string("SUSPENDED"))
        let suspended = try send(server, "/v1beta1/accounts/UNDERSTUDYTESTACCOUNT00001/users?filter=user.isSuspended()&max_page_size=1000",
                                 headers: [("Authorization", "Bearer 1password-test-token")])
        #expect(suspended.text.contains(onePasswordID))

        let pandaDocID = try #require(server.app.seed(for: "pandadoc")?.users.first { !$0.isRemoved }?.id)
        #expect(try send(server, "PATCH /__admin/vendors/pandadoc/users/\(pandaDocID)", body: #"{"understudy":{"removed":true}}"#).status == 200)
        let visible = try send(server, "/public/v1/users?show_removed=false&count=50", headers: [("Authorization", "API-Key pandadoc-test-key")])
        #expect(!visible.text.contains(pandaDocID))
        await server.stop()
    }

    @Test func deleteUser_isGoneAndCursorsKeepWorking() async throws {
        let server = try UnderstudyServer.start()
        let page = try JSONValue.parse(try send(server, "/v1/organization/users?limit=3", headers: [Self.openAI]).text)
        let lastID = try #require(page["last_id"]?.stringValue)
        #expect(try send(server, "DELETE /__admin/vendors/openai/users/\(lastID)").status == 204)
        #expect(try send(server, "DELETE /__admin/vendors/openai/users/\(lastID)").status == 404)
        let next = try send(server, "/v1/organization/users?limit=3&after=\(lastID)", headers: [Self.openAI])
        #expect(next.status == 200)
        let seeded = try #require(server.app.seed(for: "openai")?.users.map(\.id))
        #expect(try JSONValue.parse(next.text)["first_id"] == .string(seeded[3]))
        await server.stop()
    }

    @Test(arguments: [
        ("POST /__admin/vendors/nope/users", "{}", 404, "unknown vendor 'nope'"),
        ("PATCH /__admin/vendors/openai/users/user-missing", "{}", 404, "no openai user with id 'user-missing'"),
        ("POST /__admin/vendors/openai/users", #"{"role":"admin"}"#, 400, "body.role: 'admin' is not one of owner, reader"),
        ("POST /__admin/vendors/openai/users", #"{"colour":"red"}"#, 400, "body.colour: unknown field"),
        ("POST /__admin/vendors/openai/users", "[1]", 400, "expected a JSON object"),
        ("POST /__admin/vendors/openai/users", "{", 400, "body: invalid JSON"),
        ("POST /__admin/vendors/factory/users", #"{"firstName":null}"#, 400, "body.firstName: expected a string"),
    ])
    func badUserChange_isAClearError(request: String, body: String, status: Int, message: String) async throws {
        let server = try UnderstudyServer.start()
        let response = try send(server, request, body: body)
        #expect(response.status == status)
        #expect(response.text.contains(message), "\(response.text)")
        await server.stop()
    }

    @Test func patch_cannotChangeTheID() async throws {
        let server = try UnderstudyServer.start()
        let id = try #require(server.app.seed(for: "factory")?.users.first?.id)
        let response = try send(server, "PATCH /__admin/vendors/factory/users/\(id)", body: #"{"id":"user_01ARZ3NDEKTSV4RRFFQ69G5FAV"}"#)
        #expect(response.status == 400)
        #expect(response.text.contains("id cannot be changed"))
        await server.stop()
    }
}
