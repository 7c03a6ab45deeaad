import HTTPCore
import Testing
@testable import Understudy

struct FactoryTests {
    static let admin = "Bearer factory-test-key"
    static let member = "Bearer factory-member-key"
    static let unauthorized = #"{"detail":"Missing or invalid API key","status":401,"title":"Unauthorized"}"#
    static let invalidLimit = #"{"detail":"limit must be an integer between 1 and 100","status":400,"title":"Bad Request"}"#
    static let invalidCursor = #"{"detail":"Invalid cursor","status":400,"title":"Bad Request"}"#

    private func list(_ app: UnderstudyApp, _ query: String = "", authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/api/v0/organization/users\(query)", authorization: authorization))
    }

    private func ids(_ json: JSONValue) throws -> [String] {
        try #require(json["users"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }

    // MARK: - Success

    @Test func firstPage_isTheDocumentedShapeWithDefaultLimit() throws {
        let app = try makeApp()
        let response = list(app)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let expected = seededJSON(app, "factory").prefix(20).joined(separator: ",")
        // Ascending creation order: page one starts with the oldest user; the cursor is the 20th user's id.
        #expect(response.text == #"{"users":["# + expected + #"],"pagination":{"hasMore":true,"nextCursor":"user_01FEJS6CH5V8EAZZW0Q3MAHJT2"}}"#)
        #expect(list(app, "?limit=").body == response.body)
        #expect(list(app, "?limit=20").body == response.body)
    }

    @Test func usersAreServedExactlyAsSeeded() throws {
        let app = try makeApp()
        let page = list(app, "?limit=4").text
        // Written out by hand from Seeds/factory.json: optional fields omitted (never null), metadata kept in order.
        #expect(page.contains(#"{"id":"user_01EX50CDMHWHYH41G4BZV25X6E","email":"isabel.eriksen@example.com","firstName":"Isabel","lastName":"Eriksen","createdAt":"2021-01-28T17:24:17.169Z","lastSignInAt":"2021-02-05T16:35:39.644Z","metadata":{"department":"Design","team":"core"}},{"id":"user_01EYSNGBWXGGER05K94V8XV8NR","email":"diegod@example.com","createdAt":"2021-02-18T04:13:57.021Z","lastSignInAt":"2021-05-01T03:35:33.060Z","metadata":{}}],"pagination":{"hasMore":true,"nextCursor":"user_01EYSNGBWXGGER05K94V8XV8NR"}}"#))
        // Every user, walked at the maximum page size, equals its seed object key for key.
        let seeds = try #require(try JSONValue.parse(EmbeddedData.seed("factory")!)["users"]?.arrayValue)
        var listed: [JSONValue] = []
        var cursor = ""
        while true {
            let json = try list(app, "?limit=100" + (cursor.isEmpty ? "" : "&cursor=\(cursor)")).json()
            listed += try #require(json["users"]?.arrayValue)
            guard json["pagination"]?["hasMore"]?.boolValue == true else { break }
            cursor = try #require(json["pagination"]?["nextCursor"]?.stringValue)
        }
        #expect(listed == seeds)
    }

    @Test func walkingEveryPageSize_listsEveryUserOnceInOrder() throws {
        let app = try makeApp()
        let expected = seededIDs(app, "factory")
        for limit in 1...100 {
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            while true {
                let json = try list(app, "?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "")).json()
                let page = try ids(json)
                seen += page
                pages += 1
                let pagination = try #require(json["pagination"])
                guard pagination["hasMore"]?.boolValue == true, pages <= expected.count else {
                    #expect(pagination["nextCursor"] == .null)
                    break
                }
                cursor = try #require(pagination["nextCursor"]?.stringValue)
                #expect(cursor == page.last)
            }
            #expect(seen == expected, "limit \(limit)")
            #expect(pages == (expected.count + limit - 1) / limit, "limit \(limit)")
        }
    }

    @Test func usersAddedOrDeletedBetweenPages_neverDuplicateOrSkip() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "factory"))
        let original = seededIDs(app, "factory")
        let first = try list(app, "?limit=5").json()
        let firstIDs = try ids(first)
        // An earlier user of page one, the user the cursor names and a later user are deleted; a new user arrives.
        _ = store.remove(id: firstIDs[1])
        _ = store.remove(id: firstIDs[4])
        _ = store.remove(id: original[8])
        let added = StoredUser(id: "user_01KZZZZZZZZZZZZZZZZZZZZZZZ", email: "added@example.com", json: Array(#"{"id":"user_01KZZZZZZZZZZZZZZZZZZZZZZZ"}"#.utf8))
        #expect(store.append(added))
        var seen = firstIDs
        var cursor = try #require(first["pagination"]?["nextCursor"]?.stringValue)
        while true {
            let json = try list(app, "?limit=5&cursor=\(cursor)").json()
            seen += try ids(json)
            guard json["pagination"]?["hasMore"]?.boolValue == true else { break }
            cursor = try #require(json["pagination"]?["nextCursor"]?.stringValue)
        }
        #expect(seen == original.filter { $0 != original[8] } + [added.id])
    }

    @Test func cursorAtTheEndAndEmptyOrganization_giveAnEmptyLastPage() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "factory"))
        let ids = seededIDs(app, "factory")
        let last = #"{"users":[],"pagination":{"hasMore":false,"nextCursor":null}}"#
        #expect(list(app, "?cursor=\(ids.last!)").text == last)
        // A page that ends exactly on the last user says there is no more.
        #expect(list(app, "?limit=6&cursor=\(ids[ids.count - 7])").text.hasSuffix(#""pagination":{"hasMore":false,"nextCursor":null}}"#))
        for id in ids { _ = store.remove(id: id) }
        #expect(list(app).text == last)
        // Ids the organization had still resume (there is nothing after them now).
        #expect(list(app, "?cursor=\(ids[3])").text == last)
    }

    @Test func lenientButValidInputs_areAccepted() throws {
        let app = try makeApp()
        #expect(try ids(list(app, "?limit=1").json()).count == 1)
        #expect(try ids(list(app, "?limit=100").json()).count == 100)
        #expect(list(app, "?limit=007").body == list(app, "?limit=7").body)
        // First occurrence wins; an empty cursor is no cursor; unknown parameters are ignored.
        #expect(list(app, "?limit=5&limit=abc").body == list(app, "?limit=5").body)
        #expect(list(app, "?limit=5&cursor=").body == list(app, "?limit=5").body)
        #expect(list(app, "?limit=5&page=3&maxResults=9").body == list(app, "?limit=5").body)
        // RFC 9110 §11.1: the scheme word is case-insensitive.
        #expect(list(app, "?limit=5", authorization: "bearer factory-test-key").status == .ok)
    }

    // MARK: - Auth

    @Test func authFailures_renderFactorysEnvelope() throws {
        let app = try makeApp()
        let cases: [String?] = [nil, "", "Bearer", "Bearer ", "Basic factory-test-key", "factory-test-key",
                                "Bearer factory-test-keyx", "Bearer  factory-test-key", "Token factory-test-key"]
        for authorization in cases {
            let response = list(app, "?limit=5", authorization: authorization)
            #expect(response.status == .unauthorized, "\(authorization ?? "nil")")
            #expect(response.text == Self.unauthorized, "\(authorization ?? "nil")")
            #expect(response.headers["Content-Type"] == "application/json")
        }
        let member = list(app, authorization: Self.member)
        #expect(member.status == .forbidden)
        #expect(member.text == #"{"detail":"Insufficient permissions (requires Manager or Owner role)","status":403,"title":"Forbidden"}"#)
        // Authentication and authorisation come before query validation.
        #expect(list(app, "?limit=0", authorization: nil).text == Self.unauthorized)
        #expect(list(app, "?limit=0", authorization: Self.member).status == .forbidden)
    }

    // MARK: - Query validation

    @Test(arguments: [
        "?limit=0", "?limit=101", "?limit=-1", "?limit=-0", "?limit=abc", "?limit=1.5", "?limit=+5", "?limit=%205",
        "?limit=5%20", "?limit=1e1", "?limit=0x10", "?limit=99999999999999999999",
        // limit is checked before cursor.
        "?limit=0&cursor=abc",
    ])
    func badLimit_isA400(query: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.invalidLimit)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test(arguments: [
        "?cursor=abc", "?cursor=user_01ZZZZZZZZZZZZZZZZZZZZZZZZ", "?cursor=user_01eyvcH23QNJR0W166M62D7ZC2",
        "?cursor=USER_01EVVCH23QNJR0W166M62D7ZC2", "?cursor=%20user_01EVVCH23QNJR0W166M62D7ZC2", "?limit=5&cursor=null",
    ])
    func badCursor_isA400(query: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.invalidCursor)
    }

    // MARK: - Faults, routing, determinism

    @Test(arguments: [
        (401, #"{"detail":"Missing or invalid API key","status":401,"title":"Unauthorized"}"#),
        (403, #"{"detail":"Insufficient permissions (requires Manager or Owner role)","status":403,"title":"Forbidden"}"#),
        (400, #"{"detail":"Bad request","status":400,"title":"Bad Request"}"#),
        (404, #"{"detail":"Not found","status":404,"title":"Not Found"}"#),
        (409, #"{"detail":"Conflict","status":409,"title":"Conflict"}"#),
        (429, #"{"detail":"Rate limit exceeded","status":429,"title":"Too Many Requests"}"#),
        (500, #"{"detail":"Internal server error","status":500,"title":"Internal Server Error"}"#),
        (502, #"{"detail":"Bad gateway","status":502,"title":"Bad Gateway"}"#),
        (503, #"{"detail":"Service unavailable","status":503,"title":"Service Unavailable"}"#),
        (504, #"{"detail":"Gateway timeout","status":504,"title":"Gateway Timeout"}"#),
    ])
    func errorResponse_rendersTheVendorEnvelope(code: Int, body: String) throws {
        let app = try makeApp()
        let request = VendorRequest(http: .make("/api/v0/organization/users"), store: app.store(for: "factory")!, seed: app.seed(for: "factory")!)
        let response = Factory().errorResponse(status: HTTPStatus(code: code), request: request)
        #expect(response.status.code == code)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text == body)
        #expect(response.headers["Retry-After"] == nil)
    }

    @Test func prefixedPath_servesTheSameAndUnknownPathsGetFactorys404() throws {
        let app = try makeApp()
        #expect(app.handle(.make("/factory/api/v0/organization/users?limit=3", authorization: Self.admin)).body == list(app, "?limit=3").body)
        let missing = app.handle(.make("/factory/api/v0/organization/userz", authorization: Self.admin))
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"detail":"Not found","status":404,"title":"Not Found"}"#)
        let post = app.handle(.make("/factory/api/v0/organization/users", authorization: Self.admin, method: "POST"))
        #expect(post.status == .methodNotAllowed)
        #expect(post.text == #"{"detail":"Method not allowed","status":405,"title":"Method Not Allowed"}"#)
    }

    @Test func identicalRequests_getIdenticalBodies() throws {
        let first = list(try makeApp(), "?limit=7")
        let second = list(try makeApp(), "?limit=7")
        #expect(first.body == second.body)
    }

    @Test func seedsAreValidated() throws {
        let valid = #"{"id":"user_01EVVCH23QNJR0W166M62D7ZC2","email":"a@example.com","createdAt":"2021-01-12T13:28:25.975Z","metadata":{}}"#
        let user = try Factory().makeUser(from: try JSONValue.parse(valid), path: "$.users[0]")
        #expect(String(decoding: user.json, as: UTF8.self) == valid)
        for bad in [
            #"{"id":"user_01EVVCH23QNJR0W166M62D7ZC2","email":"a@example.com","firstName":null,"createdAt":"2021-01-12T13:28:25.975Z","metadata":{}}"#,
            #"{"id":"user_01EVVCH23QNJR0W166M62D7ZC2","email":"a@example.com","createdAt":"2021-01-12T13:28:25Z","metadata":{}}"#,
            #"{"id":"user_01EVVCH23QNJR0W166M62D7ZCU","email":"a@example.com","createdAt":"2021-01-12T13:28:25.975Z","metadata":{}}"#,
            #"{"id":"user_01EVVCH23QNJR0W166M62D7ZC2","email":"a@example.com","createdAt":"2021-01-12T13:28:25.975Z"}"#,
            #"{"id":"user_01EVVCH23QNJR0W166M62D7ZC2","email":"a@example.com","createdAt":"2021-01-12T13:28:25.975Z","metadata":{"n":1}}"#,
        ] {
            #expect(throws: SeedError.self, "\(bad)") { try Factory().makeUser(from: try JSONValue.parse(bad), path: "$.users[0]") }
        }
    }
}
