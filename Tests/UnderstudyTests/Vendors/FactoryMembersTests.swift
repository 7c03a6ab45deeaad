import HTTPCore
import Testing
@testable import Understudy

/// inviteUser and removeUser in process: every outcome and error, each write checked against the next list
/// and the admin summary.
struct FactoryMembersTests {
    static let admin = "Bearer factory-test-key"
    static let member = "Bearer factory-member-key"
    typealias Failure = Factory.Failure

    // MARK: - Helpers

    static func invite(_ app: UnderstudyApp, _ body: String, authorization: String? = admin, prefix: String = "") -> HTTPResponse {
        var headers: HTTPHeaders = ["Host": "127.0.0.1", "Content-Type": "application/json"]
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return app.handle(HTTPRequest(method: "POST", target: "\(prefix)/api/v0/organization/users/invite", headers: headers, body: Array(body.utf8)))
    }

    static func remove(_ app: UnderstudyApp, _ query: String, authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/api/v0/organization/users\(query)", authorization: authorization, method: "DELETE"))
    }

    /// Every user of the list, walked at the maximum page size (raw user JSON strings, in order).
    static func listed(_ app: UnderstudyApp) throws -> [JSONValue] {
        var users: [JSONValue] = []
        var cursor: String?
        repeat {
            let page = try app.handle(.make("/api/v0/organization/users?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), authorization: admin)).json()
            users += try #require(page["users"]?.arrayValue)
            cursor = page["pagination"]?["nextCursor"]?.stringValue
        } while cursor != nil
        return users
    }

    static func emails(_ app: UnderstudyApp) throws -> [String] {
        try listed(app).compactMap { $0["email"]?.stringValue }
    }

    /// Factory's entry of `GET /__admin/vendors`.
    static func summary(_ app: UnderstudyApp) throws -> JSONValue {
        let vendors = try app.handle(.make("/__admin/vendors")).json()
        return try #require(vendors["vendors"]?.arrayValue?.first { $0["id"]?.stringValue == "factory" })
    }

    static func inviteEmails(_ app: UnderstudyApp) throws -> [String] {
        try #require(summary(app)["invites"]?.arrayValue).compactMap { $0["email"]?.stringValue }
    }

    static func outcome(_ email: String, _ role: String, _ status: String) -> String {
        #"{"email":"\#(email)","role":"\#(role)","status":"\#(status)"}"#
    }

    static func envelope(_ code: Int, _ title: String, _ detail: String) -> String {
        #"{"detail":"\#(detail)","status":\#(code),"title":"\#(title)"}"#
    }

    static let seededInvites = ["carlosl@example.com", "jana.williams@example.com", "felipe.kang@example.com",
                                "daniel.nguyen@example.com", "siddharth.patel@example.com"]

    // MARK: - Invite outcomes

    @Test func newEmail_isInvitedWithTheDefaultRole_andTakesASeat() throws {
        let app = try makeApp()
        let before = try Self.listed(app)
        let response = Self.invite(app, #"{"email":"new.person@example.com"}"#)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        // `error` is left out unless status is error.
        #expect(response.text == Self.outcome("new.person@example.com", "user", "invited"))
        // A pending invite is not a member: the list is unchanged.
        #expect(try Self.listed(app) == before)
        let summary = try Self.summary(app)
        #expect(summary["seatsUsed"]?.intValue == 152)
        let invite = try #require(summary["invites"]?.arrayValue?.last)
        #expect(invite["email"] == .string("new.person@example.com"))
        #expect(invite["role"] == .string("user"))
        let createdAt = try #require(invite["createdAt"]?.stringValue)
        #expect(createdAt.utf8.count == 24 && createdAt.hasSuffix("Z") && createdAt.hasPrefix("20"))
        // Invited with an explicit role, echoed as sent.
        #expect(Self.invite(app, #"{"email":"Boss@Example.com","role":"owner"}"#).text == Self.outcome("Boss@Example.com", "owner", "invited"))
        #expect(try Self.inviteEmails(app) == Self.seededInvites + ["new.person@example.com", "Boss@Example.com"])
    }

    @Test func memberWithTheSameRole_isAlreadyMember_andNothingChanges() throws {
        let app = try makeApp()
        let before = try Self.listed(app)
        // inesh@ is not in memberRoles, so a plain user; ayesha.abara@ is the seeded owner; saras@ a manager.
        #expect(Self.invite(app, #"{"email":"inesh@example.org"}"#).text == Self.outcome("inesh@example.org", "user", "already_member"))
        #expect(Self.invite(app, #"{"email":"ayesha.abara@example.org","role":"owner"}"#).text
            == Self.outcome("ayesha.abara@example.org", "owner", "already_member"))
        #expect(Self.invite(app, #"{"email":"saras@example.org","role":"manager"}"#).text
            == Self.outcome("saras@example.org", "manager", "already_member"))
        #expect(try Self.listed(app) == before)
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 151)
    }

