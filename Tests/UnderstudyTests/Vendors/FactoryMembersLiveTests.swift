import Testing
import TestSupport
@testable import Understudy

/// inviteUser and removeUser over a real socket: every outcome and every error, each write followed by a list.
@Suite(.serialized)
struct FactoryMembersLiveTests {
    typealias Members = FactoryMembersTests
    typealias Failure = Factory.Failure
    static let admin = ("Authorization", FactoryMembersTests.admin)
    static let member = ("Authorization", FactoryMembersTests.member)
    static let json = ("Content-Type", "application/json")

    static func invite(_ server: UnderstudyServer, _ body: String, auth: (String, String)? = admin) throws -> RawClient.Response {
        try send(server, "POST /api/v0/organization/users/invite", headers: [auth, json].compactMap { $0 }, body: body)
    }

    static func remove(_ server: UnderstudyServer, _ query: String, auth: (String, String)? = admin) throws -> RawClient.Response {
        try send(server, "DELETE /api/v0/organization/users\(query)", headers: [auth].compactMap { $0 })
    }

    /// Every email of the list, walked at the maximum page size over the socket.
    static func listedEmails(_ server: UnderstudyServer) throws -> [String] {
        var emails: [String] = []
        var cursor: String?
        repeat {
            let page = try JSONValue.parse(try send(server, "/api/v0/organization/users?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""), headers: [admin]).text)
            emails += try #require(page["users"]?.arrayValue).compactMap { $0["email"]?.stringValue }
            cursor = page["pagination"]?["nextCursor"]?.stringValue
        } while cursor != nil
        return emails
    }

    static func summary(_ server: UnderstudyServer) throws -> JSONValue {
        let vendors = try JSONValue.parse(try send(server, "/__admin/vendors").text)
        return try #require(vendors["vendors"]?.arrayValue?.first { $0["id"]?.stringValue == "factory" })
    }

    @Test func everyInviteOutcome_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let members = try Self.listedEmails(server)
        let cases: [(String, String)] = [
            (#"{"email":"wire@example.com"}"#, Members.outcome("wire@example.com", "user", "invited")),
            (#"{"email":"inesh@example.org","role":"user"}"#, Members.outcome("inesh@example.org", "user", "already_member")),
            (#"{"email":"inesh@example.org","role":"owner"}"#, Members.outcome("inesh@example.org", "owner", "role_updated")),
            (#"{"email":"inesh@example.org","role":"owner"}"#, Members.outcome("inesh@example.org", "owner", "already_member")),
            (#"{"email":"felipe.kang@example.com","role":"user"}"#, Members.outcome("felipe.kang@example.com", "manager", "already_invited")),
            (#"{"email":"WIRE@example.com","role":"owner"}"#, Members.outcome("WIRE@example.com", "user", "already_invited")),
        ]
        for (body, expected) in cases {
            let response = try Self.invite(server, body)
            #expect(response.status == 200, "\(body)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == expected, "\(body)")
            // Invites and role changes never change the member list.
            #expect(try Self.listedEmails(server) == members)
        }
        // Fill the remaining 8 seats (151 + wire@ = 152 of 160), then the seat limit answers 200 "error".
        for number in 1...8 { #expect(try Self.invite(server, #"{"email":"w\#(number)@example.com"}"#).text.contains(#""invited""#)) }
        let full = try Self.invite(server, #"{"email":"late@example.com"}"#)
        #expect(full.status == 200)
        #expect(full.text == #"{"email":"late@example.com","role":"user","status":"error","error":"\#(Failure.seatLimitMessage(seats: 160))"}"#)
        #expect(try Self.summary(server)["seatsUsed"]?.intValue == 160)
        #expect(try Self.listedEmails(server) == members)
        await server.stop()
    }

    @Test func everyInviteError_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let members = try Self.listedEmails(server)
        let cases: [(String, (String, String)?, Int, String)] = [
            ("{", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidJSONDetail)),
            ("", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidJSONDetail)),
            ("[1]", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.bodyNotObjectDetail)),
            (#"{"role":"user"}"#, Self.admin, 400, Members.envelope(400, "Bad Request", Failure.missingEmailDetail)),
            (#"{"email":7}"#, Self.admin, 400, Members.envelope(400, "Bad Request", Failure.emailNotStringDetail)),
            (#"{"email":"nope"}"#, Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidEmailDetail)),
            (#"{"email":"a@example.com","role":"admin"}"#, Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidRoleDetail)),
            (#"{"email":"a@example.com"}"#, nil, 401, Members.envelope(401, "Unauthorized", Failure.unauthorizedDetail)),
            (#"{"email":"a@example.com"}"#, ("Authorization", "Bearer fk-unknown"), 401, Members.envelope(401, "Unauthorized", Failure.unauthorizedDetail)),
            (#"{"email":"a@example.com"}"#, Self.member, 403, Members.envelope(403, "Forbidden", Failure.forbiddenDetail)),
        ]
        for (body, auth, status, expected) in cases {
            let response = try Self.invite(server, body, auth: auth)
            #expect(response.status == status, "\(body)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == expected, "\(body)")
        }
        #expect(try Self.listedEmails(server) == members)
        #expect(try Self.summary(server)["seatsUsed"]?.intValue == 151)
        await server.stop()
    }

    @Test func removeMemberAndInvite_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let members = try Self.listedEmails(server)
        let removed = try Self.remove(server, "?email=inesh@example.org")
        #expect(removed.status == 204)
        #expect(removed.body.isEmpty)
        #expect(try Self.listedEmails(server) == members.filter { $0 != "inesh@example.org" })
        let revoked = try Self.remove(server, "?email=felipe.kang@example.com")
        #expect(revoked.status == 204)
        #expect(try Self.summary(server)["invites"]?.arrayValue?.contains { $0["email"] == .string("felipe.kang@example.com") } == false)
        #expect(try Self.summary(server)["seatsUsed"]?.intValue == 149)
        // Prefixed path, percent-encoded plus-free email, different case.
        #expect(try send(server, "DELETE /factory/api/v0/organization/users?email=Diegod%40Example.com", headers: [Self.admin]).status == 204)
        #expect(try Self.listedEmails(server) == members.filter { $0 != "inesh@example.org" && $0 != "diegod@example.com" })
        // Reset restores everything.
        #expect(try send(server, "POST /__admin/reset").status == 200)
        #expect(try Self.listedEmails(server) == members)
        #expect(try Self.summary(server)["seatsUsed"]?.intValue == 151)
        await server.stop()
    }

    @Test func everyRemoveError_overTheWire() async throws {
        let server = try UnderstudyServer.start()
        let members = try Self.listedEmails(server)
        let cases: [(String, (String, String)?, Int, String)] = [
            ("", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.missingEmailQueryDetail)),
            ("?email=", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidEmailDetail)),
            ("?email=inesh", Self.admin, 400, Members.envelope(400, "Bad Request", Failure.invalidEmailDetail)),
            ("?email=nobody@example.com", Self.admin, 404, Members.envelope(404, "Not Found", Failure.userNotFoundDetail)),
            ("?email=inesh@example.org", nil, 401, Members.envelope(401, "Unauthorized", Failure.unauthorizedDetail)),
            ("?email=inesh@example.org", Self.member, 403, Members.envelope(403, "Forbidden", Failure.forbiddenDetail)),
        ]
        for (query, auth, status, expected) in cases {
            let response = try Self.remove(server, query, auth: auth)
            #expect(response.status == status, "\(query)")
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.text == expected, "\(query)")
        }
        #expect(try Self.listedEmails(server) == members)
        await server.stop()
    }

    @Test func generatedUsers_inviteAndRemoveOverTheWire() async throws {
        let server = try UnderstudyServer.start(.init(generation: UserGeneration(counts: ["factory": 1_000_000], seed: 3)))
        let page = try JSONValue.parse(try send(server, "/api/v0/organization/users?limit=3", headers: [Self.admin]).text)
        let emails = try #require(page["users"]?.arrayValue).compactMap { $0["email"]?.stringValue }
        let cursor = try #require(page["pagination"]?["nextCursor"]?.stringValue)
        #expect(try Self.invite(server, #"{"email":"\#(emails[2])"}"#).text == Members.outcome(emails[2], "user", "role_updated"))
        #expect(try Self.remove(server, "?email=\(emails[2])").status == 204)
        #expect(try Self.remove(server, "?email=\(emails[1])").status == 204)
        let next = try JSONValue.parse(try send(server, "/api/v0/organization/users?limit=2", headers: [Self.admin]).text)
        #expect(try #require(next["users"]?.arrayValue).first?["email"] == .string(emails[0]))
        #expect(try #require(next["users"]?.arrayValue).count == 2)
        #expect(!emails.contains(try #require(next["users"]?.arrayValue?[1]["email"]?.stringValue)))
        // The cursor naming the removed user still resumes.
        #expect(try send(server, "/api/v0/organization/users?limit=2&cursor=\(cursor)", headers: [Self.admin]).status == 200)
        #expect(try Self.summary(server)["userCount"]?.intValue == 999_998)
        await server.stop()
    }
}
