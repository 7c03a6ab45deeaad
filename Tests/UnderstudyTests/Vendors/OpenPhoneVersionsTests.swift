import HTTPCore
import Testing
@testable import Understudy

/// OpenPhone's two generations over one store: v1 get-by-id and Quo 2026-03-30 (`/users`, `Quo-Api-Version`).
struct OpenPhoneVersionsTests {
    static let admin = "openphone-test-key"
    static let member = "openphone-member-key"
    static let version = ("Quo-Api-Version", "2026-03-30")
    typealias Failure = OpenPhone.Failure

    private func dated(_ app: UnderstudyApp, _ target: String, authorization: String? = admin, version: String? = "2026-03-30") -> HTTPResponse {
        app.handle(.make(target, authorization: authorization, headers: version.map { [("Quo-Api-Version", $0)] } ?? []))
    }

    private func ids(_ json: JSONValue) throws -> [String] {
        try #require(json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }

    /// Every id listed by following `nextCursor` at page size `limit`.
    private func walkDated(_ app: UnderstudyApp, limit: Int, prefix: String = "") throws -> (ids: [String], pages: Int) {
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let response = dated(app, "\(prefix)/users?limit=\(limit)" + (cursor.map { "&after=\($0)" } ?? ""))
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["totalItems"] == nil)
            seen += try ids(json)
            cursor = json["nextCursor"]?.stringValue
            if cursor == nil { #expect(json["nextCursor"] == .null) }
            pages += 1
        } while cursor != nil && pages <= 10_000
        return (seen, pages)
    }

    /// Every id listed by v1 at `maxResults=50`.
    private func walkV1(_ app: UnderstudyApp) throws -> [String] {
        var seen: [String] = []
        var token: String?
        repeat {
            let json = try app.handle(.make("/v1/users?maxResults=50" + (token.map { "&pageToken=\($0)" } ?? ""), authorization: Self.admin)).json()
            seen += try ids(json)
            token = json["nextPageToken"]?.stringValue
        } while token != nil && seen.count < 100_000
        return seen
    }

