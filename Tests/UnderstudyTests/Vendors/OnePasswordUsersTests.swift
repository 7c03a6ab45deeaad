import HTTPCore
import Testing
@testable import Understudy

/// Shared fixtures for the 1Password tests: seeded ids, credentials and in-process requests.
enum OnePasswordFixture {
    static let admin = "Bearer 1password-test-token"
    static let member = "Bearer 1password-member-token"
    static let account = "UNDERSTUDYTESTACCOUNT00001"
    /// Seeded owners (seed key `ownerIds`): Wendy is ACTIVE, Riley SUSPENDED.
    static let wendy = "IR7VJHJ36JHINBFAD7V2T5MP3E"
    static let riley = "56YE2TYN2VFYRLNSHKPW5NVT5E"
    /// An ACTIVE and a SUSPENDED user who are not owners.
    static let kofi = "J4GD36YLASKHX4HQ7SXA2KZBNI"
    static let mohammed = "PLRBRF65IP6E6TZUNKKZMU6ZOX"
    static let fullClient = ("1password-oauth-client", "1password-oauth-secret")
    static let noSuspendClient = ("1password-no-suspend-client", "1password-no-suspend-secret")
    static let versions = ["v1beta1", "v1"]
    static let formType = "application/x-www-form-urlencoded; charset=UTF-8"

    static func users(_ version: String, account: String = account) -> String { "/\(version)/accounts/\(account)/users" }
    static func tokenPath(_ version: String) -> String { version == "v1" ? "/v1/oauth/token" : "/v1beta1/users/oauth2/token" }
    static func revokePath(_ version: String) -> String { version == "v1" ? "/v1/oauth/revoke" : "/v1beta1/users/oauth2/revoke" }

    static func error(_ code: Int, _ message: String) -> String {
        #"{"code":"# + "\(code)" + #","message":""# + message + #"","details":[]}"#
    }

    static func basic(_ client: (String, String)) -> String {
        "Basic " + Base64.encode(Array("\(client.0):\(client.1)".utf8), padded: true)
    }

    static func request(_ method: String, _ target: String, authorization: String? = admin,
                        contentType: String? = nil, body: String = "") -> HTTPRequest {
        var headers: HTTPHeaders = ["Host": "127.0.0.1", "User-Agent": "ElasticKibana"]
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
    }

    /// A token from the in-process app, or a test failure.
    static func token(_ app: UnderstudyApp, _ client: (String, String) = fullClient, version: String = "v1beta1") throws -> String {
        let response = app.handle(request("POST", tokenPath(version), authorization: basic(client), contentType: formType,
                                          body: "grant_type=client_credentials&scope=openid"))
        try #require(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["access_token"]?.stringValue)
    }

    static func state(_ app: UnderstudyApp) throws -> OnePasswordState {
        try #require(app.record(for: "1password")?.state as? OnePasswordState)
    }

    /// The ids of every user in one state, listed through `version`.
    static func listed(_ app: UnderstudyApp, _ version: String, filter: String) throws -> [String] {
        let response = app.handle(request("GET", users(version) + "?max_page_size=1000&filter=\(filter)"))
        return try #require(try response.json()["results"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }
}

struct OnePasswordUsersTests {
    /// Tokens are signed for this text: it must stay what the interpolation wrote.
    @Test func pageTokenScope_isTheInterpolatedText() {
        for account in ["", "UNDERSTUDYTESTACCOUNT00001", "ÄCCÖUNT|x"] {
            for filter in [nil, OnePassword.Filter.active, .suspended] {
                let interpolated = "1password|\(account)|\(filter?.rawValue ?? "")"
                #expect(Array(OnePassword.pageTokenScope(account: account, filter: filter).utf8) == Array(interpolated.utf8))
            }
        }
    }

    typealias F = OnePasswordFixture

    private func call(_ app: UnderstudyApp, _ method: String, _ target: String, authorization: String? = F.admin, body: String = "") -> HTTPResponse {
        app.handle(F.request(method, target, authorization: authorization, body: body))
    }

    @Test(arguments: F.versions)
    func getUser_returnsTheSeededBytes(version: String) throws {
        let app = try makeApp()
        let seeded = try #require(app.seed(for: "1password")?.users.first { $0.id == F.kofi })
        let response = call(app, "GET", "\(F.users(version))/\(F.kofi)")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.body == seeded.json)
        #expect(call(app, "GET", "/1password\(F.users(version))/\(F.kofi)").body == seeded.json)
    }

