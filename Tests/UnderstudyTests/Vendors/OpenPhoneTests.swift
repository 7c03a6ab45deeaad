import HTTPCore
import Testing
@testable import Understudy

struct OpenPhoneTests {
    static let admin = "openphone-test-key"
    static let member = "openphone-member-key"
    typealias Failure = OpenPhone.Failure

    private func list(_ app: UnderstudyApp, _ query: String = "", authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/v1/users\(query)", authorization: authorization))
    }

    private func ids(_ json: JSONValue) throws -> [String] {
        try #require(json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }

    /// OpenPhone's envelope, spelled out so a change of key order or code shows up.
    private static func envelope(_ status: Int, _ code: String, _ title: String, _ message: String, errors: String? = nil) -> String {
        #"{"message":""# + message + #"","code":""# + code + #"","status":\#(status),"docs":"https://openphone.com/docs","title":""# + title + #"""#
            + (errors.map { #","errors":"# + $0 } ?? "") + "}"
    }

    private static func validation(_ error: String) -> String {
        envelope(400, "1100400", "Bad Request", "Validation failed for 1 field.", errors: "[" + error + "]")
    }

    // MARK: - Success

    @Test func firstPage_isTheDocumentedShape() throws {
        let app = try makeApp()
        let response = list(app, "?maxResults=10")
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let expected = seededJSON(app, "openphone").prefix(10).joined(separator: ",")
        // The token is position-keyed (sequence 10) and pinned: it must not change between releases.
        #expect(response.text == #"{"data":["# + expected + #"],"totalItems":137,"nextPageToken":"CApmBRdEcI4Siw"}"#)
    }

    @Test func usersAreServedExactlyAsSeeded() throws {
        let app = try makeApp()
        let page = list(app, "?maxResults=4").text
        // Written out by hand from Seeds/openphone.json: key order, nulls present, no milliseconds.
        #expect(page.hasPrefix(#"{"data":[{"id":"USH0t5qpBA","email":"zainab.rahman@example.net","firstName":"Zainab","lastName":"Rahman","pictureUrl":"https://cdn.example.com/avatars/USH0t5qpBA.jpg","role":"owner","createdAt":"2021-01-03T04:28:07Z","updatedAt":"2021-02-20T08:58:27Z"},"#))
        #expect(page.contains(#"{"id":"USweOYjcFe","email":"anikao@example.com","firstName":"Anika","lastName":"Okonkwo","pictureUrl":null,"role":"member","createdAt":"2021-02-21T16:07:06Z","updatedAt":"2021-07-30T20:53:43Z"}]"#))
        // Every user, walked at the maximum page size, equals its seed object key for key.
        let seeds = try #require(try JSONValue.parse(EmbeddedData.seed("openphone")!)["users"]?.arrayValue)
        var listed: [JSONValue] = []
        var token = ""
        while true {
            let json = try list(app, "?maxResults=50" + (token.isEmpty ? "" : "&pageToken=\(token)")).json()
            listed += try #require(json["data"]?.arrayValue)
            guard let next = json["nextPageToken"]?.stringValue else { break }
            token = next
        }
        #expect(listed == seeds)
    }

    @Test func walkingEveryPageSize_listsEveryUserOnceInOrder() throws {
        let app = try makeApp()
        let expected = seededIDs(app, "openphone")
        for size in 1...50 {
            var seen: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let json = try list(app, "?maxResults=\(size)" + (token.map { "&pageToken=\($0)" } ?? "")).json()
                seen += try ids(json)
                #expect(json["totalItems"]?.intValue == 137)
                token = json["nextPageToken"]?.stringValue
                if token == nil { #expect(json["nextPageToken"] == .null) }
                pages += 1
            } while token != nil && pages <= expected.count
            #expect(seen == expected, "maxResults \(size)")
            #expect(pages == (expected.count + size - 1) / size, "maxResults \(size)")
        }
    }

    @Test func pageSizeMayChangeBetweenPages() throws {
        let app = try makeApp()
        let expected = seededIDs(app, "openphone")
        let first = try list(app, "?maxResults=3").json()
        let token = try #require(first["nextPageToken"]?.stringValue)
        let second = try list(app, "?maxResults=50&pageToken=\(token)").json()
        #expect(try ids(first) + ids(second) == Array(expected.prefix(53)))
    }

    @Test func usersAddedOrDeletedBetweenPages_neverDuplicateOrSkip() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "openphone"))
        let original = seededIDs(app, "openphone")
        let first = try list(app, "?maxResults=5").json()
        let firstIDs = try ids(first)
        // An earlier user of page one, its last user and a later user are deleted; a new user arrives.
        _ = store.remove(id: firstIDs[1])
        _ = store.remove(id: firstIDs[4])
        _ = store.remove(id: original[8])
        let added = StoredUser(id: "USaddedUser", email: "added@example.com", json: Array(#"{"id":"USaddedUser"}"#.utf8))
        #expect(store.append(added))
        var seen = firstIDs
        var token = first["nextPageToken"]?.stringValue
        while let next = token {
            let json = try list(app, "?maxResults=5&pageToken=\(next)").json()
            seen += try ids(json)
            #expect(json["totalItems"]?.intValue == 135)
            token = json["nextPageToken"]?.stringValue
        }
        #expect(seen == original.filter { $0 != original[8] } + ["USaddedUser"])
    }

    @Test func emptyWorkspaceAndATokenPastTheEnd_giveAnEmptyLastPage() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "openphone"))
        let ids = seededIDs(app, "openphone")
        let token = try #require(try list(app, "?maxResults=50").json()["nextPageToken"]?.stringValue)
        for id in ids.dropFirst(50) { _ = store.remove(id: id) }
        #expect(list(app, "?maxResults=50&pageToken=\(token)").text == #"{"data":[],"totalItems":50,"nextPageToken":null}"#)
        for id in ids.prefix(50) { _ = store.remove(id: id) }
        #expect(list(app, "?maxResults=10").text == #"{"data":[],"totalItems":0,"nextPageToken":null}"#)
    }

    @Test func emptyPageToken_countsAsAbsent() throws {
        let app = try makeApp()
        #expect(list(app, "?maxResults=7&pageToken=").body == list(app, "?maxResults=7").body)
    }

    // MARK: - Auth

    /// The live v1 401 `{"error":{"message","key":"Unauthorized","trace"}}`, trace checked for shape.
    static func expectLive401(_ response: HTTPResponse, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .unauthorized, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/json", sourceLocation: sourceLocation)
        let trace = try #require(try response.json()["error"]?["trace"]?.stringValue, sourceLocation: sourceLocation)
        #expect(!trace.isEmpty && trace.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }, sourceLocation: sourceLocation)
        #expect(response.text == #"{"error":{"message":""# + message + #"","key":"Unauthorized","trace":""# + trace + #""}}"#, sourceLocation: sourceLocation)
    }

    @Test func authFailures_renderTheLive401AndTheEnvelopes403() throws {
        let app = try makeApp()
        for (authorization, message) in [(nil, Failure.missingKeyMessage), ("  ", Failure.missingKeyMessage),
                                         ("Bearer openphone-test-key", Failure.invalidKeyMessage),
                                         ("openphone-test-keyx", Failure.invalidKeyMessage),
                                         ("OPENPHONE-TEST-KEY", Failure.invalidKeyMessage)] as [(String?, String)] {
            try Self.expectLive401(list(app, "?maxResults=5", authorization: authorization), message)
            try Self.expectLive401(app.handle(.make("/v1/users/USH0t5qpBA", authorization: authorization)), message)
        }
        #expect(Failure.missingKeyMessage == "Missing authorization header")
        #expect(Failure.invalidKeyMessage == "Unauthorized")
        // The trace is stable for one request and differs between requests.
        #expect(list(app, "?maxResults=5", authorization: nil).body == list(app, "?maxResults=5", authorization: nil).body)
        #expect(list(app, "?maxResults=5", authorization: nil).body != list(app, "?maxResults=6", authorization: nil).body)
        // Surrounding whitespace is not part of the key.
        #expect(list(app, "?maxResults=5", authorization: " openphone-test-key ").status == .ok)
        let member = list(app, "?maxResults=5", authorization: Self.member)
        #expect(member.status == .forbidden)
        #expect(member.text == Self.envelope(403, "1100403", "Forbidden", "You do not have permission to access this resource"))
        #expect(app.handle(.make("/v1/users/USH0t5qpBA", authorization: Self.member)).text == member.text)
        // Authentication comes before query validation.
        try Self.expectLive401(list(app, "?maxResults=0", authorization: nil), Failure.missingKeyMessage)
        #expect(list(app, "?maxResults=0", authorization: Self.member).status == .forbidden)
        try Self.expectLive401(app.handle(.make("/v1/users/nope")), Failure.missingKeyMessage)
    }

    // MARK: - Default page size

    @Test func missingOrEmptyMaxResults_returnsTheDefaultTenUsers() throws {
        let app = try makeApp()
        let expected = seededJSON(app, "openphone").prefix(10).joined(separator: ",")
        let body = #"{"data":["# + expected + #"],"totalItems":137,"nextPageToken":"CApmBRdEcI4Siw"}"#
        #expect(list(app).text == body)
        #expect(list(app, "?maxResults=").text == body)
        #expect(list(app, "?maxresults=5").text == body)
        #expect(list(app, "?maxResults=10").text == body)
    }

    // MARK: - Query validation

    @Test(arguments: [
        ("?maxResults=abc", #"{"path":"/query/maxResults","message":"must be integer","value":"abc","schema":{"type":"integer"}}"#),
        ("?maxResults=1.5", #"{"path":"/query/maxResults","message":"must be integer","value":"1.5","schema":{"type":"integer"}}"#),
        ("?maxResults=+5", #"{"path":"/query/maxResults","message":"must be integer","value":" 5","schema":{"type":"integer"}}"#),
        ("?maxResults=%22x%22", #"{"path":"/query/maxResults","message":"must be integer","value":"\"x\"","schema":{"type":"integer"}}"#),
        ("?maxResults=1&maxResults=2", #"{"path":"/query/maxResults","message":"must be integer","value":["1","2"],"schema":{"type":"integer"}}"#),
        ("?maxResults=0", #"{"path":"/query/maxResults","message":"must be >= 1","value":0,"schema":{"type":"integer"}}"#),
        ("?maxResults=-0", #"{"path":"/query/maxResults","message":"must be >= 1","value":0,"schema":{"type":"integer"}}"#),
        ("?maxResults=-5", #"{"path":"/query/maxResults","message":"must be >= 1","value":-5,"schema":{"type":"integer"}}"#),
        ("?maxResults=51", #"{"path":"/query/maxResults","message":"must be <= 50","value":51,"schema":{"type":"integer"}}"#),
        ("?maxResults=0051", #"{"path":"/query/maxResults","message":"must be <= 50","value":51,"schema":{"type":"integer"}}"#),
        ("?maxResults=99999999999999999999", #"{"path":"/query/maxResults","message":"must be <= 50","value":99999999999999999999,"schema":{"type":"integer"}}"#),
        ("?maxResults=5&pageToken=a&pageToken=b", #"{"path":"/query/pageToken","message":"must be string","value":["a","b"],"schema":{"type":"string"}}"#),
        // maxResults is checked before the token.
        ("?maxResults=0&pageToken=garbage", #"{"path":"/query/maxResults","message":"must be >= 1","value":0,"schema":{"type":"integer"}}"#),
    ])
    func badMaxResults_isAValidation400(query: String, error: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.validation(error))
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func boundaryPageSizes_areAccepted() throws {
        let app = try makeApp()
        #expect(try ids(list(app, "?maxResults=1").json()).count == 1)
        #expect(try ids(list(app, "?maxResults=050").json()).count == 50)
    }

    @Test func badTokens_areA400() throws {
        let app = try makeApp()
        let invalid = Self.envelope(400, "1100400", "Bad Request", "Invalid pageToken")
        let good = "CApmBRdEcI4Siw"  // sequence 10, as issued by page one at maxResults=10
        #expect(list(app, "?maxResults=5&pageToken=\(good)").status == .ok)
        let foreign = [
            Base64.encode(PageToken.encode(sequence: 10, scope: "factory||"), urlSafe: true),
            Base64.encode(PageToken.encode(sequence: 10, scope: "1password||"), urlSafe: true),
            Base64.encode(PageToken.encode(sequence: 10, scope: "openphone|other|"), urlSafe: true),
        ]
        let bad = [
            "CApmBRdEcI4Sig",          // edited: last character changes MAC bits
            "CApnBRdEcI4Siw",          // edited: sequence bits
            "CApmBRdEcI4Si",           // truncated
            "CApmBRdEcI4S",            // truncated on a byte boundary
            "CApmBRdEcI4Six",          // same bytes, unused trailing bits flipped: not canonical
            "CApmBRdEcI4Siw%3D%3D",    // padded
            "CIkB%2BI0L6bwFKkM",       // standard alphabet (`+`) of the sequence-137 token CIkB-I0L6bwFKkM
            "CMgBfYoU0NOs%2FCM",       // standard alphabet (`/`) of the sequence-200 token CMgBfYoU0NOs_CM
            "%20CApmBRdEcI4Siw",       // whitespace
            "abc", "AAAAAAAAAAAAAA", "null",
        ] + foreign
        for token in bad {
            let response = list(app, "?maxResults=5&pageToken=\(token)")
            #expect(response.status == .badRequest, "\(token)")
            #expect(response.text == invalid, "\(token)")
        }
        // The URL-safe spellings of the last two are real tokens (pointing past the end of the list).
        #expect(list(app, "?maxResults=5&pageToken=CIkB-I0L6bwFKkM").text == #"{"data":[],"totalItems":137,"nextPageToken":null}"#)
        #expect(list(app, "?maxResults=5&pageToken=CMgBfYoU0NOs_CM").status == .ok)
    }

    // MARK: - Faults, routing, determinism

    @Test(arguments: [
        (401, ""),
        (403, #"{"message":"You do not have permission to access this resource","code":"1100403","status":403,"docs":"https://openphone.com/docs","title":"Forbidden"}"#),
        (404, #"{"message":"Not Found","code":"1100404","status":404,"docs":"https://openphone.com/docs","title":"Not Found"}"#),
        (409, #"{"message":"Conflict","code":"1100409","status":409,"docs":"https://openphone.com/docs","title":"Conflict"}"#),
        (422, #"{"message":"Unprocessable Entity","code":"1100422","status":422,"docs":"https://openphone.com/docs","title":"Unprocessable Entity"}"#),
        (429, #"{"message":"Rate limit exceeded","code":"1100429","status":429,"docs":"https://openphone.com/docs","title":"Too Many Requests"}"#),
        (500, #"{"message":"An unknown error occurred while fetching users","code":"1101500","status":500,"docs":"https://openphone.com/docs","title":"Unknown"}"#),
        (502, #"{"message":"Bad Gateway","code":"1100502","status":502,"docs":"https://openphone.com/docs","title":"Bad Gateway"}"#),
        (503, #"{"message":"Service Unavailable","code":"1100503","status":503,"docs":"https://openphone.com/docs","title":"Service Unavailable"}"#),
        (504, #"{"message":"Gateway Timeout","code":"1100504","status":504,"docs":"https://openphone.com/docs","title":"Gateway Timeout"}"#),
    ])
    func injectedFaults_renderTheV1EnvelopeOnBothRoutes(code: Int, body: String) throws {
        let app = try makeApp()
        for path in ["/v1/users?maxResults=5&__status=\(code)", "/v1/users/USH0t5qpBA?__status=\(code)", "/openphone/v1/users?__status=\(code)"] {
            let response = app.handle(.make(path, authorization: Self.admin))
            #expect(response.status.code == code, "\(path)")
            #expect(response.headers["Content-Type"] == "application/json")
            if code == 401 {
                try Self.expectLive401(response, Failure.invalidKeyMessage)
            } else {
                #expect(response.text == body, "\(path)")
            }
            #expect(response.headers["Retry-After"] == nil)
        }
    }

    @Test func unknownPathsAndMethodsUnderThePrefix_getExpresssHTML404() throws {
        let app = try makeApp()
        #expect(app.handle(.make("/openphone/v1/users?maxResults=3", authorization: Self.admin)).body == list(app, "?maxResults=3").body)
        let cases = [("GET", "/openphone/v1/userz?x=1", "Cannot GET /v1/userz"), ("POST", "/openphone/v1/users", "Cannot POST /v1/users"),
                     ("DELETE", "/openphone/users/USH0t5qpBA", "Cannot DELETE /users/USH0t5qpBA"),
                     ("GET", "/openphone/v1/users/US1/x<y>", "Cannot GET /v1/users/US1/x&lt;y&gt;"), ("GET", "/openphone/v2/users", "Cannot GET /v2/users")]
        for (method, path, message) in cases {
            let response = app.handle(.make(path, authorization: Self.admin, method: method))
            #expect(response.status == .notFound, "\(path)")
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(response.headers["Content-Security-Policy"] == "default-src 'none'")
            #expect(response.headers["X-Content-Type-Options"] == "nosniff")
            #expect(response.text == "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>\(message)</pre>\n</body>\n</html>\n", "\(path)")
        }
    }

    @Test func identicalRequests_getIdenticalBodies() throws {
        let first = list(try makeApp(), "?maxResults=7")
        let second = list(try makeApp(), "?maxResults=7")
        #expect(first.body == second.body)
        let token = try #require(try first.json()["nextPageToken"]?.stringValue)
        #expect(list(try makeApp(), "?maxResults=7&pageToken=\(token)").body == list(try makeApp(), "?maxResults=7&pageToken=\(token)").body)
    }

    @Test func seedsAreValidated() throws {
        let user = #"{"id":"USx","email":"a@example.com","firstName":null,"lastName":null,"pictureUrl":null,"role":"member","createdAt":"2022-01-01T00:00:00Z","updatedAt":"2022-01-01T00:00:00.000Z"}"#
        #expect(throws: SeedError.self) { try OpenPhone().makeUser(from: try JSONValue.parse(user), path: "$.users[0]") }
        let noPicture = #"{"id":"USx","email":"a@example.com","firstName":null,"lastName":null,"role":"member","createdAt":"2022-01-01T00:00:00Z","updatedAt":"2022-01-01T00:00:00Z"}"#
        #expect(throws: SeedError.self) { try OpenPhone().makeUser(from: try JSONValue.parse(noPicture), path: "$.users[0]") }
        let wrongID = #"{"id":"ux","email":"a@example.com","firstName":null,"lastName":null,"pictureUrl":null,"role":"member","createdAt":"2022-01-01T00:00:00Z","updatedAt":"2022-01-01T00:00:00Z"}"#
        #expect(throws: SeedError.self) { try OpenPhone().makeUser(from: try JSONValue.parse(wrongID), path: "$.users[0]") }
    }
}