    /// The 2026-03-30 envelope `{title, message, docs, trace, errors?}` byte for byte (trace checked for shape).
    static func expectDated(
        _ response: HTTPResponse, _ status: Int, _ title: String, _ message: String, errors: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status.code == status, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/json", sourceLocation: sourceLocation)
        let trace = try #require(try response.json()["trace"]?.stringValue, sourceLocation: sourceLocation)
        #expect(!trace.isEmpty && trace.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }, sourceLocation: sourceLocation)
        let expected = #"{"title":""# + title + #"","message":""# + message + #"","docs":"https://quo.com/docs","trace":""# + trace + #"""#
            + (errors.map { #","errors":["# + $0 + "]" } ?? "") + "}"
        #expect(response.text == expected, sourceLocation: sourceLocation)
    }

    static func expectDatedValidation(_ response: HTTPResponse, _ error: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectDated(response, 400, "Bad Request", "Validation failed for 1 field.", errors: error, sourceLocation: sourceLocation)
    }

    static func cursor(_ json: String) -> String { Base64.encode(Array(json.utf8), urlSafe: true) }

    // MARK: - v1 get by id

    @Test func v1GetUser_returnsTheStoredUserInData() throws {
        let app = try makeApp()
        let seeded = seededJSON(app, "openphone")
        for (position, id) in seededIDs(app, "openphone").enumerated() where position % 17 == 0 {
            let response = app.handle(.make("/v1/users/\(id)", authorization: Self.admin))
            #expect(response.status == .ok)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.text == #"{"data":"# + seeded[position] + "}")
            #expect(app.handle(.make("/openphone/v1/users/\(id)", authorization: Self.admin)).body == response.body)
        }
    }

    @Test func v1GetUser_unknownIsA404AndAMismatchedIdA400() throws {
        let app = try makeApp()
        let missing = app.handle(.make("/v1/users/USnobody000", authorization: Self.admin))
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"message":"User not found","code":"1100404","status":404,"docs":"https://openphone.com/docs","title":"Not Found"}"#)
        for (id, value) in [("nope", #""nope""#), ("us123", #""us123""#), ("xUSH0t5qpBA", #""xUSH0t5qpBA""#)] {
            let response = app.handle(.make("/v1/users/\(id)", authorization: Self.admin))
            #expect(response.status == .badRequest)
            #expect(response.text == #"{"message":"Validation failed for 1 field.","code":"1100400","status":400,"docs":"https://openphone.com/docs","title":"Bad Request","errors":[{"path":"/params/userId","message":"must match pattern \"^US(.*)$\"","value":"# + value + #","schema":{"type":"string"}}]}"#)
        }
    }

    @Test func v1_ignoresTheVersionHeader() throws {
        let app = try makeApp()
        let plain = app.handle(.make("/v1/users?maxResults=3", authorization: Self.admin))
        for value in ["2026-03-30", "1999-01-01"] {
            #expect(app.handle(.make("/v1/users?maxResults=3", authorization: Self.admin, headers: [("Quo-Api-Version", value)])).body == plain.body)
        }
    }

    // MARK: - 2026-03-30 list

    @Test func datedFirstPage_isTenUsersAndAKeysetCursor() throws {
        let app = try makeApp()
        let seeded = seededJSON(app, "openphone")
        let ids = seededIDs(app, "openphone")
        let response = dated(app, "/users")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let cursor = Self.cursor(#"{"lastId":""# + ids[9] + #""}"#)
        #expect(response.text == #"{"data":["# + seeded.prefix(10).joined(separator: ",") + #"],"nextCursor":""# + cursor + #""}"#)
        #expect(!cursor.contains("="))
        // The docs' example cursor is exactly this format.
        #expect(OpenPhone.encodeCursor(lastID: "USmukOMipa") == "eyJsYXN0SWQiOiJVU211a09NaXBhIn0")
        #expect(dated(app, "/openphone/users").body == response.body)
        #expect(dated(app, "/users?limit=").body == response.body)
    }

    @Test func datedWalk_everyLimitListsEveryUserOnceInV1Order() throws {
        let app = try makeApp()
        let expected = seededIDs(app, "openphone")
        for limit in 1...50 {
            let (seen, pages) = try walkDated(app, limit: limit, prefix: limit % 2 == 0 ? "/openphone" : "")
            #expect(seen == expected, "limit \(limit)")
            #expect(pages == (expected.count + limit - 1) / limit, "limit \(limit)")
        }
    }

    @Test func datedCursor_resumesAfterItsUserIsDeletedAndSeesAdditions() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "openphone"))
        let original = seededIDs(app, "openphone")
        let first = try dated(app, "/users?limit=5").json()
        let cursor = try #require(first["nextCursor"]?.stringValue)
        // The user the cursor names, an earlier one and a later one are deleted; a user is added.
        _ = store.remove(id: original[4])
        _ = store.remove(id: original[1])
        _ = store.remove(id: original[7])
        #expect(store.append(StoredUser(id: "USaddedUser", email: "added@example.com", json: Array(#"{"id":"USaddedUser"}"#.utf8))))
        var seen = try ids(first)
        var next: String? = cursor
        while let after = next {
            let json = try dated(app, "/users?limit=5&after=\(after)").json()
            seen += try ids(json)
            next = json["nextCursor"]?.stringValue
        }
        #expect(seen == Array(original.prefix(5)) + original.dropFirst(5).filter { $0 != original[7] } + ["USaddedUser"])
    }