    @Test(arguments: F.versions)
    func everyUserOperation_rejectsInTheDocumentedOrder(version: String) throws {
        let app = try makeApp()
        let targets = [("GET", "\(F.kofi)"), ("POST", "\(F.kofi):suspend"), ("POST", "\(F.mohammed):reactivate")]
        for (method, suffix) in targets {
            let path = "\(F.users(version))/\(suffix)"
            for header in [nil, "", "Basic abc", "Bearer nope", "Bearer"] as [String?] {
                let response = call(app, method, path, authorization: header)
                #expect(response.status == .unauthorized, "\(path) \(header ?? "nil")")
                #expect(response.text == F.error(16, OnePassword.Message.unauthenticated))
            }
            #expect(call(app, method, path, authorization: F.member).text == F.error(7, OnePassword.Message.permissionDenied))
            #expect(call(app, method, path, authorization: F.member).status == .forbidden)
            // Auth before the account, the account before the user.
            #expect(call(app, method, path.replacing(F.account, with: "ACCOUNT123"), authorization: nil).status == .unauthorized)
            #expect(call(app, method, path.replacing(F.account, with: "ACCOUNT123"), authorization: F.member).status == .forbidden)
            let foreign = call(app, method, "\(F.users(version, account: "ACCOUNT123"))/NOPE\(suffix.drop { $0 != ":" })")
            #expect(foreign.status == .notFound)
            #expect(foreign.text == F.error(5, OnePassword.Message.accountNotFound))
            let unknown = call(app, method, "\(F.users(version))/NOSUCHUSER\(suffix.drop { $0 != ":" })")
            #expect(unknown.status == .notFound)
            #expect(unknown.text == F.error(5, OnePassword.Message.userNotFound))
        }
        // Nothing above changed a user.
        #expect(app.store(for: "1password")!.snapshot().user(id: F.kofi)?.isSuspended == false)
        #expect(app.store(for: "1password")!.snapshot().user(id: F.mohammed)?.isSuspended == true)
    }

