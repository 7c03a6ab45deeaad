import Testing
import TestSupport
@testable import Understudy

/// PandaDoc's users resource over a real socket: every operation, every error case, and the next list after each write.
@Suite(.serialized)
struct PandaDocUsersResourceLiveTests {
    typealias Fixture = PandaDocUsersResourceTests
    static let admin = ("Authorization", "API-Key pandadoc-test-key")
    static let member = ("Authorization", "API-Key pandadoc-member-key")
    static let json = ("Content-Type", "application/json")
    static let notFound = #"{"type":"request_error","detail":"Not found"}"#
    static let unauthorized = #"{"type":"authentication_error","detail":"Authentication credentials were not provided."}"#

    func listed(_ server: UnderstudyServer, _ id: String, showRemoved: Bool = true) throws -> JSONValue? {
        for page in 1...10 {
            let response = try send(server, "/public/v1/users?count=50&page=\(page)&show_removed=\(showRemoved)", headers: [Self.admin])
            let results = try #require(try JSONValue.parse(response.text)["results"]?.arrayValue)
            if let user = results.first(where: { $0["user_id"] == .string(id) }) { return user }
            if results.count < 50 { return nil }
        }
        return nil
    }

    @Test func writes_areVisibleInTheNextList() async throws {
        let server = try UnderstudyServer.start()
        // createUser
        let created = try send(server, "POST /public/v1/users", headers: [Self.admin, Self.json],
                               body: #"{"user":{"email":"live@example.com","first_name":"Live"},"workspaces":[{"workspace_id":"\#(Fixture.workspace)","role":"Member"}],"license":"Creator"}"#)
        #expect(created.status == 201)
        #expect(created.header("Content-Type") == "application/json")
        let userID = try #require(try JSONValue.parse(created.text)["user_id"]?.stringValue)
        let memberID = try #require(try JSONValue.parse(created.text)["workspaces"]?.arrayValue?.first?["member_id"]?.stringValue)
        #expect(try listed(server, userID)?["license"] == .string("Creator"))
        #expect(try send(server, "/public/v1/users/\(userID)", headers: [Self.admin]).status == 200)
        // addMember
        let added = try send(server, "POST /public/v1/workspaces/\(Fixture.sales)/members", headers: [Self.admin, Self.json],
                             body: #"{"user_id":"\#(userID)","role":"Collaborator"}"#)
        #expect(added.status == 201)
        let salesMember = try #require(try JSONValue.parse(added.text)["member_id"]?.stringValue)
        #expect(try listed(server, userID)?["workspaces"]?.arrayValue?.count == 2)
        // changeMemberRole
        let changed = try send(server, "PATCH /public/v1/workspaces/\(Fixture.sales)/members/\(salesMember)/role", headers: [Self.admin, Self.json],
                               body: #"{"role":"Sales Lead"}"#)
        #expect(changed.status == 200)
        #expect(changed.text == #"{"member_id":"\#(salesMember)","workspace_id":"\#(Fixture.sales)","role":"Sales Lead","email":"live@example.com"}"#)
        #expect(try listed(server, userID)?["workspaces"]?.arrayValue?.last?["role"] == .string("Sales Lead"))
        // members reads
        #expect(try JSONValue.parse(try send(server, "/public/v1/members/\(memberID)", headers: [Self.member]).text)["user_id"] == .string(userID))
        #expect(try send(server, "/public/v1/members", headers: [Self.member]).text.contains(memberID))
        // removeMember twice: the user ends removed.
        let first = try send(server, "DELETE /public/v1/workspaces/\(Fixture.sales)/members/\(salesMember)", headers: [Self.admin])
        #expect(first.status == 204 && first.body.isEmpty)
        #expect(try send(server, "DELETE /public/v1/workspaces/\(Fixture.workspace)/members/\(memberID)", headers: [Self.admin]).status == 204)
        #expect(try listed(server, userID, showRemoved: false) == nil)
        #expect(try listed(server, userID, showRemoved: true) != nil)
        #expect(try !send(server, "/public/v1/members", headers: [Self.admin]).text.contains(memberID))
        // Reset restores the seeds.
        #expect(try send(server, "POST /__admin/reset").status == 200)
        #expect(try listed(server, userID) == nil)
        await server.stop()
    }

    @Test func reads_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let seedJSON = seededJSON(server.app, "pandadoc")
        #expect(try send(server, "/public/v1/users/\(Fixture.josh)", headers: [Self.admin]).text == seedJSON[0])
        #expect(try send(server, "/pandadoc/public/v1/users/\(Fixture.josh)", headers: [Self.admin]).text == seedJSON[0])
        let workspaces = try send(server, "/public/v1/workspaces?count=1", headers: [Self.admin])
        #expect(workspaces.text == #"{"results":[{"id":"fERpqZdFaF9dHVAeVxPFaV","name":"Understudy","owner":"josh@example.com","date_created":"2021-07-01T09:27:38.642257Z"}],"total":4}"#)
        let current = try JSONValue.parse(try send(server, "/public/v1/members/current", headers: [Self.member]).text)
        #expect(current["user_id"] == .string(Fixture.memberKeyUser))
        let members = try JSONValue.parse(try send(server, "/public/v1/members", headers: [Self.admin]).text)
        #expect(members["results"]?.arrayValue?.count == 98)
        await server.stop()
    }

    /// Every error case of every operation, with the exact body; none may change the store.
    @Test func errors_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let before = try send(server, "/public/v1/users?count=50&page=1", headers: [Self.admin]).text
        let role = "/public/v1/workspaces/\(Fixture.workspace)/members/\(Fixture.isabelMembership)/role"
        let cases: [(request: String, headers: [(String, String)], body: String?, status: Int, text: String?)] = [
            // detailsUser
            ("/public/v1/users/nobody", [Self.admin], nil, 404, Self.notFound),
            ("/public/v1/users/\(Fixture.josh)", [Self.member], nil, 403, Fixture.forbidden),
            ("/public/v1/users/\(Fixture.josh)", [], nil, 401, Self.unauthorized),
            // createUser
            ("POST /public/v1/users", [Self.admin, Self.json], #"{"user":"#, 400, nil),
            ("POST /public/v1/users", [Self.admin, Self.json], "{}", 400,
             Fixture.fields(#""user":["This field is required."],"license":["This field is required."],"workspaces":["This field is required."]"#)),
            ("POST /public/v1/users", [Self.admin, Self.json], #"{"user":{"email":"josh@example.com"},"workspaces":[{"workspace_id":"\#(Fixture.workspace)","role":"Member"}],"license":"Full"}"#,
             400, Fixture.fields(#""email":["User already exists"]"#)),
            ("POST /public/v1/users", [Self.admin, Self.json], #"{"user":{"email":"a@b.org"},"workspaces":[{"workspace_id":"\#(Fixture.workspace)","role":"Member"}],"license":"Full"}"#,
             400, Fixture.fields(#""email":["User email should have the same email domain as org admin."]"#)),
            ("POST /public/v1/users", [Self.admin, Self.json], #"{"user":{"email":"a@@b"},"workspaces":[{"workspace_id":"x"},{"role":"Admin"}],"license":"Platinum"}"#,
             400, Fixture.fields(#""email":["Enter a valid email address."],"license":["License is not a valid choice."],"workspace_id":["Workspace with uuid x not found.","This field is required."],"role":["This field is required."]"#)),
            ("POST /public/v1/users", [Self.admin, Self.json], #"{"user":{"email":"a@example.com"},"workspaces":[{"workspace_id":"\#(Fixture.workspace)","role":"Owner"}],"license":"Full"}"#,
             400, Fixture.fields(#""role":["Role is not a valid choice."]"#)),
            ("POST /public/v1/users", [Self.member, Self.json], "{}", 403, Fixture.forbidden),
            ("POST /public/v1/users", [Self.json], "{}", 401, Self.unauthorized),
            // getWorkspacesList
            ("/public/v1/workspaces?count=101&page=0", [Self.admin], nil, 400,
             #"{"type":"validation_error","detail":{"count":["Ensure this value is less than or equal to 100."],"page":["Ensure this value is greater than or equal to 1."]}}"#),
            ("/public/v1/workspaces", [Self.member], nil, 403, Fixture.forbidden),
            ("/public/v1/workspaces", [], nil, 401, Self.unauthorized),
            // addMember
            ("POST /public/v1/workspaces/nowhere/members", [Self.admin, Self.json], #"{"user_id":"\#(Fixture.isabel)","role":"Member"}"#, 404, Self.notFound),
            ("POST /public/v1/workspaces/\(Fixture.workspace)/members", [Self.admin, Self.json], #"{"user_id":"\#(Fixture.isabel)","role":"Member"}"#,
             400, Fixture.fields(#""user_id":["Member already exists"]"#)),
            ("POST /public/v1/workspaces/\(Fixture.sales)/members", [Self.admin, Self.json], #"{"user_id":"nobody","role":"Chief"}"#,
             400, Fixture.fields(#""role":["Role is not a valid choice"],"user_id":["User doesn't exist"]"#)),
            ("POST /public/v1/workspaces/\(Fixture.sales)/members", [Self.admin, Self.json], "{}",
             400, Fixture.fields(#""user_id":["This field is required"],"role":["This field is required"]"#)),
            ("POST /public/v1/workspaces/\(Fixture.sales)/members", [Self.admin, Self.json], "[", 400, nil),
            ("POST /public/v1/workspaces/\(Fixture.sales)/members", [Self.member, Self.json], "{}", 403, Fixture.forbidden),
            ("POST /public/v1/workspaces/\(Fixture.sales)/members", [], "{}", 401, Self.unauthorized),
            // removeMember
            ("DELETE /public/v1/workspaces/\(Fixture.workspace)/members/\(Fixture.joshMembership)", [Self.admin], nil, 400,
             #"{"type":"request_error","detail":"Owner can not be removed."}"#),
            ("DELETE /public/v1/workspaces/\(Fixture.sales)/members/\(Fixture.isabelMembership)", [Self.admin], nil, 404,
             #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
            ("DELETE /public/v1/workspaces/\(Fixture.workspace)/members/nobody", [Self.admin], nil, 404,
             #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
            ("DELETE /public/v1/workspaces/\(Fixture.workspace)/members/\(Fixture.isabelMembership)", [Self.member], nil, 403, Fixture.forbidden),
            ("DELETE /public/v1/workspaces/\(Fixture.workspace)/members/\(Fixture.isabelMembership)", [], nil, 401, Self.unauthorized),
            // changeMemberRole
            ("PATCH \(role)", [Self.admin, Self.json], "{}", 400, Fixture.fields(#""role":["This field is required."]"#)),
            ("PATCH \(role)", [Self.admin, Self.json], #"{"role":"Boss"}"#, 400,
             Fixture.fields(#""role":["The role 'Boss' does not exist in the workspace with ID '\#(Fixture.workspace)'. Please ensure the role is correctly defined and try again."]"#)),
            ("PATCH /public/v1/workspaces/\(Fixture.workspace)/members/\(Fixture.joshMembership)/role", [Self.admin, Self.json], #"{"role":"Member"}"#, 400,
             #"{"type":"request_error","detail":"Cannot change the role of the workspace owner."}"#),
            ("PATCH /public/v1/workspaces/\(Fixture.sales)/members/\(Fixture.isabelMembership)/role", [Self.admin, Self.json], #"{"role":"Member"}"#, 404, Self.notFound),
            ("PATCH \(role)", [Self.admin, Self.json], "nope", 400, nil),
            ("PATCH \(role)", [Self.member, Self.json], #"{"role":"Member"}"#, 403, Fixture.forbidden),
            ("PATCH \(role)", [Self.json], #"{"role":"Member"}"#, 401, Self.unauthorized),
            // members reads
            ("/public/v1/members/nobody", [Self.admin], nil, 404, Self.notFound),
            ("/public/v1/members/\(Fixture.removedMembership)", [Self.admin], nil, 404, Self.notFound),
            ("/public/v1/members", [], nil, 401, Self.unauthorized),
            ("/public/v1/members/current", [("Authorization", "API-Key wrong")], nil, 401, #"{"type":"authentication_error","detail":"Invalid token."}"#),
            ("/public/v1/members/\(Fixture.isabelMembership)", [], nil, 401, Self.unauthorized),
        ]
        for entry in cases {
            let response = try send(server, entry.request, headers: entry.headers, body: entry.body)
            #expect(response.status == entry.status, "\(entry.request) \(entry.body ?? "")")
            #expect(response.header("Content-Type") == "application/json")
            if let text = entry.text {
                #expect(response.text == text, "\(entry.request) \(entry.body ?? "")")
            } else {
                let detail = try JSONValue.parse(response.text)["detail"]?.stringValue ?? ""
                #expect(detail.hasPrefix("JSON parse error - "), "\(entry.request)")
            }
        }
        #expect(try send(server, "/public/v1/users?count=50&page=1", headers: [Self.admin]).text == before)
        #expect(try send(server, "/public/v1/users?count=0", headers: [Self.admin]).text == #"{"total":142,"results":[]}"#)
        await server.stop()
    }

    @Test func generatedUsers_memberWritesOverTheWire() async throws {
        let server = try UnderstudyServer.start(.init(generation: UserGeneration(counts: ["pandadoc": 50_000], seed: 11)))
        let format = PandaDoc().syntheticIDFormat
        let userID = format.id(for: 31_337, seed: 11)
        let user = try JSONValue.parse(try send(server, "/public/v1/users/\(userID)", headers: [Self.admin]).text)
        let membership = try #require(user["workspaces"]?.arrayValue?.first)
        let memberID = try #require(membership["membership_id"]?.stringValue)
        let workspaceID = try #require(membership["workspace_id"]?.stringValue)
        let changed = try send(server, "PATCH /public/v1/workspaces/\(workspaceID)/members/\(memberID)/role", headers: [Self.admin, Self.json], body: #"{"role":"Admin"}"#)
        #expect(changed.status == 200)
        let page = 31_337 / 50 + 1
        let listed = try JSONValue.parse(try send(server, "/public/v1/users?count=50&page=\(page)", headers: [Self.admin]).text)
        let row = try #require(listed["results"]?.arrayValue?.first { $0["user_id"] == .string(userID) })
        #expect(row["workspaces"]?.arrayValue?.first?["role"] == .string("Admin"))
        await server.stop()
    }
}
