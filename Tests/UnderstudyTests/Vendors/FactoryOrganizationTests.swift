import HTTPCore
import Testing
@testable import Understudy

/// Factory's organization state: generated populations, seed validation, the email rule and role counting.
struct FactoryOrganizationTests {
    typealias Members = FactoryMembersTests

    static func generatedApp(_ count: Int) throws -> UnderstudyApp {
        try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["factory": count], seed: 7)))
    }

    static func page(_ app: UnderstudyApp, _ query: String) throws -> JSONValue {
        try app.handle(.make("/api/v0/organization/users\(query)", authorization: Members.admin)).json()
    }

    static func emails(_ page: JSONValue) throws -> [String] {
        try #require(page["users"]?.arrayValue).compactMap { $0["email"]?.stringValue }
    }

    // MARK: - Generated users

    @Test func generatedMillion_inviteAndRemoveWithoutBuildingThePopulation() throws {
        let app = try Self.generatedApp(1_000_000)
        let summary = try Members.summary(app)
        // The seeds' 9 free seats stay free: 160 - 146 + 1 000 000.
        #expect(summary["seatLimit"]?.intValue == 1_000_014)
        #expect(summary["seatsUsed"]?.intValue == 1_000_005)
        #expect(summary["memberRoles"] == .object([("owner", .number(1000, text: "1000")), ("manager", .number(60_000, text: "60000")),
                                                   ("user", .number(939_000, text: "939000"))]))
        let first = try Self.page(app, "?limit=8")
        let emails = try Self.emails(first)
        // Generated user 0 is an owner, 1…6 managers, 7 a user.
        #expect(Members.invite(app, #"{"email":"\#(emails[0])","role":"owner"}"#).text == Members.outcome(emails[0], "owner", "already_member"))
        #expect(Members.invite(app, #"{"email":"\#(emails[1])","role":"manager"}"#).text == Members.outcome(emails[1], "manager", "already_member"))
        #expect(Members.invite(app, #"{"email":"\#(emails[7].uppercased())"}"#).text == Members.outcome(emails[7].uppercased(), "user", "already_member"))
        #expect(Members.invite(app, #"{"email":"\#(emails[7])","role":"manager"}"#).text == Members.outcome(emails[7], "manager", "role_updated"))
        #expect(Members.invite(app, #"{"email":"\#(emails[7])","role":"manager"}"#).text == Members.outcome(emails[7], "manager", "already_member"))
        // A generated-looking email that is not a member is a new invite.
        let stranger = "zz" + emails[3]
        #expect(Members.invite(app, #"{"email":"\#(stranger)"}"#).text == Members.outcome(stranger, "user", "invited"))
        // Remove generated users 1 (manager) and 7 (updated to manager): tombstones; the list and cursors go on.
        #expect(Members.remove(app, "?email=\(emails[1])").status == .noContent)
        #expect(Members.remove(app, "?email=\(emails[7])").status == .noContent)
        #expect(Members.remove(app, "?email=\(emails[7])").status == .notFound)
        #expect(try Self.emails(Self.page(app, "?limit=6")) == [emails[0]] + emails[2...6])
        let cursor = try #require(first["pagination"]?["nextCursor"]?.stringValue)
        // The first page's cursor names the removed user 7: it resumes at user 8.
        let resumed = try Self.emails(Self.page(app, "?limit=1&cursor=\(cursor)"))
        #expect(resumed.count == 1 && !emails.contains(resumed[0]))
        let after = try Members.summary(app)
        #expect(after["userCount"]?.intValue == 999_998)
        #expect(after["seatsUsed"]?.intValue == 999_998 + 6)
        #expect(after["memberRoles"] == .object([("owner", .number(1000, text: "1000")), ("manager", .number(59_999, text: "59999")),
                                                 ("user", .number(938_999, text: "938999"))]))
        // Reset brings the population, roles and invites back.
        _ = app.handle(.make("/__admin/reset", method: "POST"))
        #expect(try Members.summary(app) == summary)
        #expect(Members.invite(app, #"{"email":"\#(emails[7])"}"#).text == Members.outcome(emails[7], "user", "already_member"))
    }

    @Test func generatedPopulation_seatLimitCountsGeneratedMembers() throws {
        let app = try Self.generatedApp(20)
        #expect(try Members.summary(app)["seatLimit"]?.intValue == 34)
        for number in 1...9 { #expect(Members.invite(app, #"{"email":"g\#(number)@example.com"}"#).text.contains("invited")) }
        #expect(Members.invite(app, #"{"email":"g10@example.com"}"#).text.contains(#""status":"error""#))
        let victim = try Self.emails(Self.page(app, "?limit=3"))[2]
        #expect(Members.remove(app, "?email=\(victim)").status == .noContent)
        #expect(Members.invite(app, #"{"email":"g10@example.com"}"#).text.contains(#""status":"invited""#))
    }

    @Test(arguments: [0, 1, 2, 6, 7, 8, 99, 100, 101, 107, 999, 1000, 1001, 12_345])
    func generatedRoleCounts_matchCountingOneByOne(count: Int) {
        var expected: [Factory.Role: Int] = [.owner: 0, .manager: 0, .user: 0]
        for number in 0..<count { expected[Factory.generatedRole(number), default: 0] += 1 }
        #expect(Factory.generatedRoleCounts(count) == expected)
    }

    @Test func roleCounts_followAdminChangesToGeneratedAndExplicitUsers() throws {
        let app = try Self.generatedApp(150)
        let store = try #require(app.store(for: "factory"))
        let emails = try Self.emails(Self.page(app, "?limit=3"))
        // Owner 0 made a user through the API, then deleted through the admin API: its override must not count.
        _ = Members.invite(app, #"{"email":"\#(emails[0])","role":"user"}"#)
        let ownerID = try #require(store.snapshot().users.first?.id)
        #expect(app.handle(.make("/__admin/vendors/factory/users/\(ownerID)", method: "DELETE")).status == .noContent)
        // An added explicit user is a plain user, and can be promoted.
        var request = HTTPRequest(method: "POST", target: "/__admin/vendors/factory/users", body: Array(#"{"email":"added@example.com"}"#.utf8))
        request.headers = ["Host": "127.0.0.1"]
        #expect(app.handle(request).status == .created)
        #expect(Members.invite(app, #"{"email":"added@example.com","role":"manager"}"#).text.contains("role_updated"))
        // 150 generated: owners {0, …} = 1, managers 1…6 + 101…106 = 12, users 137; minus owner 0; plus a manager.
        #expect(try Members.summary(app)["memberRoles"] == .object([("owner", .number(0, text: "0")), ("manager", .number(13, text: "13")),
                                                                    ("user", .number(137, text: "137"))]))
    }

    // MARK: - Seeds

    static func seed(replacing key: String, with value: String) throws -> String {
        var root = try JSONValue.parse(EmbeddedData.seed("factory")!)
        guard case .object(var members) = root else { return "" }
        members.removeAll { $0.0 == key }
        members.append((key, try JSONValue.parse(value)))
        root = .object(members)
        var writer = JSONWriter()
        writer.value(root)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test(arguments: [
        ("seatLimit", "-1", "$.seatLimit"), ("seatLimit", #""160""#, "$.seatLimit"), ("seatLimit", "1.5", "$.seatLimit"),
        ("memberRoles", "[]", "$.memberRoles"),
        ("memberRoles", #"{"user_01ZZZZZZZZZZZZZZZZZZZZZZZZ":"owner"}"#, "$.memberRoles.user_01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
        ("memberRoles", #"{"user_01EVVCH23QNJR0W166M62D7ZC2":"admin"}"#, "$.memberRoles.user_01EVVCH23QNJR0W166M62D7ZC2"),
        ("invites", "{}", "$.invites"),
        ("invites", #"[{"email":"x@example.com","role":"user"}]"#, "$.invites[0].createdAt"),
        ("invites", #"[{"email":"x","role":"user","createdAt":"2025-01-01T00:00:00.000Z"}]"#, "$.invites[0].email"),
        ("invites", #"[{"email":"x@example.com","role":"guest","createdAt":"2025-01-01T00:00:00.000Z"}]"#, "$.invites[0].role"),
        ("invites", #"[{"email":"x@example.com","role":"user","createdAt":"2025-01-01T00:00:00Z"}]"#, "$.invites[0].createdAt"),
        ("invites", #"[{"email":"x@example.com","role":"user","createdAt":"2025-01-01T00:00:00.000Z","id":"i"}]"#, "$.invites[0].id"),
        ("invites", #"[{"email":"Inesh@example.org","role":"user","createdAt":"2025-01-01T00:00:00.000Z"}]"#, "$.invites[0].email"),
        ("invites", #"[{"email":"x@example.com","role":"user","createdAt":"2025-01-01T00:00:00.000Z"},{"email":"X@example.com","role":"user","createdAt":"2025-01-01T00:00:00.000Z"}]"#, "$.invites[1].email"),
    ])
    func badOrganizationSeeds_areRejectedWithTheirPath(key: String, value: String, path: String) throws {
        let seed = try VendorSeed.read(try Self.seed(replacing: key, with: value), file: "factory.json", vendor: Factory())
        #expect(throws: SeedError.self) { try Factory().makeState(seed: seed, context: VendorContext()) }
        do {
            _ = try Factory().makeState(seed: seed, context: VendorContext())
        } catch {
            #expect(error.path == path)
        }
    }

    @Test func organizationSeedKeysAreOptional() throws {
        var root = try JSONValue.parse(EmbeddedData.seed("factory")!)
        guard case .object(let members) = root else { return }
        root = .object(members.filter { !["seatLimit", "memberRoles", "invites"].contains($0.0) })
        var writer = JSONWriter()
        writer.value(root)
        let seed = try VendorSeed.read(String(decoding: writer.bytes, as: UTF8.self), file: "factory.json", vendor: Factory())
        let state = try #require(try Factory().makeState(seed: seed, context: VendorContext()) as? FactoryState)
        let store = UserStore(users: seed.users)
        // No limit: invites always go through; every member is a plain user.
        #expect(state.seatLimit(for: store.snapshot()) == nil)
        #expect(state.invite(email: "a@example.com", role: .user, store: store, createdAt: "2026-01-01T00:00:00.000Z").status == .invited)
        #expect(state.roleCounts(users: store.snapshot(), roles: state.current.roles) == [.owner: 0, .manager: 0, .user: 146])
    }

    // MARK: - Email rule

    @Test(arguments: [
        "a@example.com", "A.B-c_d+tag@sub.example.co.uk", "x@example.xn--p1ai", "0@a.io", "!#$%&'*+-/=?^_`{|}~@example.com",
        "a@a-b.example", String(repeating: "l", count: 64) + "@example.com",
    ])
    func emailAddresses_areAccepted(email: String) {
        #expect(Factory.isEmailAddress(email))
    }

    @Test(arguments: [
        "", "a", "@example.com", "a@", "a@example", "a@@example.com", "a@b@example.com", ".a@example.com", "a.@example.com",
        "a..b@example.com", "a b@example.com", "a@exa mple.com", "a@-example.com", "a@example-.com", "a@example..com",
        "a@example.com.", "a@10.0.0.1", "a@[10.0.0.1]", "\"a\"@example.com", "ä@example.com", "a@exämple.com", "a\n@example.com",
        String(repeating: "l", count: 65) + "@example.com", "a@" + String(repeating: "d", count: 64) + ".com",
        "a@" + Array(repeating: String(repeating: "d", count: 60), count: 5).joined(separator: ".") + ".com",
    ])
    func nonEmailAddresses_areRefused(email: String) {
        #expect(!Factory.isEmailAddress(email))
    }
}