    @Test(arguments: F.versions)
    func suspend_returnsTheUserAndShowsInTheNextListOfBothVersions(version: String) throws {
        let app = try makeApp()
        let response = call(app, "POST", "\(F.users(version))/\(F.kofi):suspend")
        #expect(response.status == .ok)
        let seeded = try #require(app.seed(for: "1password")?.users.first { $0.id == F.kofi })
        let expected = String(decoding: seeded.json, as: UTF8.self).replacing(#""state":"ACTIVE""#, with: #""state":"SUSPENDED""#)
        #expect(response.text == expected)
        for listing in F.versions {
            #expect(try F.listed(app, listing, filter: "user.isSuspended()").contains(F.kofi))
            #expect(try !F.listed(app, listing, filter: "user.isActive()").contains(F.kofi))
            #expect(call(app, "GET", "\(F.users(listing))/\(F.kofi)").text == expected)
        }
        #expect(app.handle(.make("/__admin/vendors/1password/users/\(F.kofi)")).text.contains(#""state":"SUSPENDED""#))
    }

    @Test func suspendAndReactivate_areIdempotentAndIgnoreAnyBody() throws {
        let app = try makeApp()
        let path = "\(F.users("v1beta1"))/\(F.kofi)"
        let first = call(app, "POST", "\(path):suspend", body: #"{"state":"ACTIVE","garbage"#)
        let second = call(app, "POST", "\(path):suspend", body: "not json")
        #expect(first.status == .ok && second.status == .ok)
        #expect(first.body == second.body)
        let listed = try F.listed(app, "v1", filter: "user.isSuspended()")
        #expect(listed.filter { $0 == F.kofi }.count == 1)
        let back = call(app, "POST", "\(path):reactivate", body: "{}")
        let again = call(app, "POST", "\(path):reactivate")
        #expect(back.status == .ok && again.status == .ok && back.body == again.body)
        let seeded = try #require(app.seed(for: "1password")?.users.first { $0.id == F.kofi })
        #expect(back.body == seeded.json)  // the round trip restores the exact seeded bytes
        #expect(try F.listed(app, "v1beta1", filter: "user.isActive()").contains(F.kofi))
        #expect(app.store(for: "1password")!.snapshot().count == seededIDs(app, "1password").count)
    }

    @Test func reactivate_makesASuspendedUserActiveInTheNextList() throws {
        let app = try makeApp()
        let response = call(app, "POST", "\(F.users("v1"))/\(F.mohammed):reactivate")
        #expect(response.status == .ok)
        #expect(try response.json()["state"] == .string("ACTIVE"))
        #expect(try F.listed(app, "v1beta1", filter: "user.isActive()").contains(F.mohammed))
        #expect(try !F.listed(app, "v1beta1", filter: "user.isSuspended()").contains(F.mohammed))
    }

    @Test func suspendingTheLastActiveOwner_isNoOwnerRemainAndChangesNothing() throws {
        let app = try makeApp()
        let before = app.store(for: "1password")!.snapshot().user(id: F.wendy)?.json
        let refused = call(app, "POST", "\(F.users("v1beta1"))/\(F.wendy):suspend")
        #expect(refused.status == .forbidden)
        #expect(refused.text == F.error(7, OnePassword.Message.noOwnerRemain))
        #expect(app.store(for: "1password")!.snapshot().user(id: F.wendy)?.json == before)
        #expect(try F.listed(app, "v1", filter: "user.isActive()").contains(F.wendy))
        // A second owner becomes active: Wendy may go, and then Riley is the last one.
        #expect(call(app, "POST", "\(F.users("v1"))/\(F.riley):reactivate").status == .ok)
        #expect(call(app, "POST", "\(F.users("v1"))/\(F.wendy):suspend").status == .ok)
        #expect(call(app, "POST", "\(F.users("v1beta1"))/\(F.riley):suspend").text == F.error(7, OnePassword.Message.noOwnerRemain))
        // Suspending an already suspended owner stays idempotent.
        #expect(call(app, "POST", "\(F.users("v1beta1"))/\(F.wendy):suspend").status == .ok)
    }

    @Test func reset_restoresUsersAndForgetsTokens() throws {
        let app = try makeApp()
        let token = try F.token(app)
        #expect(call(app, "POST", "\(F.users("v1"))/\(F.kofi):suspend", authorization: "Bearer \(token)").status == .ok)
        #expect(try F.state(app).tokenCount == 1)
        app.reset()
        #expect(try F.state(app).tokenCount == 0)
        #expect(call(app, "GET", "\(F.users("v1"))/\(F.kofi)", authorization: "Bearer \(token)").status == .unauthorized)
        #expect(try !F.listed(app, "v1", filter: "user.isSuspended()").contains(F.kofi))
        // The counter restarts too: the same requests after a reset get the same token.
        #expect(try F.token(app) == token)
    }

    @Test func generatedUsers_supportEveryOperationWithoutBuildingThePopulation() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["1password": 5_000_000], seed: 7)))
        let snapshot = app.store(for: "1password")!.snapshot()
        let owner = snapshot.user(at: 0)
        let other = try #require((1..<50).map(snapshot.user(at:)).first { !$0.isSuspended })
        let last = snapshot.user(at: snapshot.count - 1)
        #expect(call(app, "GET", "\(F.users("v1"))/\(last.id)").body == last.json)
        let suspended = call(app, "POST", "\(F.users("v1"))/\(other.id):suspend")
        #expect(try suspended.json()["state"] == .string("SUSPENDED"))
        let page = call(app, "GET", "\(F.users("v1beta1"))?max_page_size=50")
        #expect(page.text.contains(String(decoding: suspended.body, as: UTF8.self)))
        #expect(call(app, "POST", "\(F.users("v1beta1"))/\(other.id):reactivate").body == other.json)
        // Generated user 0 is the account's only owner.
        #expect(call(app, "POST", "\(F.users("v1"))/\(owner.id):suspend").text == F.error(7, OnePassword.Message.noOwnerRemain))
        #expect(call(app, "POST", "\(F.users("v1"))/\(last.id):suspend").status == .ok)
        #expect(call(app, "GET", "\(F.users("v1"))/\(F.kofi)").status == .notFound)  // seed users are not served
    }

    @Test func specs_documentEveryOperationOfTheirVersion() throws {
        let vendor = OnePassword()
        for version in vendor.versions {
            let spec = try JSONValue.parse(Array(try #require(EmbeddedData.spec(version.spec)).utf8))
            #expect(spec["info"]?["version"] == .string(version.id))
            let operations = vendor.operations().filter { $0.version == version.id }
            #expect(operations.count == 6)
            for operation in operations {
                let documented = spec["paths"]?[operation.path]?[operation.method.lowercased()]
                #expect(documented?["operationId"] == .string(operation.name), "\(version.id) \(operation.method) \(operation.path)")
            }
            #expect(spec["paths"]?.objectValue?.count == Set(operations.map(\.path)).count)
        }
    }

    @Test func seedValidation_rejectsBadClientsAndOwners() throws {
        let vendor = OnePassword()
        let app = try makeApp()
        let seed = try #require(app.seed(for: "1password"))
        func state(_ key: String, _ json: String) throws {
            var changed = seed
            changed.extensions = [(key, try JSONValue.parse(json))]
            _ = try vendor.makeState(seed: changed, context: VendorContext())
        }
        #expect(throws: Never.self) { try state("ownerIds", #"["\#(F.wendy)"]"#) }
        #expect(throws: Never.self) { try state("oauthClients", #"[{"client_id":"a","client_secret":"b","scopes":["get user"]}]"#) }
        for (key, json) in [
            ("ownerIds", #"["NOTASEEDEDUSER"]"#), ("ownerIds", "{}"), ("ownerIds", "[1]"),
            ("oauthClients", "{}"), ("oauthClients", #"[{"client_id":"a","client_secret":"b","scopes":["delete users"]}]"#),
            ("oauthClients", #"[{"client_id":"a","client_secret":"b"}]"#),
            ("oauthClients", #"[{"client_id":"a","client_secret":"b","scopes":[],"extra":1}]"#),
            ("oauthClients", #"[{"client_id":"a","client_secret":"b","scopes":[]},{"client_id":"a","client_secret":"c","scopes":[]}]"#),
        ] {
            #expect(throws: SeedError.self, "\(key): \(json)") { try state(key, json) }
        }
    }
}