    @Test func emptyWorkspace_isAnEmptyLastPage() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "openphone"))
        for id in seededIDs(app, "openphone") { _ = store.remove(id: id) }
        #expect(dated(app, "/users").text == #"{"data":[],"nextCursor":null}"#)
    }

    @Test(arguments: [
        ("?limit=0", #"{"path":"/query/limit","message":"must be >= 1","value":0,"schema":{"type":"integer"}}"#),
        ("?limit=51", #"{"path":"/query/limit","message":"must be <= 50","value":51,"schema":{"type":"integer"}}"#),
        ("?limit=200", #"{"path":"/query/limit","message":"must be <= 50","value":200,"schema":{"type":"integer"}}"#),
        ("?limit=-3", #"{"path":"/query/limit","message":"must be >= 1","value":-3,"schema":{"type":"integer"}}"#),
        ("?limit=abc", #"{"path":"/query/limit","message":"must be integer","value":"abc","schema":{"type":"integer"}}"#),
        ("?limit=2.5", #"{"path":"/query/limit","message":"must be integer","value":"2.5","schema":{"type":"integer"}}"#),
        ("?limit=1&limit=2", #"{"path":"/query/limit","message":"must be integer","value":["1","2"],"schema":{"type":"integer"}}"#),
        ("?after=a&after=b", #"{"path":"/query/after","message":"must be string","value":["a","b"],"schema":{"type":"string"}}"#),
        ("?limit=0&after=garbage", #"{"path":"/query/limit","message":"must be >= 1","value":0,"schema":{"type":"integer"}}"#),
    ])
    func datedBadQuery_isAValidation400InTheDatedEnvelope(query: String, error: String) throws {
        try Self.expectDatedValidation(dated(try makeApp(), "/users\(query)"), error)
    }

    @Test func datedBadCursors_areA400() throws {
        let app = try makeApp()
        let ids = seededIDs(app, "openphone")
        let good = Self.cursor(#"{"lastId":""# + ids[9] + #""}"#)
        #expect(dated(app, "/users?limit=3&after=\(good)").status == .ok)
        let v1Token = try #require(try app.handle(.make("/v1/users?maxResults=10", authorization: Self.admin)).json()["nextPageToken"]?.stringValue)
        let bad = [
            v1Token,                                                    // a v1 pageToken
            "eyJsYXN0SWQiOiJVU211a09NaXBhIn0",                          // the docs' example: a user this workspace never had
            good + "%3D",                                               // padded
            String(good.dropLast()),                                    // truncated
            Self.cursor(#"{"lastId": ""# + ids[9] + #""}"#),            // another JSON spelling
            Self.cursor(#"{"lastId":""# + ids[9] + #"","x":1}"#),       // extra member
            Self.cursor(#"{"lastID":""# + ids[9] + #""}"#),             // wrong key
            Self.cursor(#"{"lastId":7}"#),                              // not a string
            Self.cursor(#"[""# + ids[9] + #""]"#),                      // not an object
            "not-a-cursor", "%20" + good, "null",
        ]
        for cursor in bad {
            try Self.expectDated(dated(app, "/users?after=\(cursor)"), 400, "Bad Request", Failure.invalidCursorMessage)
        }
        // A dated cursor is no v1 pageToken either.
        let v1 = app.handle(.make("/v1/users?pageToken=\(good)", authorization: Self.admin))
        #expect(v1.text == #"{"message":"Invalid pageToken","code":"1100400","status":400,"docs":"https://openphone.com/docs","title":"Bad Request"}"#)
    }

    // MARK: - 2026-03-30 version header, auth, get by id

    @Test func datedVersionHeader_isRequiredAndCheckedBeforeTheCredential() throws {
        let app = try makeApp()
        let missing = #"{"path":"/headers/quo-api-version","message":"must have required property 'quo-api-version'","schema":{"type":"string"}}"#
        for target in ["/users", "/users/USH0t5qpBA", "/openphone/users?limit=999"] {
            try Self.expectDatedValidation(dated(app, target, version: nil), missing)
            try Self.expectDatedValidation(dated(app, target, authorization: nil, version: nil), missing)
            try Self.expectDatedValidation(dated(app, target, authorization: Self.member, version: nil), missing)
            for value in ["", "2025-01-01", "v1", "2026-03-30x", "2026-3-30"] {
                try Self.expectDatedValidation(dated(app, target, version: value),
                    #"{"path":"/headers/quo-api-version","message":"must be equal to one of the allowed values","value":""# + value + #"","schema":{"type":"string"}}"#)
            }
        }
        #expect(dated(app, "/users", version: " 2026-03-30 ").status == .ok)
    }

    @Test func datedAuthFailures_useTheDatedEnvelope() throws {
        let app = try makeApp()
        for target in ["/users?limit=0", "/users/USH0t5qpBA", "/users/nope"] {
            try Self.expectDated(dated(app, target, authorization: nil), 401, "Unauthorized", "Missing authorization header")
            try Self.expectDated(dated(app, target, authorization: "Bearer openphone-test-key"), 401, "Unauthorized", "Unauthorized")
            try Self.expectDated(dated(app, target, authorization: "openphone-wrong-key"), 401, "Unauthorized", "Unauthorized")
            try Self.expectDated(dated(app, target, authorization: Self.member), 403, "Forbidden", Failure.forbiddenMessage)
        }
    }

    @Test func datedGetUser_returnsDataAnd404sAnd400s() throws {
        let app = try makeApp()
        let seeded = seededJSON(app, "openphone")
        let ids = seededIDs(app, "openphone")
        for position in [0, 50, ids.count - 1] {
            let response = dated(app, "/users/\(ids[position])")
            #expect(response.status == .ok)
            #expect(response.text == #"{"data":"# + seeded[position] + "}")
            #expect(response.body == app.handle(.make("/v1/users/\(ids[position])", authorization: Self.admin)).body)
        }
        try Self.expectDated(dated(app, "/users/USnobody000"), 404, "Not Found", Failure.userNotFoundMessage)
        try Self.expectDatedValidation(dated(app, "/openphone/users/nope"),
            #"{"path":"/params/userId","message":"must match pattern \"^US(.*)$\"","value":"nope","schema":{"type":"string"}}"#)
    }

    @Test(arguments: [(400, "Bad Request", "Bad Request"), (401, "Unauthorized", "Unauthorized"),
                      (403, "Forbidden", "You do not have permission to access this resource"),
                      (404, "Not Found", "Not Found"), (422, "Unprocessable Entity", "Unprocessable Entity"),
                      (429, "Too Many Requests", "Rate limit exceeded"),
                      (500, "Internal Server Error", "An unknown error occurred while fetching users"),
                      (503, "Service Unavailable", "Service Unavailable")])
    func datedInjectedFaults_renderTheDatedEnvelope(code: Int, title: String, message: String) throws {
        let app = try makeApp()
        for target in ["/users?__status=\(code)", "/users/USH0t5qpBA?__status=\(code)", "/openphone/users?limit=2&__status=\(code)"] {
            try Self.expectDated(dated(app, target), code, title, message)
        }
    }

    // MARK: - One store

    @Test func adminChanges_areSeenByBothVersions() throws {
        let app = try makeApp()
        let user = #"{"id":"USadmMade1","email":"made@example.com","firstName":"Made","lastName":null,"pictureUrl":null,"role":"member","createdAt":"2024-01-01T00:00:00Z","updatedAt":"2024-01-01T00:00:00Z"}"#
        let created = app.handle(HTTPRequest(method: "POST", target: "/__admin/vendors/openphone/users", headers: ["Host": "x"], body: Array(user.utf8)))
        #expect(created.status == .created)
        #expect(dated(app, "/users/USadmMade1").text == #"{"data":"# + user + "}")
        #expect(app.handle(.make("/v1/users/USadmMade1", authorization: Self.admin)).text == #"{"data":"# + user + "}")
        let lastDated = try walkDated(app, limit: 50).ids
        #expect(lastDated.last == "USadmMade1")
        #expect(try walkV1(app).last == "USadmMade1")

        let patched = app.handle(HTTPRequest(method: "PATCH", target: "/__admin/vendors/openphone/users/USadmMade1", headers: ["Host": "x"], body: Array(#"{"role":"admin"}"#.utf8)))
        #expect(patched.status == .ok)
        #expect(try dated(app, "/users/USadmMade1").json()["data"]?["role"] == .string("admin"))
        #expect(try app.handle(.make("/v1/users/USadmMade1", authorization: Self.admin)).json()["data"]?["role"] == .string("admin"))

        let deleted = app.handle(HTTPRequest(method: "DELETE", target: "/__admin/vendors/openphone/users/USadmMade1", headers: ["Host": "x"]))
        #expect(deleted.status == .noContent)
        #expect(dated(app, "/users/USadmMade1").status == .notFound)
        #expect(app.handle(.make("/v1/users/USadmMade1", authorization: Self.admin)).status == .notFound)
        #expect(try walkDated(app, limit: 50).ids == seededIDs(app, "openphone"))
    }

    // MARK: - Generated users

    @Test func generatedUsers_walkBothVersionsAndResumeAfterADeletedCursorUser() throws {
        let app = try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: ["openphone": 2_345], seed: 7)))
        let (datedIDs, pages) = try walkDated(app, limit: 50)
        #expect(datedIDs.count == 2_345)
        #expect(Set(datedIDs).count == 2_345)
        #expect(pages == 47)
        #expect(try walkV1(app) == datedIDs)
        #expect(try app.handle(.make("/v1/users", authorization: Self.admin)).json()["data"]?.arrayValue?.count == 10)

        let user = try #require(try dated(app, "/users/\(datedIDs[1_000])").json()["data"])
        #expect(user["id"] == .string(datedIDs[1_000]))
        let store = try #require(app.store(for: "openphone"))
        let page = try dated(app, "/users?limit=7&after=\(OpenPhone.encodeCursor(lastID: datedIDs[999]))").json()
        #expect(try ids(page) == Array(datedIDs[1_000..<1_007]))
        let cursor = try #require(page["nextCursor"]?.stringValue)
        _ = store.remove(id: datedIDs[1_006])
        #expect(try ids(dated(app, "/users?limit=3&after=\(cursor)").json()) == Array(datedIDs[1_007..<1_010]))
        #expect(dated(app, "/users/\(datedIDs[1_006])").status == .notFound)
    }
}
