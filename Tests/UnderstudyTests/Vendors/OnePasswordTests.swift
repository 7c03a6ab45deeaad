import HTTPCore
import Testing
@testable import Understudy

struct OnePasswordTests {
    static let admin = "Bearer 1password-test-token"
    static let account = "UNDERSTUDYTESTACCOUNT00001"
    static let path = "/v1beta1/accounts/\(account)/users"

    private func list(_ app: UnderstudyApp, _ query: String = "", account: String = account, authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/v1beta1/accounts/\(account)/users\(query)", authorization: authorization))
    }

    private func ids(_ json: JSONValue) throws -> [String] {
        try #require(json["results"]?.arrayValue).compactMap { $0["id"]?.stringValue }
    }

    private static func error(_ code: Int, _ message: String) -> String { #"{"code":"# + "\(code)" + #","message":""# + message + #"","details":[]}"# }

    /// Walks every page with `max_page_size=size`, returning the ids seen and the number of pages.
    private func walk(_ app: UnderstudyApp, size: Int, filter: String = "", limit: Int = 2000) throws -> (ids: [String], pages: Int) {
        var seen: [String] = []
        var token: String?
        var pages = 0
        while pages < limit {
            var query = "?max_page_size=\(size)"
            if !filter.isEmpty { query += "&filter=\(filter)" }
            if let token { query += "&page_token=\(Self.percentEncoded(token))" }
            let response = list(app, query)
            try #require(response.status == .ok, "\(query): \(response.text)")
            let json = try response.json()
            let page = try ids(json)
            seen += page
            pages += 1
            guard let next = json["next_page_token"] else { break }
            let text = try #require(next.stringValue)
            #expect(!text.isEmpty && !page.isEmpty, "a non-final page carries a token and users")
            token = text
        }
        return (seen, pages)
    }

    /// What an HTTP client does to a token placed in a query string (`+`, `/` escaped).
    static func percentEncoded(_ token: String) -> String {
        token.utf8.map { byte in
            switch byte {
            case UInt8(ascii: "+"): "%2B"
            case UInt8(ascii: "/"): "%2F"
            case UInt8(ascii: "="): "%3D"
            default: String(UnicodeScalar(byte))
            }
        }.joined()
    }

    @Test func firstPage_isTheDocumentedShapeWithDefaultSizeAndAToken() throws {
        let app = try makeApp()
        let response = list(app)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        let token = Base64.encode(PageToken.encode(sequence: 25, scope: "1password|\(Self.account)|"))
        #expect(token == "CBldq/LqIvnkrg")
        #expect(response.text == #"{"results":["# + seededJSON(app, "1password").prefix(25).joined(separator: ",") + #"],"next_page_token":"CBldq/LqIvnkrg"}"#)
        // The first seed user, byte for byte in the doc's key order.
        let first = #"{"id":"PLRBRF65IP6E6TZUNKKZMU6ZOX","email":"mohammed_johnson@example.org","display_name":"Mohammed Johnson","state":"SUSPENDED","create_time":"2021-01-06T11:38:59Z","path":"accounts/UNDERSTUDYTESTACCOUNT00001/users/PLRBRF65IP6E6TZUNKKZMU6ZOX"}"#
        #expect(try #require(seededJSON(app, "1password").first) == first)
    }

    @Test func lastPage_omitsNextPageToken() throws {
        let app = try makeApp()
        let seed = try #require(app.seed(for: "1password"))
        let suspended = seed.users.filter(\.isSuspended).map { String(decoding: $0.json, as: UTF8.self) }
        #expect(suspended.count == 19)
        #expect(list(app, "?filter=user.isSuspended()&max_page_size=100").text == #"{"results":["# + suspended.joined(separator: ",") + "]}")
        #expect(list(app, "?max_page_size=131").text == #"{"results":["# + seededJSON(app, "1password").joined(separator: ",") + "]}")
        // Exactly one page's worth left: the last full page has no token (no empty trailing page).
        let all = try walk(app, size: 131)
        #expect(all.pages == 1)
    }

    @Test func walkingEveryPageSize_listsEveryUserOnceInOrder() throws {
        let app = try makeApp()
        let seed = try #require(app.seed(for: "1password"))
        let expected: [(String, [String])] = [
            ("", seed.users.map(\.id)),
            ("user.isActive()", seed.users.filter { !$0.isSuspended }.map(\.id)),
            ("user.isSuspended()", seed.users.filter(\.isSuspended).map(\.id)),
        ]
        for (filter, ids) in expected {
            for size in 1...1000 {
                let walked = try walk(app, size: size, filter: filter)
                #expect(walked.ids == ids, "size \(size), filter \(filter)")
                #expect(walked.pages == max(1, (ids.count + size - 1) / size), "size \(size), filter \(filter)")
            }
        }
    }

    @Test func usersAddedOrDeletedBetweenPages_neverDuplicateOrSkip() throws {
        for filter in ["", "user.isActive()"] {
            let app = try makeApp()
            let store = try #require(app.store(for: "1password"))
            let original = store.snapshot().users.filter { filter.isEmpty || !$0.isSuspended }.map(\.id)
            let query = "?max_page_size=5" + (filter.isEmpty ? "" : "&filter=\(filter)")
            let first = try list(app, query).json()
            let firstIDs = try ids(first)
            var token = try #require(first["next_page_token"]?.stringValue)
            // The last user of page one is deleted, a later user is deleted, and a new user arrives.
            _ = store.remove(id: firstIDs[4])
            _ = store.remove(id: original[8])
            let added = StoredUser(id: "ADDEDUSER22222222222222222", email: "added@example.com", json: Array(#"{"id":"ADDEDUSER22222222222222222"}"#.utf8))
            #expect(store.append(added))
            var seen = firstIDs
            while true {
                let json = try list(app, query + "&page_token=\(Self.percentEncoded(token))").json()
                seen += try ids(json)
                guard let next = json["next_page_token"]?.stringValue else { break }
                token = next
            }
            #expect(seen == original.filter { $0 != original[8] } + ["ADDEDUSER22222222222222222"], "filter \(filter)")
        }
    }

    @Test func pageSizeBoundsAndAliases() throws {
        let app = try makeApp()
        let all = seededJSON(app, "1password")
        let everyone = #"{"results":["# + all.joined(separator: ",") + "]}"
        #expect(list(app, "?max_page_size=0").body == list(app).body)
        #expect(list(app, "?max_page_size=-0").body == list(app).body)
        #expect(list(app, "?max_page_size=5000").text == everyone)  // coerced to 1000 (AIP-158)
        #expect(list(app, "?max_page_size=2147483647").text == everyone)
        #expect(list(app, "?max_page_size=%2B3").body == list(app, "?max_page_size=3").body)  // Go ParseInt takes "+3"
        #expect(list(app, "?maxPageSize=3").body == list(app, "?max_page_size=3").body)
        let token = try #require(try list(app, "?max_page_size=3").json()["next_page_token"]?.stringValue)
        let next = list(app, "?max_page_size=3&pageToken=\(Self.percentEncoded(token))")
        #expect(next.body == list(app, "?max_page_size=3&page_token=\(Self.percentEncoded(token))").body)
        #expect(try ids(next.json()) == Array(seededIDs(app, "1password")[3..<6]))
        // The size may change between pages (AIP-158); a token alone gets the default 25 again.
        #expect(try ids(list(app, "?page_token=\(Self.percentEncoded(token))").json()) == Array(seededIDs(app, "1password")[3..<28]))
        #expect(list(app, "?filter=&unknown=x").body == list(app).body)
    }

    @Test func authAndAccountFailures() throws {
        let app = try makeApp()
        let unauthenticated = Self.error(16, "unauthenticated")
        for header in [nil, "", "Basic abc", "Bearer", "Bearer nope", "1password-test-token", "Bearer  1password-test-token"] as [String?] {
            let response = list(app, authorization: header)
            #expect(response.status == .unauthorized, "\(header ?? "nil")")
            #expect(response.text == unauthenticated, "\(header ?? "nil")")
            #expect(response.headers["Content-Type"] == "application/json")
        }
        #expect(list(app, authorization: "bearer 1password-test-token").status == .ok)
        let member = list(app, authorization: "Bearer 1password-member-token")
        #expect(member.status == .forbidden)
        #expect(member.text == Self.error(7, "permission_denied"))
        let foreign = list(app, account: "ACCOUNT123")
        #expect(foreign.status == .notFound)
        #expect(foreign.text == Self.error(5, "account_not_found"))
        // Order: 401, then 403, then the account, then the query.
        #expect(list(app, "?filter=bad", account: "ACCOUNT123", authorization: nil).status == .unauthorized)
        #expect(list(app, "?filter=bad", account: "ACCOUNT123", authorization: "Bearer 1password-member-token").status == .forbidden)
        #expect(list(app, "?filter=bad", account: "ACCOUNT123").status == .notFound)
    }

    @Test(arguments: [
        ("?max_page_size=abc", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"abc\": invalid syntax","details":[]}"#),
        ("?maxPageSize=1.5", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"1.5\": invalid syntax","details":[]}"#),
        ("?max_page_size=3000000000", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"3000000000\": value out of range","details":[]}"#),
        ("?max_page_size=2147483648", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"2147483648\": value out of range","details":[]}"#),
        ("?max_page_size=-2147483649", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"-2147483649\": value out of range","details":[]}"#),
        ("?max_page_size=99999999999x", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"99999999999x\": value out of range","details":[]}"#),
        // grpc-gateway v2 passes an empty value to strconv.ParseInt for an int32 field.
        ("?max_page_size=", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"\": invalid syntax","details":[]}"#),
        ("?maxPageSize=", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"\": invalid syntax","details":[]}"#),
        ("?max_page_size=%2B", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"+\": invalid syntax","details":[]}"#),
        ("?max_page_size=%22a%5Cb%09", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"\\\"a\\\\b\\t\": invalid syntax","details":[]}"#),
        ("?max_page_size=1+0", #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"1 0\": invalid syntax","details":[]}"#),
        ("?max_page_size=10&max_page_size=20", #"{"code":3,"message":"too many values for field \"max_page_size\": 10, 20","details":[]}"#),
        ("?maxPageSize=10&max_page_size=20", #"{"code":3,"message":"too many values for field \"max_page_size\": 10, 20","details":[]}"#),
        ("?filter=user.isActive()&filter=user.isActive()", #"{"code":3,"message":"too many values for field \"filter\": user.isActive(), user.isActive()","details":[]}"#),
        ("?page_token=a&pageToken=b", #"{"code":3,"message":"too many values for field \"page_token\": a, b","details":[]}"#),
        ("?filter=user.isactive()", #"{"code":3,"message":"invalid_filter","details":[]}"#),
        ("?filter=user.isActive()%20", #"{"code":3,"message":"invalid_filter","details":[]}"#),
        ("?filter=user.isActive()%20OR%20user.isSuspended()", #"{"code":3,"message":"invalid_filter","details":[]}"#),
        ("?filter=state%3DACTIVE&max_page_size=-1&page_token=x", #"{"code":3,"message":"invalid_filter","details":[]}"#),
        ("?max_page_size=-1&page_token=x", #"{"code":3,"message":"invalid_page_size","details":[]}"#),
        ("?page_token=CAIQAg", #"{"code":3,"message":"invalid_page_token","details":[]}"#),
        ("?page_token=not%20base64", #"{"code":3,"message":"invalid_page_token","details":[]}"#),
    ])
    func badQuery_isInvalidArgument(query: String, body: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == body)
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func alteredOrForeignTokens_areInvalid() throws {
        let app = try makeApp()
        let invalid = Self.error(3, "invalid_page_token")
        let token = try #require(try list(app, "?max_page_size=5").json()["next_page_token"]?.stringValue)
        let bytes = try #require(Base64.decode(token))
        #expect(list(app, "?page_token=\(Self.percentEncoded(token))").status == .ok)
        var variants: [String] = [
            String(token.dropLast()),  // truncated
            token + "A",  // extended
            token + "=",  // padded
            Base64.encode(bytes, padded: true),
            Base64.encode(bytes, urlSafe: true),  // other alphabet (skipped below when it does not differ)
            Base64.encode(Array(bytes.dropLast())),  // a byte short
            Base64.encode(PageToken.encode(sequence: 5, scope: "1password|ACCOUNT123|")),  // other account
            Base64.encode(PageToken.encode(sequence: 5, scope: "1password|\(Self.account)|user.isActive()")),  // other filter
            Base64.encode(PageToken.encode(sequence: 5, scope: "openphone|\(Self.account)|")),  // other vendor
        ]
        for index in bytes.indices {  // every single-bit edit of every byte
            var edited = bytes
            edited[index] ^= 0x01
            variants.append(Base64.encode(edited))
        }
        // Unused trailing bits of the last base64 digit: decodes to the same bytes but is not canonical.
        let last = token.utf8.last!
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        let position = alphabet.firstIndex(of: last)!
        variants.append(String(token.dropLast()) + String(UnicodeScalar(alphabet[position ^ 1])))
        for variant in variants where variant != token {
            let response = list(app, "?max_page_size=5&page_token=\(Self.percentEncoded(variant))")
            #expect(response.status == .badRequest, "\(variant)")
            #expect(response.text == invalid, "\(variant)")
        }
        // A token from one filter does not resume another (AIP-158).
        let active = try #require(try list(app, "?filter=user.isActive()&max_page_size=5").json()["next_page_token"]?.stringValue)
        #expect(list(app, "?page_token=\(Self.percentEncoded(active))").text == invalid)
        #expect(list(app, "?filter=user.isSuspended()&page_token=\(Self.percentEncoded(active))").text == invalid)
        #expect(list(app, "?filter=user.isActive()&page_token=\(Self.percentEncoded(active))").status == .ok)
    }

    @Test func rawPlusInAToken_isRejectedLikeAGoServerWould() throws {
        let app = try makeApp()
        // Find a page whose token contains '+', then send it unescaped: the query decodes '+' to a space.
        for size in 1...60 {
            let token = try #require(try list(app, "?max_page_size=\(size)").json()["next_page_token"]?.stringValue)
            guard token.contains("+") else { continue }
            #expect(list(app, "?max_page_size=\(size)&page_token=\(token)").text == Self.error(3, "invalid_page_token"))
            #expect(list(app, "?max_page_size=\(size)&page_token=\(Self.percentEncoded(token))").status == .ok)
            return
        }
        Issue.record("no token with '+' among the first 60 page sizes")
    }

    @Test(arguments: [
        (400, #"{"code":3,"message":"invalid_argument","details":[]}"#),
        (401, #"{"code":16,"message":"unauthenticated","details":[]}"#),
        (403, #"{"code":7,"message":"permission_denied","details":[]}"#),
        (404, #"{"code":5,"message":"Not Found","details":[]}"#),
        (405, #"{"code":12,"message":"Method Not Allowed","details":[]}"#),
        (409, #"{"code":10,"message":"aborted","details":[]}"#),
        (429, #"{"code":8,"message":"rate_limited","details":[]}"#),
        (500, #"{"code":13,"message":"internal","details":[]}"#),
        (502, #"{"code":14,"message":"bad_gateway","details":[]}"#),
        (503, #"{"code":14,"message":"unavailable","details":[]}"#),
        (504, #"{"code":4,"message":"deadline_exceeded","details":[]}"#),
        (418, #"{"code":3,"message":"i_m_a_teapot","details":[]}"#),
    ])
    func errorResponse_rendersTheGatewayStatus(code: Int, body: String) throws {
        let app = try makeApp()
        let index = try #require(app.records.firstIndex { $0.id == "1password" })
        let request = app.vendorRequest(.make(Self.path), index, [:], Self.path, operation: nil)
        let response = OnePassword().errorResponse(status: HTTPStatus(code: code, reasonPhrase: code == 418 ? "I'm a teapot" : nil), request: request)
        #expect(response.status.code == code)
        #expect(response.text == body)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Retry-After"] == nil)
    }

    @Test func identicalRequests_getIdenticalBytes() throws {
        let first = list(try makeApp(), "?max_page_size=7&filter=user.isActive()")
        let second = list(try makeApp(), "?max_page_size=7&filter=user.isActive()")
        #expect(first.body == second.body)
    }

    @Test func prefixedPath_servesTheSameAndUnknownPathsGetTheGateways404() throws {
        let app = try makeApp()
        #expect(app.handle(.make("/1password\(Self.path)?max_page_size=3", authorization: Self.admin)).body == list(app, "?max_page_size=3").body)
        let missing = app.handle(.make("/1password/v1beta1/accounts/\(Self.account)/userz", authorization: Self.admin))
        #expect(missing.status == .notFound)
        #expect(missing.text == Self.error(5, "Not Found"))
    }

    @Test func seedReader_rejectsBadOnePasswordUsers() {
        let vendor = OnePassword()
        let id = "IR7VJHJ36JHINBFAD7V2T5MP3E"
        func user(id: String = id, state: String = "ACTIVE", time: String = "2024-01-15T10:30:00Z", path: String? = nil) -> String {
            #"{"id":""# + id + #"","email":"w@example.com","display_name":"W","state":""# + state + #"","create_time":""# + time + #"","path":""# + (path ?? "accounts/ACCOUNT123/users/\(id)") + #""}"#
        }
        #expect(throws: Never.self) { try vendor.makeUser(from: try JSONValue.parse(user()), path: "$.users[0]") }
        for bad in [user(id: "ir7vjhj36jhinbfad7v2t5mp3e"), user(id: "IR7VJHJ36JHINBFAD7V2T5MP3"), user(state: "STATE_UNSPECIFIED"),
                    user(time: "2024-01-15 10:30:00Z"), user(path: "accounts/ACCOUNT123/users/OTHER"), user(path: "users/\(id)")] {
            #expect(throws: SeedError.self, "\(bad)") { try vendor.makeUser(from: try JSONValue.parse(bad), path: "$.users[0]") }
        }
    }
}