    @Test func memberWithANewRole_isRoleUpdated_andTheListKeepsItsShape() throws {
        let app = try makeApp()
        let before = try Self.listed(app)
        let roles = try #require(try Self.summary(app)["memberRoles"])
        #expect(roles == .object([("owner", .number(2, text: "2")), ("manager", .number(12, text: "12")), ("user", .number(132, text: "132"))]))
        #expect(Self.invite(app, #"{"email":"inesh@example.org","role":"manager"}"#).text == Self.outcome("inesh@example.org", "manager", "role_updated"))
        // The new role is kept: the same invite now finds it.
        #expect(Self.invite(app, #"{"email":"inesh@example.org","role":"manager"}"#).text == Self.outcome("inesh@example.org", "manager", "already_member"))
        // Back to the default is a change too.
        #expect(Self.invite(app, #"{"email":"saras@example.org"}"#).text == Self.outcome("saras@example.org", "user", "role_updated"))
        #expect(Self.invite(app, #"{"email":"ayesha.abara@example.org","role":"manager"}"#).status == .ok)
        // Roles are not part of the user JSON: every user is byte for byte as before.
        #expect(try Self.listed(app) == before)
        #expect(try Self.summary(app)["memberRoles"] == .object([("owner", .number(1, text: "1")), ("manager", .number(13, text: "13")), ("user", .number(132, text: "132"))]))
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 151)
    }

    @Test func pendingInvite_isAlreadyInvited_withItsOwnRoleUnchanged() throws {
        let app = try makeApp()
        let invites = try #require(try Self.summary(app)["invites"])
        // felipe.kang@ was invited as a manager; asking for owner changes nothing.
        #expect(Self.invite(app, #"{"email":"felipe.kang@example.com","role":"owner"}"#).text
            == Self.outcome("felipe.kang@example.com", "manager", "already_invited"))
        #expect(Self.invite(app, #"{"email":"felipe.kang@example.com","role":"manager"}"#).text
            == Self.outcome("felipe.kang@example.com", "manager", "already_invited"))
        #expect(try Self.summary(app)["invites"] == invites)
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 151)
    }

    @Test func emailsMatchCaseInsensitively_andAreEchoedAsSent() throws {
        let app = try makeApp()
        #expect(Self.invite(app, #"{"email":"AYESHA.Abara@EXAMPLE.org","role":"owner"}"#).text
            == Self.outcome("AYESHA.Abara@EXAMPLE.org", "owner", "already_member"))
        #expect(Self.invite(app, #"{"email":"CarlosL@Example.com"}"#).text == Self.outcome("CarlosL@Example.com", "user", "already_invited"))
        #expect(Self.invite(app, #"{"email":"Mixed.Case@Example.com"}"#).text == Self.outcome("Mixed.Case@Example.com", "user", "invited"))
        #expect(Self.invite(app, #"{"email":"mixed.case@example.com"}"#).text == Self.outcome("mixed.case@example.com", "user", "already_invited"))
        #expect(Self.remove(app, "?email=INESH@EXAMPLE.ORG").status == .noContent)
        #expect(try !Self.emails(app).contains("inesh@example.org"))
        #expect(Self.remove(app, "?email=MIXED.CASE@example.COM").status == .noContent)
        #expect(try !Self.inviteEmails(app).contains("Mixed.Case@Example.com"))
    }

    @Test func seatLimit_refusesNewInvitesWithStatusError_butNotRoleChangesOrRepeats() throws {
        let app = try makeApp()
        // 146 members + 5 invites of 160 seats: 9 are free.
        #expect(try Self.summary(app)["seatLimit"]?.intValue == 160)
        for number in 1...9 {
            #expect(Self.invite(app, #"{"email":"seat\#(number)@example.com"}"#).text == Self.outcome("seat\(number)@example.com", "user", "invited"))
        }
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 160)
        let full = Self.invite(app, #"{"email":"one.too.many@example.com","role":"manager"}"#)
        #expect(full.status == .ok)
        #expect(full.text == #"{"email":"one.too.many@example.com","role":"manager","status":"error","error":"\#(Failure.seatLimitMessage(seats: 160))"}"#)
        #expect(try !Self.inviteEmails(app).contains("one.too.many@example.com"))
        // Changing a member's role takes no seat, and the other outcomes still answer.
        #expect(Self.invite(app, #"{"email":"inesh@example.org","role":"owner"}"#).text == Self.outcome("inesh@example.org", "owner", "role_updated"))
        #expect(Self.invite(app, #"{"email":"seat3@example.com","role":"owner"}"#).text == Self.outcome("seat3@example.com", "user", "already_invited"))
        // Revoking an invite frees its seat; removing a member frees one too.
        #expect(Self.remove(app, "?email=seat3@example.com").status == .noContent)
        #expect(Self.invite(app, #"{"email":"one.too.many@example.com"}"#).text == Self.outcome("one.too.many@example.com", "user", "invited"))
        #expect(Self.invite(app, #"{"email":"and.another@example.com"}"#).text.contains(#""status":"error""#))
        #expect(Self.remove(app, "?email=diegod@example.com").status == .noContent)
        #expect(Self.invite(app, #"{"email":"and.another@example.com"}"#).text == Self.outcome("and.another@example.com", "user", "invited"))
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 160)
    }

    @Test func prefixedPathAndFaults_reachInvite() throws {
        let app = try makeApp()
        #expect(Self.invite(app, #"{"email":"p@example.com"}"#, prefix: "/factory").text == Self.outcome("p@example.com", "user", "invited"))
        #expect(Self.invite(app, #"{"email":"p@example.com"}"#).text == Self.outcome("p@example.com", "user", "already_invited"))
        let faulted = app.handle(HTTPRequest(method: "POST", target: "/api/v0/organization/users/invite?__status=500",
                                             headers: ["Authorization": Self.admin], body: Array(#"{"email":"q@example.com"}"#.utf8)))
        #expect(faulted.text == Self.envelope(500, "Internal Server Error", "Internal server error"))
        #expect(try !Self.inviteEmails(app).contains("q@example.com"))
    }

    // MARK: - Invite errors

    @Test(arguments: [
        ("", Failure.invalidJSONDetail), ("{", Failure.invalidJSONDetail), ("email=a@example.com", Failure.invalidJSONDetail),
        ("[]", Failure.bodyNotObjectDetail), (#""a@example.com""#, Failure.bodyNotObjectDetail), ("null", Failure.bodyNotObjectDetail),
        ("{}", Failure.missingEmailDetail), (#"{"role":"user"}"#, Failure.missingEmailDetail), (#"{"Email":"a@example.com"}"#, Failure.missingEmailDetail),
        (#"{"email":null}"#, Failure.emailNotStringDetail), (#"{"email":42}"#, Failure.emailNotStringDetail),
        (#"{"email":["a@example.com"]}"#, Failure.emailNotStringDetail),
        (#"{"email":""}"#, Failure.invalidEmailDetail), (#"{"email":"not-an-email"}"#, Failure.invalidEmailDetail),
        (#"{"email":"a@b"}"#, Failure.invalidEmailDetail), (#"{"email":" a@example.com"}"#, Failure.invalidEmailDetail),
        (#"{"email":"a@@example.com"}"#, Failure.invalidEmailDetail), (#"{"email":"a..b@example.com"}"#, Failure.invalidEmailDetail),
        // The last of a repeated key wins, as with JSON.parse.
        (#"{"email":"a@example.com","email":"nope"}"#, Failure.invalidEmailDetail),
        (#"{"email":"a@example.com","role":"admin"}"#, Failure.invalidRoleDetail), (#"{"email":"a@example.com","role":"User"}"#, Failure.invalidRoleDetail),
        (#"{"email":"a@example.com","role":null}"#, Failure.invalidRoleDetail), (#"{"email":"a@example.com","role":1}"#, Failure.invalidRoleDetail),
        (#"{"email":"a@example.com","role":""}"#, Failure.invalidRoleDetail),
        // Email is checked before role.
        (#"{"email":"bad","role":"bad"}"#, Failure.invalidEmailDetail),
    ])
    func badInviteBody_isA400_andChangesNothing(body: String, detail: String) throws {
        let app = try makeApp()
        let summary = try Self.summary(app)
        let response = Self.invite(app, body)
        #expect(response.status == .badRequest)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text == Self.envelope(400, "Bad Request", detail))
        #expect(try Self.summary(app) == summary)
        #expect(try Self.listed(app).count == 146)
    }

    @Test func unknownMembersAreIgnored_andTheLastRepeatedKeyWins() throws {
        let app = try makeApp()
        #expect(Self.invite(app, #"{"email":"x@example.com","name":"X","role":"manager","extra":{"a":[1]}}"#).text
            == Self.outcome("x@example.com", "manager", "invited"))
        #expect(Self.invite(app, #"{"email":"nope","email":"y@example.com","role":"user","role":"owner"}"#).text
            == Self.outcome("y@example.com", "owner", "invited"))
    }

    @Test func writesNeedAnAdminKey_andAuthComesBeforeValidation() throws {
        let app = try makeApp()
        let summary = try Self.summary(app)
        let unauthorized = Self.envelope(401, "Unauthorized", Failure.unauthorizedDetail)
        let forbidden = Self.envelope(403, "Forbidden", Failure.forbiddenDetail)
        for authorization in [nil, "", "Bearer", "Basic factory-test-key", "Bearer factory-wrong-key"] as [String?] {
            #expect(Self.invite(app, #"{"email":"z@example.com"}"#, authorization: authorization).text == unauthorized)
            #expect(Self.invite(app, "{", authorization: authorization).status == .unauthorized)
            #expect(Self.remove(app, "?email=inesh@example.org", authorization: authorization).text == unauthorized)
            #expect(Self.remove(app, "", authorization: authorization).status == .unauthorized)
        }
        let invite = Self.invite(app, #"{"email":"z@example.com"}"#, authorization: Self.member)
        #expect(invite.status == .forbidden)
        #expect(invite.text == forbidden)
        #expect(Self.invite(app, "{", authorization: Self.member).text == forbidden)
        let remove = Self.remove(app, "?email=inesh@example.org", authorization: Self.member)
        #expect(remove.status == .forbidden)
        #expect(remove.text == forbidden)
        #expect(Self.remove(app, "?email=bad", authorization: Self.member).text == forbidden)
        #expect(try Self.summary(app) == summary)
        #expect(try Self.emails(app).contains("inesh@example.org"))
    }

    // MARK: - Remove

    @Test func removingAMember_isA204_andTheUserIsGoneEverywhere() throws {
        let app = try makeApp()
        let before = try Self.listed(app)
        let response = Self.remove(app, "?email=inesh@example.org")
        #expect(response.status == .noContent)
        #expect(response.body.isEmpty)
        #expect(response.headers["Content-Type"] == nil)
        #expect(try Self.listed(app) == before.filter { $0["email"] != .string("inesh@example.org") })
        #expect(app.handle(.make("/__admin/vendors/factory/users/user_01EWCF5PWM999F42Y9WWX6FT0H")).status == .notFound)
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 150)
        #expect(try Self.summary(app)["userCount"]?.intValue == 145)
        // Gone: a second removal is a 404, and inviting the email again is a new invite.
        #expect(Self.remove(app, "?email=inesh@example.org").text == Self.envelope(404, "Not Found", Failure.userNotFoundDetail))
        #expect(Self.invite(app, #"{"email":"inesh@example.org"}"#).text == Self.outcome("inesh@example.org", "user", "invited"))
    }

    @Test func removingAPendingInvite_revokesIt() throws {
        let app = try makeApp()
        let before = try Self.listed(app)
        #expect(Self.remove(app, "?email=felipe.kang@example.com").status == .noContent)
        #expect(try Self.inviteEmails(app) == Self.seededInvites.filter { $0 != "felipe.kang@example.com" })
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 150)
        #expect(try Self.listed(app) == before)
        // Invited afresh, with the role now asked for.
        #expect(Self.invite(app, #"{"email":"felipe.kang@example.com","role":"owner"}"#).text
            == Self.outcome("felipe.kang@example.com", "owner", "invited"))
    }

    @Test func removedMemberWithAnUpdatedRole_comesBackAsANewInvite() throws {
        let app = try makeApp()
        #expect(Self.invite(app, #"{"email":"inesh@example.org","role":"owner"}"#).text.contains("role_updated"))
        #expect(Self.remove(app, "?email=inesh@example.org").status == .noContent)
        #expect(try Self.summary(app)["memberRoles"]?["owner"]?.intValue == 2)
    }

    @Test(arguments: [
        ("", Failure.missingEmailQueryDetail), ("?emails=inesh@example.org", Failure.missingEmailQueryDetail),
        ("?email=", Failure.invalidEmailDetail), ("?email=inesh", Failure.invalidEmailDetail),
        ("?email=inesh@", Failure.invalidEmailDetail), ("?email=%20inesh@example.org", Failure.invalidEmailDetail),
        // `+` in a query is a space (HTML forms); a literal plus must be sent as %2B.
        ("?email=a+b@example.org", Failure.invalidEmailDetail),
        // A repeated parameter: the first wins.
        ("?email=bad&email=inesh@example.org", Failure.invalidEmailDetail),
    ])
    func badRemoveQuery_isA400_andChangesNothing(query: String, detail: String) throws {
        let app = try makeApp()
        let response = Self.remove(app, query)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.envelope(400, "Bad Request", detail))
        #expect(try Self.listed(app).count == 146)
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 151)
    }

    @Test func removingAnUnknownEmail_isA404() throws {
        let app = try makeApp()
        for email in ["nobody@example.com", "inesh@example.net", "a%2Bb@example.org"] {
            let response = Self.remove(app, "?email=\(email)")
            #expect(response.status == .notFound)
            #expect(response.text == Self.envelope(404, "Not Found", Failure.userNotFoundDetail))
        }
        #expect(try Self.summary(app)["seatsUsed"]?.intValue == 151)
    }

    @Test func cursorsKeepWorkingAcrossRemoves() throws {
        let app = try makeApp()
        let all = try Self.listed(app).compactMap { $0["email"]?.stringValue }
        let first = try app.handle(.make("/api/v0/organization/users?limit=5", authorization: Self.admin)).json()
        let cursor = try #require(first["pagination"]?["nextCursor"]?.stringValue)
        // The user the cursor names, the next one and an earlier one are removed through the API.
        for email in [all[4], all[5], all[1]] { #expect(Self.remove(app, "?email=\(email)").status == .noContent) }
        let next = try app.handle(.make("/api/v0/organization/users?limit=5&cursor=\(cursor)", authorization: Self.admin)).json()
        #expect(try #require(next["users"]?.arrayValue).compactMap { $0["email"]?.stringValue } == Array(all[6...10]))
    }

    // MARK: - Reset

    @Test func reset_restoresMembersInvitesRolesAndSeats() throws {
        let app = try makeApp()
        let users = try Self.listed(app)
        let summary = try Self.summary(app)
        _ = Self.invite(app, #"{"email":"n1@example.com"}"#)
        _ = Self.invite(app, #"{"email":"inesh@example.org","role":"owner"}"#)
        _ = Self.remove(app, "?email=ayesha.abara@example.org")
        _ = Self.remove(app, "?email=carlosl@example.com")
        #expect(try Self.summary(app) != summary)
        #expect(app.handle(.make("/__admin/reset", method: "POST")).status == .ok)
        #expect(try Self.listed(app) == users)
        #expect(try Self.summary(app) == summary)
        #expect(Self.invite(app, #"{"email":"inesh@example.org"}"#).text == Self.outcome("inesh@example.org", "user", "already_member"))
        #expect(Self.invite(app, #"{"email":"carlosl@example.com"}"#).text.contains("already_invited"))
    }

    // MARK: - Admin summary

    @Test func adminSummary_showsSeatsInvitesAndRoles() throws {
        let summary = try Self.summary(try makeApp())
        #expect(summary["seatLimit"]?.intValue == 160)
        #expect(summary["seatsUsed"]?.intValue == 151)
        let invites = try #require(summary["invites"]?.arrayValue)
        #expect(invites.first == .object([("email", .string("carlosl@example.com")), ("role", .string("user")), ("createdAt", .string("2025-11-30T13:07:48.426Z"))]))
        #expect(invites.compactMap { $0["role"]?.stringValue } == ["user", "user", "manager", "user", "owner"])
        let operations = try #require(summary["operations"]?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(operations == ["listOrganizationUsers", "inviteUser", "removeUser"])
    }
}
