import HTTPCore
import Testing
@testable import Understudy

struct OpenAIAdminTests {
    static let admin = "Bearer sk-admin-understudy-test"
    typealias Failure = OpenAIAdmin.Failure

    private func list(_ app: UnderstudyApp, _ query: String = "", authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/v1/organization/users\(query)", authorization: authorization))
    }

    private func ids(_ response: HTTPResponse) throws -> [String] {
        try #require(try response.json()["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }

    @Test func firstPage_isTheDocumentedShapeWithDefaultLimit() throws {
        let app = try makeApp()
        let response = list(app)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let expected = seededJSON(app, "openai").prefix(20).joined(separator: ",")
        let ids = seededIDs(app, "openai")
        #expect(response.text == #"{"object":"list","data":["# + expected + #"],"first_id":""# + ids[0] + #"","last_id":""# + ids[19] + #"","has_more":true}"#)
    }

    @Test func walkingEveryPageSize_listsEveryUserOnceInOrder() throws {
        let app = try makeApp()
        let expected = seededIDs(app, "openai")
        for limit in 1...100 {
            var seen: [String] = []
            var after = ""
            var pages = 0
            while true {
                let json = try list(app, "?limit=\(limit)\(after.isEmpty ? "" : "&after=\(after)")").json()
                seen += try #require(json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
                pages += 1
                guard json["has_more"]?.boolValue == true, pages <= expected.count else { break }
                after = try #require(json["last_id"]?.stringValue)
            }
            #expect(seen == expected, "limit \(limit)")
        }
    }

    @Test func usersAddedOrDeletedBetweenPages_neverDuplicateOrSkip() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "openai"))
        let original = seededIDs(app, "openai")
        let first = try list(app, "?limit=5").json()
        let firstIDs = try #require(first["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
        // The last user of page one is deleted, a later user is deleted, and a new user arrives.
        _ = store.remove(id: firstIDs[4])
        _ = store.remove(id: original[8])
        let added = StoredUser(id: "user-added", email: "added@example.com", json: Array(#"{"id":"user-added"}"#.utf8))
        #expect(store.append(added))
        var seen = firstIDs
        var after = firstIDs[4]
        while true {
            let json = try list(app, "?limit=5&after=\(after)").json()
            seen += try #require(json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            guard json["has_more"]?.boolValue == true else { break }
            after = try #require(json["last_id"]?.stringValue)
        }
        #expect(seen == original.filter { $0 != original[8] } + ["user-added"])
    }

    @Test func emailsFilter_matchesCaseInsensitivelyAcrossBothSpellings() throws {
        let app = try makeApp()
        let users = app.seed(for: "openai")!.users
        let response = list(app, "?emails[]=\(users[3].email.uppercased())&emails=\(users[1].email)")
        #expect(try ids(response) == [users[1].id, users[3].id])
        #expect(try ids(list(app, "?emails[]=nobody@example.com")) == [])
        #expect(try list(app, "?emails[]=nobody@example.com").json()["first_id"] == .null)
        // Only empty values still filter (nobody has an empty email): no page of everyone.
        #expect(try ids(list(app, "?emails=")) == [])
        #expect(try ids(list(app, "?emails[]=&limit=2")) == [])
        #expect(try ids(list(app, "?limit=2")).count == 2)
    }

    @Test func authFailures_renderOpenAIsEnvelope() {
        let app = try! makeApp()
        let missing = list(app, authorization: nil)
        #expect(missing.status == .unauthorized)
        #expect(missing.text == #"{"error":{"message":""# + Failure.missingKeyMessage + #"","type":"invalid_request_error","param":null,"code":null}}"#)
        #expect(list(app, authorization: "Basic abc").text == missing.text)
        #expect(list(app, authorization: "Bearer").text == missing.text)
        let unknown = list(app, authorization: "Bearer sk-admin-understudy-unknown-key-0000")
        #expect(unknown.status == .unauthorized)
        #expect(unknown.text == #"{"error":{"message":"Incorrect API key provided: sk-admin************************0000. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#)
        let member = list(app, authorization: "Bearer sk-proj-understudy-test")
        #expect(member.status == .forbidden)
        #expect(member.text.contains(Failure.insufficientPermissionsMessage))
    }

    @Test(arguments: [
        ("?limit=101", #"{"error":{"message":"Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.","type":"invalid_request_error","param":"limit","code":"integer_above_max_value"}}"#),
        ("?limit=0", #"{"error":{"message":"Invalid 'limit': integer below minimum value. Expected a value >= 1, but got 0 instead.","type":"invalid_request_error","param":"limit","code":"integer_below_min_value"}}"#),
        ("?limit=-3", #"{"error":{"message":"Invalid 'limit': integer below minimum value. Expected a value >= 1, but got -3 instead.","type":"invalid_request_error","param":"limit","code":"integer_below_min_value"}}"#),
        ("?limit=1.5", #"{"error":{"message":"Invalid type for 'limit': expected an integer, but got a string instead.","type":"invalid_request_error","param":"limit","code":"invalid_type"}}"#),
        ("?after=user-doesnotexist", #"{"error":{"message":"Invalid 'after': no user with ID 'user-doesnotexist' in this organization.","type":"invalid_request_error","param":"after","code":null}}"#),
    ])
    func badQuery_isA400InOpenAIsWords(query: String, body: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == body)
    }

    @Test func identicalRequests_getIdenticalBodies() throws {
        let first = list(try makeApp(), "?limit=7")
        let second = list(try makeApp(), "?limit=7")
        #expect(first.body == second.body)
        #expect(first.headers["x-request-id"] == second.headers["x-request-id"])
    }

    @Test func prefixedPath_servesTheSameAndUnknownPathsGetOpenAIs404() throws {
        let app = try makeApp()
        #expect(app.handle(.make("/openai/v1/organization/users?limit=3", authorization: Self.admin)).body == list(app, "?limit=3").body)
        let missing = app.handle(.make("/openai/v1/organization/userz", authorization: Self.admin))
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"error":{"message":"Invalid URL (GET /v1/organization/userz)","type":"invalid_request_error","param":null,"code":null}}"#)
    }
}
