import HTTPCore
import Testing
@testable import Understudy

/// PandaDoc's users resource beyond listUsers: detailsUser, createUser, workspaces, members (in process).
struct PandaDocUsersResourceTests {
    static let admin = "API-Key pandadoc-test-key"
    static let member = "API-Key pandadoc-member-key"
    typealias Failure = PandaDoc.Failure

    // Seed facts (Seeds/pandadoc.json): the docs' owner Josh and his workspace, the member key's user, others.
    static let josh = "ajnN7eGutJZsRKjQrNuPkh"
    static let joshMembership = "nPh2PDhFdDqAES9k64h9qX"
    static let workspace = "fERpqZdFaF9dHVAeVxPFaV"
    static let sales = "g9oYMdM3phq28wQC7FedXY"
    static let customerSuccess = "8EaABj23mgq8VfJRrBexZL"
    static let memberKeyUser = "ZW8Xti9PuDuP9Myn4zfSaU"
    static let memberKeyMembership = "uKsZeJVbpwQMLD8QwKLp9a"
    static let isabel = "8WWuq3NaZFuw8tH6qtKVxF"
    static let isabelMembership = "iNLaJoSjVguU3eHyiQ8bab"
    /// Kenji: Member of the docs' workspace and Manager of Customer Success.
    static let kenji = "JssJYsjpD5mDk32TDcKLov"
    static let kenjiMembership = "zyx6vTXVweg3GdN2T3UTfM"
    static let kenjiCustomerSuccess = "4CENTiNtag3eYjouunVqHn"
    static let guest = "qn7e5ehMmDwpKVht9YkKDz"
    static let guestMembership = "iwvJqQ3KmHheyNURFf9JCa"
    static let removedUser = "GC5UeA3nMSjVA8BrbhiDzK"
    static let removedMembership = "U9DeJ8WfQ5y7YywRPUNf8H"
    static let forbidden = #"{"type":"permissions_error","detail":"You do not have permission to perform this action."}"#

    func call(_ app: UnderstudyApp, _ method: String, _ target: String, _ body: String? = nil, authorization: String? = admin) -> HTTPResponse {
        var request = HTTPRequest.make(target, authorization: authorization, method: method,
                                       headers: body == nil ? [] : [("Content-Type", "application/json")])
        if let body { request.body = Array(body.utf8) }
        return app.handle(request)
    }

    func user(_ app: UnderstudyApp, _ id: String) throws -> JSONValue {
        let response = call(app, "GET", "/public/v1/users/\(id)")
        #expect(response.status == .ok)
        return try response.json()
    }

    func allUsers(_ app: UnderstudyApp, showRemoved: Bool = true) throws -> [JSONValue] {
        var users: [JSONValue] = []
        for page in 1... {
            let results = try #require(try call(app, "GET", "/public/v1/users?count=50&page=\(page)&show_removed=\(showRemoved)").json()["results"]?.arrayValue)
            users += results
            if results.count < 50 { return users }
        }
        return users
    }

    func total(_ app: UnderstudyApp, showRemoved: Bool) throws -> Int? {
        try call(app, "GET", "/public/v1/users?count=0&show_removed=\(showRemoved)").json()["total"]?.intValue
    }

    static func fields(_ detail: String) -> String { #"{"type":"request_error","detail":{"# + detail + "}}" }

    // MARK: - detailsUser

    @Test func detailsUser_isTheListItemByteForByte() throws {
        let app = try makeApp()
        let response = call(app, "GET", "/public/v1/users/\(Self.josh)")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text == seededJSON(app, "pandadoc")[0])
        // A removed user is still a user (the list shows it by default).
        #expect(call(app, "GET", "/public/v1/users/\(Self.removedUser)").status == .ok)
        #expect(call(app, "GET", "/pandadoc/public/v1/users/\(Self.josh)", authorization: "Bearer pandadoc-test-token").body == response.body)
    }

