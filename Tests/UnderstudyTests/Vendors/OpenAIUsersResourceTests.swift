import HTTPCore
import Testing
@testable import Understudy

/// Helpers shared by the in-process and live tests of OpenAI's users resource.
enum OpenAIFixture {
    static let admin = "Bearer sk-admin-understudy-test"
    static let project = "Bearer sk-proj-understudy-test"
    static let users = "/v1/organization/users"
    static let owner = "role_01HV9T0WNER0"
    static let reader = "role_01HV9TREADER0"
    static let groupManager = "role_01J1F8ROLE01"
    static let usageViewer = "role_01J3QK7USAGE2"
    static let keyRotator = "role_01J5ZM2KEYS03"
    typealias Failure = OpenAIAdmin.Failure

    static func call(
        _ app: UnderstudyApp, _ method: String, _ target: String, body: String? = nil, authorization: String? = admin
    ) -> HTTPResponse {
        var request = HTTPRequest.make(target, authorization: authorization, method: method)
        if let body { request.body = Array(body.utf8) }
        return app.handle(request)
    }

    static func seedUsers(_ app: UnderstudyApp) -> [JSONValue] { app.seed(for: "openai")!.users.map(\.document) }

    static func envelope(_ message: String, param: String? = nil, code: String? = nil) -> String {
        let quotedParam = param.map { #""\#($0)""# } ?? "null"
        let quotedCode = code.map { #""\#($0)""# } ?? "null"
        var writer = JSONWriter()
        writer.string(message)
        return #"{"error":{"message":"# + String(decoding: writer.bytes, as: UTF8.self) + #","type":"invalid_request_error","param":\#(quotedParam),"code":\#(quotedCode)}}"#
    }

    /// Every user id of the whole list, walked with the SDK's protocol.
    static func listedIDs(_ app: UnderstudyApp) throws -> [String] {
        var ids: [String] = []
        var after = ""
        while true {
            let page = try call(app, "GET", "\(users)?limit=100\(after.isEmpty ? "" : "&after=\(after)")").json()
            ids += (page["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            guard page["has_more"]?.boolValue == true, let last = page["last_id"]?.stringValue else { return ids }
            after = last
        }
    }

    static func assignedRoleIDs(_ app: UnderstudyApp, _ userID: String, _ query: String = "") throws -> [String] {
        let page = try call(app, "GET", "\(users)/\(userID)/roles\(query)").json()
        return (page["data"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    /// Error cases of every operation: request, body, credential, status and exact body.
    /// A seeded user `U` (the first) and a role not assigned to it are filled in by `cases(_:)`.
    static func errorCases(_ app: UnderstudyApp) -> [(String, String, String?, String?, Int, String)] {
        let seeds = seedUsers(app)
        let first = seeds[0]["id"]!.stringValue!
        let base = "\(users)/\(first)"
        let missingKey = envelope(Failure.missingKeyMessage)
        let readDenied = envelope(Failure.permissionMessage(scope: Failure.readScope))
        let writeDenied = envelope(Failure.permissionMessage(scope: Failure.writeScope))
        var cases: [(String, String, String?, String?, Int, String)] = []
        let operations: [(String, String, String?)] = [
            ("GET", base, nil), ("POST", base, "{}"), ("DELETE", base, nil),
            ("GET", "\(base)/roles", nil), ("POST", "\(base)/roles", #"{"role_id":"\#(groupManager)"}"#),
            ("GET", "\(base)/roles/\(usageViewer)", nil), ("DELETE", "\(base)/roles/\(usageViewer)", nil),
        ]
        for (method, path, body) in operations {
            cases.append((method, path, body, project, 403, method == "GET" ? readDenied : writeDenied))
            cases.append((method, path, body, nil, 401, missingKey))
            let unknown = path.replacingOccurrences(of: first, with: "user-doesnotexist")
            cases.append((method, unknown, body, admin, 404, envelope(Failure.userNotFoundMessage("user-doesnotexist"))))
        }
        let notJSON = envelope(Failure.invalidJSONMessage)
        cases += [
            ("POST", base, "{nope", admin, 400, notJSON),
            ("POST", base, "[]", admin, 400, envelope("Invalid type for body: expected an object, but got an array instead.", code: "invalid_type")),
            ("POST", base, #"{"role":5}"#, admin, 400, envelope("Invalid type for 'role': expected a string, but got an integer instead.", param: "role", code: "invalid_type")),
            ("POST", base, #"{"role":"admin"}"#, admin, 400, envelope("Invalid value: 'admin'. Supported values are: 'owner' and 'reader'.", param: "role", code: "invalid_value")),
            ("POST", base, #"{"role_id":true}"#, admin, 400, envelope("Invalid type for 'role_id': expected a string, but got a boolean instead.", param: "role_id", code: "invalid_type")),
            ("POST", base, #"{"role_id":"role_nope"}"#, admin, 400, envelope(Failure.roleNotFoundMessage("role_nope"), param: "role_id")),
            ("POST", base, #"{"technical_level":[1]}"#, admin, 400, envelope("Invalid type for 'technical_level': expected a string, but got an array instead.", param: "technical_level", code: "invalid_type")),
            ("POST", base, #"{"developer_persona":{}}"#, admin, 400, envelope("Invalid type for 'developer_persona': expected a string, but got an object instead.", param: "developer_persona", code: "invalid_type")),
            ("GET", "\(base)/roles?limit=1001", nil, admin, 400, envelope("Invalid 'limit': integer above maximum value. Expected a value <= 1000, but got 1001 instead.", param: "limit", code: "integer_above_max_value")),
            ("GET", "\(base)/roles?limit=-1", nil, admin, 400, envelope("Invalid 'limit': integer below minimum value. Expected a value >= 0, but got -1 instead.", param: "limit", code: "integer_below_min_value")),
            ("GET", "\(base)/roles?limit=ten", nil, admin, 400, envelope("Invalid type for 'limit': expected an integer, but got a string instead.", param: "limit", code: "invalid_type")),
            ("GET", "\(base)/roles?order=sideways", nil, admin, 400, envelope("Invalid value: 'sideways'. Supported values are: 'asc' and 'desc'.", param: "order", code: "invalid_value")),
            ("GET", "\(base)/roles?after=\(groupManager)", nil, admin, 400, envelope("Invalid 'after': no role with ID '\(groupManager)' was ever assigned to this user.", param: "after")),
            ("POST", "\(base)/roles", "{}", admin, 400, envelope("Missing required parameter: 'role_id'.", param: "role_id", code: "missing_required_parameter")),
            ("POST", "\(base)/roles", "nope", admin, 400, notJSON),
            ("POST", "\(base)/roles", #"{"role_id":7}"#, admin, 400, envelope("Invalid type for 'role_id': expected a string, but got an integer instead.", param: "role_id", code: "invalid_type")),
            ("POST", "\(base)/roles", #"{"role_id":"role_nope"}"#, admin, 400, envelope(Failure.roleNotFoundMessage("role_nope"), param: "role_id")),
            ("GET", "\(base)/roles/role_nope", nil, admin, 404, envelope(Failure.roleNotFoundMessage("role_nope"))),
            ("GET", "\(base)/roles/\(groupManager)", nil, admin, 404, envelope(Failure.roleNotAssignedMessage(role: groupManager, user: first))),
            ("GET", "\(base)/roles/\(reader)", nil, admin, 404, envelope(Failure.roleNotAssignedMessage(role: reader, user: first))),
            ("DELETE", "\(base)/roles/role_nope", nil, admin, 404, envelope(Failure.roleNotFoundMessage("role_nope"))),
            ("DELETE", "\(base)/roles/\(groupManager)", nil, admin, 404, envelope(Failure.roleNotAssignedMessage(role: groupManager, user: first))),
            ("DELETE", "\(base)/roles/\(reader)", nil, admin, 404, envelope(Failure.roleNotAssignedMessage(role: reader, user: first))),
            ("DELETE", "\(base)/roles/\(owner)", nil, admin, 400, envelope(Failure.baseRoleUnassignMessage(owner), param: "role_id")),
        ]
        return cases
    }
}

struct OpenAIUsersResourceTests {
    typealias F = OpenAIFixture
    typealias Failure = OpenAIAdmin.Failure

    @Test func everyErrorCase_isOpenAIsEnvelopeAndChangesNothing() throws {
        let app = try makeApp()
        let before = try F.listedIDs(app)
        let listBefore = F.call(app, "GET", "\(F.users)?limit=100").body
        let rolesBefore = try F.assignedRoleIDs(app, before[0])
        for (method, path, body, authorization, status, expected) in F.errorCases(app) {
            let response = F.call(app, method, path, body: body, authorization: authorization)
            #expect(response.status.code == status, "\(method) \(path) \(body ?? "")")
            #expect(response.text == expected, "\(method) \(path) \(body ?? "")")
            #expect(response.headers["x-request-id"]?.hasPrefix("req_") == true)
        }
        #expect(try F.listedIDs(app) == before)
        #expect(F.call(app, "GET", "\(F.users)?limit=100").body == listBefore)
        #expect(try F.assignedRoleIDs(app, before[0]) == rolesBefore)
    }

    @Test func retrieve_answersTheListedBytesForEveryUserAndBothPathForms() throws {
        let app = try makeApp()
        for user in app.seed(for: "openai")!.users {
            let response = F.call(app, "GET", "\(F.users)/\(user.id)")
            #expect(response.status == .ok)
            #expect(response.body == user.json)
            #expect(F.call(app, "GET", "/openai\(F.users)/\(user.id)").body == user.json)
        }
    }

    @Test func defaultSeeds_carryThe230FieldsWithNullsAndAMix() throws {
        let users = F.seedUsers(try makeApp())
        #expect(users.allSatisfy { $0.objectValue?.map(\.0) == OpenAIAdmin.userKeys })
        let serviceAccounts = users.filter { $0["is_service_account"]?.boolValue == true }
        #expect(!serviceAccounts.isEmpty && serviceAccounts.allSatisfy { $0["email"] == .null })
        #expect(users.contains { $0["is_scim_managed"]?.boolValue == true })
        #expect(users.contains { $0["name"] == .null })
        #expect(users.contains { $0["role"] == .null })
        #expect(users.contains { $0["projects"]?["data"]?.arrayValue?.first?["role"]?.stringValue == "member" })
    }

    @Test func modify_changesOnlySuppliedKeysAndTheNextListShowsIt() throws {
        let app = try makeApp()
        let user = F.seedUsers(app)[5]
        let id = user["id"]!.stringValue!
        #expect(F.call(app, "POST", "\(F.users)/\(id)", body: "{}").body == user.compactBytes)
        #expect(F.call(app, "POST", "\(F.users)/\(id)", body: "").body == user.compactBytes)
        let response = F.call(app, "POST", "\(F.users)/\(id)", body: #"{"technical_level":"advanced","developer_persona":null,"ignored":1}"#)
        #expect(response.status == .ok)
        let changed = try response.json()
        #expect(changed["technical_level"] == .string("advanced"))
        #expect(changed["developer_persona"] == .null)
        #expect(changed["role"] == user["role"])
        #expect(changed["email"] == user["email"])
        let listed = try F.call(app, "GET", "\(F.users)?limit=10").json()["data"]?.arrayValue?[5]
        #expect(listed == changed)
        #expect(try app.user(id: id, of: "openai") == changed)
    }

    @Test func modify_roleAcceptsOwnerReaderAndMemberAsReader() throws {
        let app = try makeApp()
        let id = F.seedUsers(app)[1]["id"]!.stringValue!
        #expect(try F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role":"owner"}"#).json()["role"] == .string("owner"))
        #expect(try F.assignedRoleIDs(app, id).first == F.owner)
        #expect(try F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role":"member"}"#).json()["role"] == .string("reader"))
        #expect(try F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role":null}"#).json()["role"] == .string("reader"))
        #expect(try F.call(app, "GET", "\(F.users)?limit=2").json()["data"]?.arrayValue?[1]["role"] == .string("reader"))
    }

    @Test func modify_roleIDAssignsCustomRolesAndPredefinedOnesSetTheRole() throws {
        let app = try makeApp()
        let id = F.seedUsers(app)[2]["id"]!.stringValue!
        #expect(try F.assignedRoleIDs(app, id) == [F.reader])
        #expect(F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role_id":"\#(F.groupManager)"}"#).status == .ok)
        #expect(try F.assignedRoleIDs(app, id) == [F.reader, F.groupManager])
        #expect(try F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role":"reader","role_id":"\#(F.owner)"}"#).json()["role"] == .string("owner"))
        #expect(try F.assignedRoleIDs(app, id) == [F.owner, F.groupManager])
    }

    @Test func lastOwner_canBeNeitherDemotedNorDeleted() throws {
        let app = try makeApp()
        let owners = F.seedUsers(app).filter { $0["role"] == .string("owner") }.compactMap { $0["id"]?.stringValue }
        #expect(owners.count > 1)
        for id in owners.dropLast() {
            #expect(F.call(app, "POST", "\(F.users)/\(id)", body: #"{"role":"reader"}"#).status == .ok)
        }
        let last = owners.last!
        let before = F.call(app, "GET", "\(F.users)?limit=100").body
        let demote = F.call(app, "POST", "\(F.users)/\(last)", body: #"{"role":"reader"}"#)
        #expect(demote.status == .badRequest)
        #expect(demote.text == F.envelope(Failure.lastOwnerMessage, param: "role"))
        let viaRole = F.call(app, "POST", "\(F.users)/\(last)/roles", body: #"{"role_id":"\#(F.reader)"}"#)
        #expect(viaRole.text == F.envelope(Failure.lastOwnerMessage, param: "role_id"))
        let delete = F.call(app, "DELETE", "\(F.users)/\(last)")
        #expect(delete.status == .badRequest)
        #expect(delete.text == F.envelope(Failure.lastOwnerMessage))
        #expect(F.call(app, "GET", "\(F.users)?limit=100").body == before)
        // Staying an owner is fine.
        #expect(F.call(app, "POST", "\(F.users)/\(last)", body: #"{"role":"owner"}"#).status == .ok)
    }

    @Test func delete_removesTheUserAndTheirRolesAndCursorsKeepWorking() throws {
        let app = try makeApp()
        let ids = try F.listedIDs(app)
        let victim = ids[0]  // the first owner, with two custom roles
        #expect(try F.assignedRoleIDs(app, victim) == [F.owner, F.usageViewer, F.keyRotator])
        let response = F.call(app, "DELETE", "\(F.users)/\(victim)")
        #expect(response.status == .ok)
        #expect(response.text == #"{"object":"organization.user.deleted","id":"\#(victim)","deleted":true}"#)
        #expect(try F.listedIDs(app) == Array(ids.dropFirst()))
        #expect(F.call(app, "GET", "\(F.users)/\(victim)").status == .notFound)
        #expect(F.call(app, "GET", "\(F.users)/\(victim)/roles").status == .notFound)
        #expect(F.call(app, "DELETE", "\(F.users)/\(victim)").status == .notFound)
        let resumed = try F.call(app, "GET", "\(F.users)?limit=2&after=\(victim)").json()
        #expect(resumed["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(ids[1...2]))
        let roles = try #require(app.record(for: "openai")?.state as? OpenAIRoles)
        #expect(roles.snapshot.byUser[victim] == nil)
        app.reset()
        #expect(try F.listedIDs(app) == ids)
        #expect(try F.assignedRoleIDs(app, victim) == [F.owner, F.usageViewer, F.keyRotator])
    }

    @Test func roleAssignments_pageBothWaysAndResumeAfterAnUnassign() throws {
        let app = try makeApp()
        let id = F.seedUsers(app)[0]["id"]!.stringValue!
        let first = try F.call(app, "GET", "\(F.users)/\(id)/roles?limit=1").json()
        #expect(first["object"] == .string("list"))
        #expect(first["has_more"] == .bool(true))
        #expect(first["next"] == .string(F.owner))
        #expect(first.objectValue?.map(\.0) == ["object", "data", "has_more", "next"])
        let details = try #require(first["data"]?.arrayValue?.first)
        #expect(details.objectValue?.map(\.0) == ["id", "name", "permissions", "resource_type", "predefined_role", "description",
                                                  "created_at", "updated_at", "created_by", "created_by_user_obj", "metadata", "assignment_sources"])
        #expect(try F.assignedRoleIDs(app, id, "?limit=1&after=\(F.owner)") == [F.usageViewer])
        #expect(try F.assignedRoleIDs(app, id, "?order=desc") == [F.keyRotator, F.usageViewer, F.owner])
        #expect(try F.assignedRoleIDs(app, id, "?order=desc&after=\(F.usageViewer)") == [F.owner])
        let last = try F.call(app, "GET", "\(F.users)/\(id)/roles?after=\(F.usageViewer)").json()
        #expect(last["has_more"] == .bool(false))
        #expect(last["next"] == .null)
        #expect(try F.assignedRoleIDs(app, id, "?limit=0") == [F.owner, F.usageViewer, F.keyRotator])
        #expect(F.call(app, "DELETE", "\(F.users)/\(id)/roles/\(F.usageViewer)").text == #"{"object":"user.role.deleted","deleted":true}"#)
        #expect(try F.assignedRoleIDs(app, id, "?after=\(F.usageViewer)") == [F.keyRotator])
        #expect(try F.assignedRoleIDs(app, id) == [F.owner, F.keyRotator])
    }

    @Test func assign_isTheDocumentedShapeIdempotentAndRetrievable() throws {
        let app = try makeApp()
        let user = app.seed(for: "openai")!.users[3]
        #expect(try F.assignedRoleIDs(app, user.id) == [F.reader, F.groupManager])
        let response = F.call(app, "POST", "\(F.users)/\(user.id)/roles", body: #"{"role_id":"\#(F.keyRotator)"}"#)
        #expect(response.status == .ok)
        let role = (app.record(for: "openai")!.state as! OpenAIRoles).role(id: F.keyRotator)!
        let expected = #"{"object":"user.role","user":"# + String(decoding: user.json, as: UTF8.self) + #","role":"# + String(decoding: role.roleJSON, as: UTF8.self) + "}"
        #expect(response.text == expected)
        #expect(F.call(app, "POST", "\(F.users)/\(user.id)/roles", body: #"{"role_id":"\#(F.keyRotator)"}"#).text == expected)
        #expect(try F.assignedRoleIDs(app, user.id) == [F.reader, F.groupManager, F.keyRotator])
        let retrieved = F.call(app, "GET", "\(F.users)/\(user.id)/roles/\(F.keyRotator)")
        #expect(retrieved.body == role.detailsJSON)
        #expect(try retrieved.json()["assignment_sources"] == .null)
        #expect(F.call(app, "GET", "\(F.users)/\(user.id)/roles/\(F.reader)").status == .ok)
        // A predefined role changes the user's role instead.
        let promoted = try F.call(app, "POST", "\(F.users)/\(user.id)/roles", body: #"{"role_id":"\#(F.owner)"}"#).json()
        #expect(promoted["user"]?["role"] == .string("owner"))
        #expect(try F.call(app, "GET", "\(F.users)/\(user.id)").json()["role"] == .string("owner"))
        #expect(try F.assignedRoleIDs(app, user.id) == [F.owner, F.groupManager, F.keyRotator])
    }

    @Test func userWithoutRole_hasNoPredefinedAssignmentAndNullEmailsMatchNothing() throws {
        let app = try makeApp()
        let users = F.seedUsers(app)
        let roleless = try #require(users.first { $0["role"] == .null })
        #expect(try F.assignedRoleIDs(app, roleless["id"]!.stringValue!) == [])
        let empty = try F.call(app, "GET", "\(F.users)?emails[]=").json()
        #expect(empty["data"] == .array([]))
        #expect(empty["first_id"] == .null)
    }

    @Test func adminVendors_showsTheRoleCatalog() throws {
        let app = try makeApp()
        let vendors = try app.handle(.make("/__admin/vendors")).json()
        let openai = try #require(vendors["vendors"]?.arrayValue?.first { $0["id"] == .string("openai") })
        let roles = try #require(openai["roles"]?.arrayValue)
        #expect(roles.compactMap { $0["id"]?.stringValue } == [F.owner, F.reader, F.groupManager, F.usageViewer, F.keyRotator])
        #expect(roles.allSatisfy { $0["object"] == .string("role") })
        #expect(openai["operations"]?.arrayValue?.count == 8)
    }

    @Test func seedValidation_rejectsBadRolesAndAssignments() throws {
        let users = #"[{"object":"organization.user","id":"user-a","role":"owner","added_at":1}]"#
        func read(_ extra: String) throws -> (any VendorState)? {
            let text = #"{"vendor":"openai","credentials":[],"users":\#(users)\#(extra)}"#
            let seed = try VendorSeed.read(text, file: "t.json", vendor: OpenAIAdmin())
            return try OpenAIAdmin().makeState(seed: seed, context: VendorContext())
        }
        let role = #"{"object":"role","id":"role_x","name":"X","description":null,"permissions":[],"resource_type":"api.organization","predefined_role":false}"#
        #expect(try read(#","roles":[\#(role)],"roleAssignments":[{"user_id":"user-a","role_id":"role_x"}]"#) != nil)
        #expect(throws: SeedError.self) { try read(#","roleAssignments":[{"user_id":"user-a","role_id":"role_y"}]"#) }
        #expect(throws: SeedError.self) { try read(#","roles":[\#(role)],"roleAssignments":[{"user_id":"user-b","role_id":"role_x"}]"#) }
        #expect(throws: SeedError.self) { try read(#","roles":[\#(role),\#(role)]"#) }
        #expect(throws: SeedError.self) { try read(#","roles":{}"#) }
        #expect(throws: SeedError.self) { try read(#","roles":[\#(role)],"roleAssignments":{}"#) }
        #expect(throws: SeedError.self) { try OpenAIAdmin().makeUser(from: try JSONValue.parse(#"{"object":"organization.user","id":"u","added_at":1,"is_scim_managed":null}"#), path: "$") }
        #expect(throws: SeedError.self) { try OpenAIAdmin().makeUser(from: try JSONValue.parse(#"{"object":"organization.user","id":"u","added_at":1,"user":{"object":"user"}}"#), path: "$") }
    }
}

struct OpenAIRetryAfterTests {
    typealias F = OpenAIFixture

    @Test func injected429_onTheRoleOperations_carriesRetryAfterAsTheSpecDeclares() throws {
        let app = try makeApp()
        let id = app.seed(for: "openai")!.users[0].id
        let response = F.call(app, "GET", "\(F.users)/\(id)/roles?__status=429")
        #expect(response.status == .tooManyRequests)
        #expect(response.headers["Retry-After"] == "1")
        #expect(try response.json()["error"]?["code"] == .string("rate_limit_exceeded"))
    }

    @Test func throttled_answersRetryAfterInWholeSecondsOnEveryOperation() throws {
        let app = try UnderstudyApp(configuration: .init(rateLimits: ["openai": RateLimit(limit: 1, windowMilliseconds: 60_000)]))
        let id = app.seed(for: "openai")!.users[0].id
        #expect(F.call(app, "GET", "\(F.users)/\(id)").status == .ok)
        let throttled = F.call(app, "POST", "\(F.users)/\(id)/roles", body: #"{"role_id":"\#(F.groupManager)"}"#)
        #expect(throttled.status == .tooManyRequests)
        let seconds = try #require(throttled.headers["Retry-After"].flatMap { Int($0) })
        #expect((1...60).contains(seconds))
        // A throttled write changes nothing.
        let roles = try #require(app.record(for: "openai")?.state as? OpenAIRoles)
        #expect(roles.snapshot.byUser[id]?.map(\.roleID) == [F.usageViewer, F.keyRotator])
    }
}