    @Test func detailsUser_errors() throws {
        let app = try makeApp()
        let missing = call(app, "GET", "/public/v1/users/nobody")
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"type":"request_error","detail":"Not found"}"#)
        let member = call(app, "GET", "/public/v1/users/\(Self.josh)", authorization: Self.member)
        #expect(member.status == .forbidden)
        #expect(member.text == Self.forbidden)
        #expect(call(app, "GET", "/public/v1/users/\(Self.josh)", authorization: nil).status == .unauthorized)
        #expect(call(app, "GET", "/public/v1/users/nobody", authorization: Self.member).status == .forbidden)  // 403 before 404
    }

    // MARK: - createUser

    @Test func createUser_answers201AndTheUserIsLastInTheNextList() throws {
        let app = try makeApp()
        let body = #"{"user":{"email":"New.Person@Example.com","first_name":"New","last_name":"Person","phone_number":"+14155550100"},"workspaces":[{"workspace_id":"\#(Self.workspace)","role":"Member"},{"workspace_id":"\#(Self.sales)","role":"Collaborator"}],"license":"eSign"}"#
        let created = call(app, "POST", "/public/v1/users?notify_user=true&notify_ws_admins=false", body)
        #expect(created.status == .created)
        let json = try created.json()
        let userID = try #require(json["user_id"]?.stringValue)
        #expect(userID.count == 22)
        let workspaces = try #require(json["workspaces"]?.arrayValue)
        #expect(workspaces.map { $0["workspace_id"]?.stringValue } == [Self.workspace, Self.sales])
        #expect(workspaces.map { $0["role"]?.stringValue } == ["Member", "Collaborator"])
        let memberIDs = workspaces.compactMap { $0["member_id"]?.stringValue }
        #expect(Set(memberIDs).count == 2 && !memberIDs.contains(userID))
        // Key order of the spec's example: workspaces, then user_id.
        #expect(created.text.hasPrefix(#"{"workspaces":[{"workspace_id":"#) && created.text.hasSuffix(#""user_id":"\#(userID)"}"#))

        let expected = #"{"user_id":"\#(userID)","email":"New.Person@Example.com","first_name":"New","last_name":"Person","phone_number":"+14155550100","license":"eSign","is_organization_owner":false,"workspaces":[{"role":"Member","workspace_id":"\#(Self.workspace)","membership_id":"\#(memberIDs[0])"},{"role":"Collaborator","workspace_id":"\#(Self.sales)","membership_id":"\#(memberIDs[1])"}]}"#
        let users = try allUsers(app)
        #expect(users.count == 143)
        #expect(users.last.map { String(decoding: $0.compactBytes, as: UTF8.self) } == expected)
        #expect(call(app, "GET", "/public/v1/users/\(userID)").text == expected)
        #expect(try total(app, showRemoved: false) == 128)
        // The memberships are real: member details and the admin API see them.
        let details = try call(app, "GET", "/public/v1/members/\(memberIDs[1])").json()
        #expect(details["workspace"] == .string(Self.workspace))
        #expect(details["role"] == .string("Collaborator"))
        #expect(details["user_license"] == .string("eSign"))
        #expect(app.handle(.make("/__admin/vendors/pandadoc/users/\(userID)")).status == .ok)
        // The same email again (any case) is taken.
        let again = call(app, "POST", "/public/v1/users", body.replacingOccurrences("New.Person", with: "new.person"))
        #expect(again.text == Self.fields(#""email":["User already exists"]"#))
    }

    @Test func createUser_guestStaysGuestOnlyAsCollaborator() throws {
        let app = try makeApp()
        func create(_ email: String, role: String) throws -> JSONValue {
            let body = #"{"user":{"email":"\#(email)"},"workspaces":[{"workspace_id":"\#(Self.workspace)","role":"\#(role)"}],"license":"Guest"}"#
            let response = call(app, "POST", "/public/v1/users", body)
            #expect(response.status == .created)
            return try user(app, try #require(try response.json()["user_id"]?.stringValue))
        }
        let collaborator = try create("guest.one@example.com", role: "Collaborator")
        #expect(collaborator["license"] == .string("Guest"))
        #expect(collaborator["first_name"] == .string("") && collaborator["phone_number"] == .string(""))
        #expect(try create("guest.two@example.com", role: "Member")["license"] == .string("Full"))
    }

    @Test(arguments: [
        ("{", nil),
        ("[]", #"{"type":"request_error","detail":{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}}"#),
        ("null", #"{"type":"request_error","detail":{"non_field_errors":["No data provided"]}}"#),
        ("", fields(#""user":["This field is required."],"license":["This field is required."],"workspaces":["This field is required."]"#)),
        ("{}", fields(#""user":["This field is required."],"license":["This field is required."],"workspaces":["This field is required."]"#)),
        (#"{"user":{"email":"josh@example.com"},"workspaces":[{"workspace_id":"fERpqZdFaF9dHVAeVxPFaV","role":"Member"}],"license":"Full"}"#,
         fields(#""email":["User already exists"]"#)),
        (#"{"user":{"email":"a@other.com"},"workspaces":[{"workspace_id":"fERpqZdFaF9dHVAeVxPFaV","role":"Member"}],"license":"Full"}"#,
         fields(#""email":["User email should have the same email domain as org admin."]"#)),
        (#"{"user":{"email":"not-an-email"},"workspaces":[{"workspace_id":"fERpqZdFaF9dHVAeVxPFaV","role":"Member"}],"license":"Full"}"#,
         fields(#""email":["Enter a valid email address."]"#)),
        (#"{"user":{},"workspaces":[{"workspace_id":"fERpqZdFaF9dHVAeVxPFaV","role":"Boss"}],"license":"Gold"}"#,
         fields(#""email":["This field is required."],"license":["License is not a valid choice."],"role":["Role is not a valid choice."]"#)),
        (#"{"user":{"email":"x@example.com"},"workspaces":[{"workspace_id":"Ab123"},{"role":"Member"}],"license":"Full"}"#,
         fields(#""workspace_id":["Workspace with uuid Ab123 not found.","This field is required."],"role":["This field is required."]"#)),
        (#"{"user":"x","workspaces":"x","license":null}"#,
         fields(#""user":["Invalid data. Expected a dictionary, but got str."],"license":["This field may not be null."],"workspaces":["Expected a list of items but got type \"str\"."]"#)),
        (#"{"user":{"email":true,"first_name":[],"phone_number":"call me"},"workspaces":[],"license":5}"#,
         fields(#""first_name":["Not a valid string."],"phone_number":["Enter a valid phone number."],"email":["Not a valid string."],"license":["License is not a valid choice."],"workspaces":["This list may not be empty."]"#)),
        (#"{"user":{"email":""},"workspaces":[7],"license":"Full"}"#,
         fields(#""email":["This field may not be blank."],"workspaces":["Invalid data. Expected a dictionary, but got int."]"#)),
    ] as [(String, String?)])
    func createUser_rejectsBadBodiesWithoutChangingTheStore(body: String, expected: String?) throws {
        let app = try makeApp()
        let response = call(app, "POST", "/public/v1/users", body)
        #expect(response.status == .badRequest)
        if let expected {
            #expect(response.text == expected)
        } else {
            let json = try response.json()
            #expect(json["type"] == .string("request_error"))
            #expect(json["detail"]?.stringValue?.hasPrefix("JSON parse error - ") == true)
        }
        #expect(try total(app, showRemoved: true) == 142)
    }

    /// Python's json texts (CPython 3.11 `json.loads`), which DRF prints after "JSON parse error - ".
    @Test(arguments: [
        ("{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (#"{"user":"#, "Expecting value: line 1 column 9 (char 8)"),
        ("nope", "Expecting value: line 1 column 1 (char 0)"),
        ("[1,", "Expecting value: line 1 column 4 (char 3)"),
        (#"{"a" 1}"#, "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        (#"{"a":1}x"#, "Extra data: line 1 column 8 (char 7)"),
        (#"{"a":1,}"#, "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
        ("\n\n  {\"a\":tru}", "Expecting value: line 3 column 8 (char 9)"),
    ])
    func invalidJSON_isDRFsParseErrorWithPythonsText(body: String, message: String) throws {
        let response = call(try makeApp(), "POST", "/public/v1/users", body)
        #expect(response.status == .badRequest)
        #expect(response.text == #"{"type":"request_error","detail":"JSON parse error - \#(message)"}"#)
    }

    @Test func createUser_memberKeyIsForbiddenAndMissingKeyUnauthorized() throws {
        let app = try makeApp()
        let body = #"{"user":{"email":"m@example.com"},"workspaces":[{"workspace_id":"\#(Self.workspace)","role":"Member"}],"license":"Full"}"#
        let member = call(app, "POST", "/public/v1/users", body, authorization: Self.member)
        #expect(member.status == .forbidden)
        #expect(member.text == Self.forbidden)
        #expect(call(app, "POST", "/public/v1/users", body, authorization: nil).status == .unauthorized)
        #expect(call(app, "POST", "/public/v1/users", body, authorization: "API-Key wrong").status == .unauthorized)
        #expect(try total(app, showRemoved: true) == 142)
    }

    // MARK: - getWorkspacesList

    @Test func listWorkspaces_pagesTheSeededWorkspaces() throws {
        let app = try makeApp()
        let all = call(app, "GET", "/public/v1/workspaces")
        #expect(all.status == .ok)
        #expect(all.text.hasPrefix(#"{"results":[{"id":"fERpqZdFaF9dHVAeVxPFaV","name":"Understudy","owner":"josh@example.com","date_created":"2021-07-01T09:27:38.642257Z"},"#))
        #expect(all.text.hasSuffix(#"],"total":4}"#))
        let page = try call(app, "GET", "/public/v1/workspaces?count=2&page=2").json()
        #expect(page["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["rse2kYGkY3T6Piw7ZzfNaY", Self.customerSuccess])
        #expect(page["total"]?.intValue == 4)
        #expect(call(app, "GET", "/public/v1/workspaces?page=9").text == #"{"results":[],"total":4}"#)
    }

    @Test(arguments: [
        ("count=0", #""count":["Ensure this value is greater than or equal to 1."]"#),
        ("count=101", #""count":["Ensure this value is less than or equal to 100."]"#),
        ("page=0&count=x", #""count":["A valid integer is required."],"page":["Ensure this value is greater than or equal to 1."]"#),
    ])
    func listWorkspaces_rejectsBadPaging(query: String, detail: String) throws {
        let response = call(try makeApp(), "GET", "/public/v1/workspaces?\(query)")
        #expect(response.status == .badRequest)
        #expect(response.text == #"{"type":"validation_error","detail":{"# + detail + "}}")
    }

    @Test func listWorkspaces_isForOrganizationAdmins() throws {
        let app = try makeApp()
        #expect(call(app, "GET", "/public/v1/workspaces", authorization: Self.member).text == Self.forbidden)
        #expect(call(app, "GET", "/public/v1/workspaces", authorization: nil).status == .unauthorized)
    }

    // MARK: - addMember

    @Test func addMember_answers201AndTheListShowsTheMembership() throws {
        let app = try makeApp()
        let response = call(app, "POST", "/public/v1/workspaces/\(Self.sales)/members?notify_user=false", #"{"user_id":"\#(Self.isabel)","role":"Manager"}"#)
        #expect(response.status == .created)
        let json = try response.json()
        let memberID = try #require(json["member_id"]?.stringValue)
        #expect(response.text == #"{"member_id":"\#(memberID)","workspace_id":"\#(Self.sales)","role":"Manager","email":"isabel_becker@example.com","first_name":"Isabel","last_name":"Becker"}"#)
        let listed = try #require(try allUsers(app).first { $0["user_id"] == .string(Self.isabel) })
        #expect(listed["workspaces"]?.arrayValue?.last == JSONValue.object([
            ("role", .string("Manager")), ("workspace_id", .string(Self.sales)), ("membership_id", .string(memberID)),
        ]))
        #expect(try call(app, "GET", "/public/v1/members/\(memberID)").json()["role"] == .string("Manager"))
        // A Guest added as anything but Collaborator becomes Full.
        #expect(call(app, "POST", "/public/v1/workspaces/\(Self.sales)/members", #"{"user_id":"\#(Self.guest)","role":"Member"}"#).status == .created)
        #expect(try user(app, Self.guest)["license"] == .string("Full"))
    }

    @Test func addMember_bringsARemovedUserBack() throws {
        let app = try makeApp()
        let response = call(app, "POST", "/public/v1/workspaces/\(Self.sales)/members", #"{"user_id":"\#(Self.removedUser)","role":"Member"}"#)
        #expect(response.status == .created)
        let memberID = try #require(try response.json()["member_id"]?.stringValue)
        #expect(try total(app, showRemoved: false) == 128)
        let workspaces = try user(app, Self.removedUser)["workspaces"]?.arrayValue
        #expect(workspaces?.compactMap { $0["membership_id"]?.stringValue } == [memberID])
        #expect(try allUsers(app, showRemoved: false).contains { $0["user_id"] == .string(Self.removedUser) })
    }

    @Test(arguments: [
        (#"{"user_id":"\#(josh)","role":"Admin"}"#, #""user_id":["Member already exists"]"#),
        (#"{"user_id":"nobody","role":"Admin"}"#, #""user_id":["User doesn't exist"]"#),
        ("{}", #""user_id":["This field is required"],"role":["This field is required"]"#),
        (#"{"user_id":"nobody","role":"Owner"}"#, #""role":["Role is not a valid choice"],"user_id":["User doesn't exist"]"#),
        (#"{"user_id":true,"role":null}"#, #""user_id":["Not a valid string."],"role":["This field may not be null."]"#),
        (#"{"user_id":"","role":3}"#, #""user_id":["This field may not be blank."],"role":["Role is not a valid choice"]"#),
        ("[1]", #""non_field_errors":["Invalid data. Expected a dictionary, but got list."]"#),
    ])
    func addMember_rejectsBadBodiesWithoutChangingTheStore(body: String, detail: String) throws {
        let app = try makeApp()
        let before = try allUsers(app)
        let response = call(app, "POST", "/public/v1/workspaces/\(Self.workspace)/members", body)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.fields(detail))
        #expect(try allUsers(app) == before)
    }

    @Test func addMember_unknownWorkspaceIs404AndMemberKeyIs403() throws {
        let app = try makeApp()
        let body = #"{"user_id":"\#(Self.isabel)","role":"Member"}"#
        let missing = call(app, "POST", "/public/v1/workspaces/nowhere/members", body)
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"type":"request_error","detail":"Not found"}"#)
        #expect(call(app, "POST", "/public/v1/workspaces/\(Self.sales)/members", body, authorization: Self.member).text == Self.forbidden)
        #expect(call(app, "POST", "/public/v1/workspaces/\(Self.sales)/members", "{", authorization: nil).status == .unauthorized)
        #expect(try user(app, Self.isabel)["workspaces"]?.arrayValue?.count == 1)
    }

    // MARK: - removeMember

    @Test func removeMember_dropsOneMembershipThenRemovesTheUser() throws {
        let app = try makeApp()
        let first = call(app, "DELETE", "/public/v1/workspaces/\(Self.customerSuccess)/members/\(Self.kenjiCustomerSuccess)")
        #expect(first.status == .noContent)
        #expect(first.body.isEmpty)
        let afterOne = try user(app, Self.kenji)
        #expect(afterOne["workspaces"]?.arrayValue?.compactMap { $0["membership_id"]?.stringValue } == [Self.kenjiMembership])
        #expect(try total(app, showRemoved: false) == 127)
        // Gone means gone: the same DELETE again is a 404.
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(Self.customerSuccess)/members/\(Self.kenjiCustomerSuccess)").status == .notFound)

        #expect(call(app, "DELETE", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.kenjiMembership)").status == .noContent)
        #expect(try total(app, showRemoved: false) == 126)
        #expect(try total(app, showRemoved: true) == 142)
        #expect(try !allUsers(app, showRemoved: false).contains { $0["user_id"] == .string(Self.kenji) })
        // Removed users keep showing the membership they were removed from, like the seeded ones.
        #expect(try user(app, Self.kenji)["workspaces"]?.arrayValue?.compactMap { $0["membership_id"]?.stringValue } == [Self.kenjiMembership])
        #expect(call(app, "GET", "/public/v1/members/\(Self.kenjiMembership)").status == .notFound)
        #expect(app.record(for: "pandadoc")?.store.snapshot().user(id: Self.kenji)?.isRemoved == true)
    }

    @Test(arguments: [
        (customerSuccess, kenjiMembership, 404, #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
        ("nowhere", kenjiMembership, 404, #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
        (workspace, "nobody", 404, #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
        (workspace, removedMembership, 404, #"{"type":"request_error","detail":"This member or workspace does not exist."}"#),
        (workspace, joshMembership, 400, #"{"type":"request_error","detail":"Owner can not be removed."}"#),
    ])
    func removeMember_errors(workspaceID: String, memberID: String, status: Int, body: String) throws {
        let app = try makeApp()
        let before = try allUsers(app)
        let response = call(app, "DELETE", "/public/v1/workspaces/\(workspaceID)/members/\(memberID)")
        #expect(response.status.code == status)
        #expect(response.text == body)
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(workspaceID)/members/\(memberID)", authorization: Self.member).text == Self.forbidden)
        #expect(try allUsers(app) == before)
    }

    @Test func removeMember_workspaceOwnerCannotBeRemoved() throws {
        let app = try makeApp()
        // Oren Fischer owns Customer Success (seed workspaces[].owner).
        let oren = try #require(try allUsers(app).first { $0["email"] == .string("oren.fischer@example.org") })
        let membership = try #require(oren["workspaces"]?.arrayValue?.first { $0["workspace_id"] == .string(Self.customerSuccess) })
        let memberID = try #require(membership["membership_id"]?.stringValue)
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(Self.customerSuccess)/members/\(memberID)").text == #"{"type":"request_error","detail":"Owner can not be removed."}"#)
    }

    // MARK: - changeMemberRole

    @Test func changeMemberRole_answersTheNewRoleAndTheListShowsIt() throws {
        let app = try makeApp()
        let response = call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)/role", #"{"role":"Admin"}"#)
        #expect(response.status == .ok)
        #expect(response.text == #"{"member_id":"\#(Self.isabelMembership)","workspace_id":"\#(Self.workspace)","role":"Admin","email":"isabel_becker@example.com"}"#)
        #expect(try user(app, Self.isabel)["workspaces"]?.arrayValue?.first?["role"] == .string("Admin"))
        let listed = try #require(try allUsers(app).first { $0["user_id"] == .string(Self.isabel) })
        #expect(listed["workspaces"]?.arrayValue?.first?["role"] == .string("Admin"))
        // date_modified moves, date_created stays.
        let before = PandaDocState.seededDates(Self.isabelMembership)
        let details = try call(app, "GET", "/public/v1/members/\(Self.isabelMembership)").json()
        #expect(details["date_created"] == .string(before.created))
        #expect(details["date_modified"] != .string(before.modified))
        #expect(details["role"] == .string("Admin"))
    }

    @Test func changeMemberRole_acceptsTheWorkspacesCustomRoles() throws {
        let app = try makeApp()
        let sales = try #require(try allUsers(app, showRemoved: false).first { user in
            user["email"] != .string("naveen_cohen@example.org")
                && user["workspaces"]?.arrayValue?.contains { $0["workspace_id"] == .string(Self.sales) && $0["role"] != .string("Admin") } == true
        })
        let memberID = try #require(sales["workspaces"]?.arrayValue?.first { $0["workspace_id"] == .string(Self.sales) }?["membership_id"]?.stringValue)
        let custom = call(app, "PATCH", "/public/v1/workspaces/\(Self.sales)/members/\(memberID)/role", #"{"role":"Sales Lead"}"#)
        #expect(custom.status == .ok)
        #expect(try custom.json()["role"] == .string("Sales Lead"))
        let listed = try user(app, try #require(sales["user_id"]?.stringValue))
        #expect(listed["workspaces"]?.arrayValue?.contains { $0["membership_id"] == .string(memberID) && $0["role"] == .string("Sales Lead") } == true)
        // Custom roles are per workspace: the docs' workspace defines none.
        let elsewhere = call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)/role", #"{"role":"Sales Lead"}"#)
        #expect(elsewhere.text == Self.fields(#""role":["The role 'Sales Lead' does not exist in the workspace with ID '\#(Self.workspace)'. Please ensure the role is correctly defined and try again."]"#))
    }

    @Test func changeMemberRole_promotingAGuestMakesItFull() throws {
        let app = try makeApp()
        let collaborator = call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.guestMembership)/role", #"{"role":"Collaborator"}"#)
        #expect(collaborator.status == .ok)
        #expect(try user(app, Self.guest)["license"] == .string("Guest"))
        #expect(call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.guestMembership)/role", #"{"role":"Manager"}"#).status == .ok)
        let promoted = try user(app, Self.guest)
        #expect(promoted["license"] == .string("Full"))
        #expect(try call(app, "GET", "/public/v1/members/\(Self.guestMembership)").json()["user_license"] == .string("Full"))
    }

    @Test func changeMemberRole_refusesTheOwnerAndTheLastAdmin() throws {
        let app = try makeApp()
        let owner = call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.joshMembership)/role", #"{"role":"Member"}"#)
        #expect(owner.status == .badRequest)
        #expect(owner.text == #"{"type":"request_error","detail":"Cannot change the role of the workspace owner."}"#)
        // Make Customer Success's owner a Manager through the admin API, leaving Oren as its only Admin... then
        // a promoted Admin who is the only one left cannot step down.
        let oren = try #require(try allUsers(app).first { $0["email"] == .string("oren.fischer@example.org") })
        let orenID = try #require(oren["user_id"]?.stringValue)
        let demoted = String(decoding: oren["workspaces"]!.compactBytes, as: UTF8.self).replacingOccurrences(#""role":"Admin""#, with: #""role":"Manager""#)
        var patch = HTTPRequest.make("/__admin/vendors/pandadoc/users/\(orenID)", method: "PATCH")
        patch.body = Array(#"{"workspaces":\#(demoted)}"#.utf8)
        #expect(app.handle(patch).status == .ok)
        let admins = try allUsers(app, showRemoved: false).filter { user in
            user["workspaces"]?.arrayValue?.contains { $0["workspace_id"] == .string(Self.customerSuccess) && $0["role"] == .string("Admin") } == true
        }
        #expect(admins.isEmpty)
        let promote = "/public/v1/workspaces/\(Self.customerSuccess)/members/\(Self.kenjiCustomerSuccess)/role"
        #expect(call(app, "PATCH", promote, #"{"role":"Admin"}"#).status == .ok)
        let last = call(app, "PATCH", promote, #"{"role":"Member"}"#)
        #expect(last.status == .badRequest)
        #expect(last.text == #"{"type":"request_error","detail":"Cannot change the role of the last member with admin privileges."}"#)
        #expect(call(app, "PATCH", promote, #"{"role":"Admin"}"#).status == .ok)  // staying Admin is fine
    }

    @Test(arguments: [
        ("{}", 400, fields(#""role":["This field is required."]"#)),
        (#"{"role":null}"#, 400, fields(#""role":["This field may not be null."]"#)),
        (#"{"role":["Admin"]}"#, 400, fields(#""role":["Not a valid string."]"#)),
        (#"{"role":"Boss"}"#, 400, fields(#""role":["The role 'Boss' does not exist in the workspace with ID 'fERpqZdFaF9dHVAeVxPFaV'. Please ensure the role is correctly defined and try again."]"#)),
        ("{", 400, nil),
    ] as [(String, Int, String?)])
    func changeMemberRole_rejectsBadBodies(body: String, status: Int, expected: String?) throws {
        let app = try makeApp()
        let before = try allUsers(app)
        let response = call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)/role", body)
        #expect(response.status.code == status)
        if let expected { #expect(response.text == expected) } else {
            #expect(try response.json()["detail"]?.stringValue?.hasPrefix("JSON parse error - ") == true)
        }
        #expect(try allUsers(app) == before)
    }

    @Test func changeMemberRole_unknownMemberOrWorkspaceIs404AndMemberKeyIs403() throws {
        let app = try makeApp()
        let body = #"{"role":"Member"}"#
        for path in ["nowhere/members/\(Self.isabelMembership)", "\(Self.sales)/members/\(Self.isabelMembership)",
                     "\(Self.workspace)/members/nobody", "\(Self.workspace)/members/\(Self.removedMembership)"] {
            let response = call(app, "PATCH", "/public/v1/workspaces/\(path)/role", body)
            #expect(response.status == .notFound, "\(path)")
            #expect(response.text == #"{"type":"request_error","detail":"Not found"}"#)
        }
        #expect(call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)/role", body, authorization: Self.member).text == Self.forbidden)
        #expect(try user(app, Self.isabel)["workspaces"]?.arrayValue?.first?["role"] == .string("Manager"))
    }

    // MARK: - Members

    @Test func listMembers_listsTheActiveMembersOfTheKeysWorkspace() throws {
        let app = try makeApp()
        let response = call(app, "GET", "/public/v1/members")
        #expect(response.status == .ok)
        let results = try #require(try response.json()["results"]?.arrayValue)
        let seed = try #require(app.seed(for: "pandadoc"))
        let expected = seed.users.filter { !$0.isRemoved }.compactMap(PandaDoc.User.init).compactMap { user in
            user.activeMembership(inWorkspace: Self.workspace)?.membershipID
        }
        #expect(results.compactMap { $0["membership_id"]?.stringValue } == expected)
        #expect(results.count == 98)
        // The member key sees the same workspace.
        #expect(call(app, "GET", "/public/v1/members", authorization: Self.member).body == response.body)
        // After removing a member, the next list lacks it.
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)").status == .noContent)
        let after = try #require(try call(app, "GET", "/public/v1/members").json()["results"]?.arrayValue)
        #expect(after.count == 97 && !after.contains { $0["membership_id"] == .string(Self.isabelMembership) })
    }

    @Test func detailsMember_isTheMemberDetailsShape() throws {
        let app = try makeApp()
        let dates = PandaDocState.seededDates(Self.kenjiCustomerSuccess)
        let response = call(app, "GET", "/public/v1/members/\(Self.kenjiCustomerSuccess)", authorization: Self.member)
        #expect(response.status == .ok)
        #expect(response.text == #"{"user_id":"\#(Self.kenji)","membership_id":"\#(Self.kenjiCustomerSuccess)","email":"kenji.obrien@example.com","first_name":"Kenji","last_name":"O'Brien","is_active":true,"workspace":"\#(Self.workspace)","workspace_name":"Understudy","emails_verified":true,"role":"Manager","user_license":"Full","date_created":"\#(dates.created)","date_modified":"\#(dates.modified)"}"#)
        #expect(dates.created.count == 27 && dates.created < dates.modified)
        let missing = call(app, "GET", "/public/v1/members/nobody")
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"type":"request_error","detail":"Not found"}"#)
        #expect(call(app, "GET", "/public/v1/members/\(Self.kenjiMembership)", authorization: nil).status == .unauthorized)
    }

    @Test func detailsCurrentMember_isTheKeysOwner() throws {
        let app = try makeApp()
        let owner = try call(app, "GET", "/public/v1/members/current").json()
        #expect(owner["user_id"] == .string(Self.josh))
        #expect(owner["membership_id"] == .string(Self.joshMembership))
        #expect(owner["role"] == .string("Admin"))
        #expect(try call(app, "GET", "/public/v1/members/current", authorization: "Bearer pandadoc-test-token").json()["user_id"] == .string(Self.josh))
        let member = try call(app, "GET", "/public/v1/members/current", authorization: Self.member).json()
        #expect(member["user_id"] == .string(Self.memberKeyUser))
        #expect(member["membership_id"] == .string(Self.memberKeyMembership))
        #expect(member["role"] == .string("Member"))
        #expect(call(app, "GET", "/public/v1/members/current", authorization: nil).status == .unauthorized)
    }

    // MARK: - Reset and generated users

    @Test func reset_restoresUsersAndMemberships() throws {
        let app = try makeApp()
        let before = try allUsers(app)
        #expect(call(app, "POST", "/public/v1/users", #"{"user":{"email":"r@example.com"},"workspaces":[{"workspace_id":"\#(Self.workspace)","role":"Member"}],"license":"Full"}"#).status == .created)
        #expect(call(app, "PATCH", "/public/v1/workspaces/\(Self.workspace)/members/\(Self.isabelMembership)/role", #"{"role":"Member"}"#).status == .ok)
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(Self.customerSuccess)/members/\(Self.kenjiCustomerSuccess)").status == .noContent)
        #expect(app.handle(.make("/__admin/reset", method: "POST")).status == .ok)
        #expect(try allUsers(app) == before)
        #expect(try call(app, "GET", "/public/v1/members/\(Self.isabelMembership)").json()["date_modified"] == .string(PandaDocState.seededDates(Self.isabelMembership).modified))
        #expect(call(app, "GET", "/public/v1/members/\(Self.kenjiCustomerSuccess)").status == .ok)
    }

    @Test func generatedUsers_supportEveryMemberOperation() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["pandadoc": 100_000], seed: 7)))
        let format = PandaDoc().syntheticIDFormat
        let owner = try user(app, format.id(for: 0, seed: 7))
        #expect(owner["is_organization_owner"] == .bool(true))
        #expect(owner["workspaces"]?.arrayValue?.count == 4)
        let target = try user(app, format.id(for: 77_777, seed: 7))
        let targetID = try #require(target["user_id"]?.stringValue)
        let membership = try #require(target["workspaces"]?.arrayValue?.first)
        let memberID = try #require(membership["membership_id"]?.stringValue)
        let workspaceID = try #require(membership["workspace_id"]?.stringValue)
        // Member details, role change, add and remove, all by id.
        #expect(try call(app, "GET", "/public/v1/members/\(memberID)").json()["user_id"] == .string(targetID))
        #expect(call(app, "PATCH", "/public/v1/workspaces/\(workspaceID)/members/\(memberID)/role", #"{"role":"Manager"}"#).status == .ok)
        #expect(try user(app, targetID)["workspaces"]?.arrayValue?.first?["role"] == .string("Manager"))
        let others = try #require(try call(app, "GET", "/public/v1/workspaces").json()["results"]?.arrayValue).compactMap { $0["id"]?.stringValue }
        let other = try #require(others.first { id in target["workspaces"]?.arrayValue?.contains { $0["workspace_id"] == .string(id) } != true })
        let added = call(app, "POST", "/public/v1/workspaces/\(other)/members", #"{"user_id":"\#(targetID)","role":"Member"}"#)
        #expect(added.status == .created)
        let addedID = try #require(try added.json()["member_id"]?.stringValue)
        #expect(call(app, "PATCH", "/public/v1/workspaces/\(other)/members/\(addedID)/role", #"{"role":"Collaborator"}"#).status == .ok)
        let removedBefore = try #require(try total(app, showRemoved: false))
        for (workspace, member) in try #require(try user(app, targetID)["workspaces"]?.arrayValue).map({ ($0["workspace_id"]!.stringValue!, $0["membership_id"]!.stringValue!) }) {
            #expect(call(app, "DELETE", "/public/v1/workspaces/\(workspace)/members/\(member)").status == .noContent)
        }
        #expect(try total(app, showRemoved: false) == removedBefore - 1)
        #expect(call(app, "GET", "/public/v1/members/\(memberID)").status == .notFound)
        // The owner owns every workspace and cannot be removed.
        let ownerMembership = try #require(owner["workspaces"]?.arrayValue?.first?["membership_id"]?.stringValue)
        let ownerWorkspace = try #require(owner["workspaces"]?.arrayValue?.first?["workspace_id"]?.stringValue)
        #expect(call(app, "DELETE", "/public/v1/workspaces/\(ownerWorkspace)/members/\(ownerMembership)").status == .badRequest)
        #expect(try call(app, "GET", "/public/v1/members/current").json()["user_id"] == owner["user_id"])
        let workspaces = try call(app, "GET", "/public/v1/workspaces").json()
        #expect(workspaces["results"]?.arrayValue?.allSatisfy { $0["owner"] == owner["email"] } == true)
        // createUser checks emails of generated users without a scan.
        let email = try #require(owner["email"]?.stringValue)
        let domain = String(email[email.index(after: email.firstIndex(of: "@")!)...])
        let duplicate = call(app, "POST", "/public/v1/users", #"{"user":{"email":"\#(email)"},"workspaces":[{"workspace_id":"\#(ownerWorkspace)","role":"Member"}],"license":"Full"}"#)
        #expect(duplicate.text == Self.fields(domain == "example.com" ? #""email":["User already exists"]"# : #""email":["User email should have the same email domain as org admin."]"#))
    }

    @Test func generatedUsers_mixInGuestsWhoAreOnlyCollaborators() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["pandadoc": 2000], seed: 3)))
        let users = try allUsers(app)
        #expect(users.count == 2000)
        let guests = users.filter { $0["license"] == .string("Guest") }
        #expect(guests.count > 10)
        #expect(guests.allSatisfy { $0["workspaces"]?.arrayValue?.allSatisfy { $0["role"] == .string("Collaborator") } == true })
        let seededWorkspaces = Set(["fERpqZdFaF9dHVAeVxPFaV", "g9oYMdM3phq28wQC7FedXY", "rse2kYGkY3T6Piw7ZzfNaY", "8EaABj23mgq8VfJRrBexZL"])
        #expect(users.allSatisfy { $0["workspaces"]?.arrayValue?.allSatisfy { seededWorkspaces.contains($0["workspace_id"]?.stringValue ?? "") } == true })
    }

    // MARK: - Seeds

    @Test func seedState_rejectsKeysOfUnknownUsersOrWorkspaces() throws {
        let vendor = PandaDoc()
        let seed = try #require(try makeApp().seed(for: "pandadoc"))
        func state(_ extensions: [(String, JSONValue)]) throws(SeedError) {
            var copy = seed
            copy.extensions = extensions
            _ = try vendor.makeState(seed: copy, context: VendorContext())
        }
        #expect(throws: Never.self) { try state(seed.extensions) }
        #expect(throws: Never.self) { try state([]) }
        let workspaces = try #require(seed.extensionValue("workspaces"))
        let badKey = JSONValue.array([.object([("authorization", .string(Self.admin)), ("user_id", .string("nobody")), ("workspace_id", .string(Self.workspace))])])
        #expect(throws: SeedError.self) { try state([("workspaces", workspaces), ("apiKeys", badKey)]) }
        let foreign = JSONValue.array([.object([("authorization", .string(Self.admin)), ("user_id", .string(Self.josh)), ("workspace_id", .string(Self.sales))])])
        #expect(throws: SeedError.self) { try state([("workspaces", workspaces), ("apiKeys", foreign)]) }
        #expect(throws: SeedError.self) { try state([("workspaces", .array([.object([("id", .string("w"))])]))]) }
    }
}

private extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
