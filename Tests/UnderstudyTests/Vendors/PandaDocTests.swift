import HTTPCore
import Testing
@testable import Understudy

struct PandaDocTests {
    static let admin = "API-Key pandadoc-test-key"
    typealias Failure = PandaDoc.Failure

    private func list(_ app: UnderstudyApp, _ query: String = "", authorization: String? = admin) -> HTTPResponse {
        app.handle(.make("/public/v1/users\(query)", authorization: authorization))
    }

    private func ids(_ response: HTTPResponse) throws -> [String] {
        try #require(try response.json()["results"]?.arrayValue).compactMap { $0["user_id"]?.stringValue }
    }

    private static func validation(_ detail: String) -> String { #"{"type":"validation_error","detail":{"# + detail + "}}" }

    @Test func firstPage_isTheDocumentedShapeWithDefaultCount() throws {
        let app = try makeApp()
        let response = list(app)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.text == #"{"total":142,"results":["# + seededJSON(app, "pandadoc").prefix(50).joined(separator: ",") + "]}")
        // The org owner is the doc example, byte for byte in the doc's key order.
        let josh = #"{"user_id":"ajnN7eGutJZsRKjQrNuPkh","email":"josh@example.com","first_name":"Josh","last_name":"Doe","phone_number":"+14842634627","license":"Full","is_organization_owner":true,"workspaces":[{"role":"Admin","workspace_id":"fERpqZdFaF9dHVAeVxPFaV","membership_id":"nPh2PDhFdDqAES9k64h9qX"}]}"#
        #expect(list(app, "?count=1").text == #"{"total":142,"results":["# + josh + "]}")
        #expect(list(app, authorization: "Bearer pandadoc-test-token").body == response.body)
    }

    @Test func showRemovedFalse_hidesRemovedUsersAndCountsOnlyTheOthers() throws {
        let app = try makeApp()
        let seed = try #require(app.seed(for: "pandadoc"))
        let visible = seed.users.filter { !$0.isRemoved }.map { String(decoding: $0.json, as: UTF8.self) }
        #expect(seed.users.count { $0.isRemoved } == 15)
        #expect(list(app, "?show_removed=false&count=10&page=2").text == #"{"total":127,"results":["# + visible[10..<20].joined(separator: ",") + "]}")
        #expect(list(app, "?show_removed=true&count=3").text == #"{"total":142,"results":["# + seededJSON(app, "pandadoc").prefix(3).joined(separator: ",") + "]}")
        // DRF's BooleanField spellings: the official Python SDK sends True/False.
        #expect(list(app, "?show_removed=False&count=10&page=2").text == list(app, "?show_removed=false&count=10&page=2").text)
        #expect(list(app, "?show_removed=True&count=3").text == list(app, "?show_removed=true&count=3").text)
    }

    @Test func walkingEveryCount_listsEveryUserOnceInOrder() throws {
        let app = try makeApp()
        let seed = try #require(app.seed(for: "pandadoc"))
        for showRemoved in [true, false] {
            let expected = seed.users.filter { showRemoved || !$0.isRemoved }.map(\.id)
            for count in 1...50 {
                var seen: [String] = []
                for page in 1...(expected.count + 1) {
                    let response = list(app, "?count=\(count)&page=\(page)&show_removed=\(showRemoved)")
                    #expect(try response.json()["total"]?.intValue == expected.count)
                    let pageIDs = try ids(response)
                    seen += pageIDs
                    if pageIDs.count < count { break }
                }
                #expect(seen == expected, "count \(count), show_removed \(showRemoved)")
            }
        }
    }

    @Test func storeChanges_keepTheRemovedIndexInStep() throws {
        let app = try makeApp()
        let store = try #require(app.store(for: "pandadoc"))
        let seed = try #require(app.seed(for: "pandadoc"))
        let removed = seed.users.filter(\.isRemoved)
        let kept = seed.users.filter { !$0.isRemoved }
        // Delete a removed user and a visible one, flip a visible user to removed and a removed one back,
        // and append one of each: every page must still be the naive filter of the current list.
        _ = store.remove(id: removed[3].id)
        _ = store.remove(id: kept[0].id)
        var flipped = kept[40]
        flipped.isRemoved = true
        #expect(store.replace(flipped))
        var restored = removed[7]
        restored.isRemoved = false
        #expect(store.replace(restored))
        #expect(store.append(StoredUser(id: "addedRemoved", email: "r@example.com", json: Array(#"{"user_id":"addedRemoved"}"#.utf8), flags: .hidden)))
        #expect(store.append(StoredUser(id: "addedVisible", email: "v@example.com", json: Array(#"{"user_id":"addedVisible"}"#.utf8))))
        let snapshot = store.snapshot()
        let expected = snapshot.users.filter { !$0.isRemoved }.map(\.id)
        #expect(snapshot.removedCount == snapshot.users.count { $0.isRemoved })
        #expect(expected.last == "addedVisible")
        for rank in 0...expected.count {
            let index = snapshot.index(ofUnremovedRank: rank)
            #expect(rank < expected.count ? snapshot.users[index].id == expected[rank] : index == snapshot.count, "rank \(rank)")
        }
        for count in [1, 7, 50] {
            var seen: [String] = []
            for page in 1...(expected.count + 1) {
                let pageIDs = try ids(list(app, "?show_removed=false&count=\(count)&page=\(page)"))
                seen += pageIDs
                if pageIDs.count < count { break }
            }
            #expect(seen == expected, "count \(count)")
        }
    }

    @Test func edgesOfCountAndPage() throws {
        let app = try makeApp()
        #expect(list(app, "?count=0").text == #"{"total":142,"results":[]}"#)
        #expect(list(app, "?page=0&count=2").body == list(app, "?page=1&count=2").body)
        #expect(list(app, "?page=2147483647").text == #"{"total":142,"results":[]}"#)
        #expect(list(app, "?page=2147483647&show_removed=false&count=50").text == #"{"total":127,"results":[]}"#)
        #expect(list(app, "?page=3&count=50").text == #"{"total":142,"results":["# + seededJSON(app, "pandadoc")[100...].joined(separator: ",") + "]}")
        // Django's QueryDict: the last value wins; DRF drops blank fields.
        #expect(list(app, "?count=99&count=2").body == list(app, "?count=2").body)
        #expect(list(app, "?count=&page=&show_removed=").body == list(app).body)
        #expect(list(app, "?count=007").body == list(app, "?count=7").body)
        #expect(list(app, "?unknown=1&count=2").body == list(app, "?count=2").body)
    }

    @Test func authFailures_renderDRFsTexts() throws {
        let app = try makeApp()
        let notProvided = #"{"type":"authentication_error","detail":"Authentication credentials were not provided."}"#
        for header in [nil, "", "Token pandadoc-test-key", "pandadoc-test-key", "Bearer nope", "Bearer", "Bearer  pandadoc-test-token", "Basic abc"] as [String?] {
            let response = list(app, authorization: header)
            #expect(response.status == .unauthorized, "\(header ?? "nil")")
            #expect(response.text == notProvided, "\(header ?? "nil")")
            #expect(response.headers["WWW-Authenticate"] == "API-Key")
            #expect(response.headers["Content-Type"] == "application/json")
        }
        let cases = [
            ("API-Key", #"{"type":"authentication_error","detail":"Invalid token header. No credentials provided."}"#),
            ("api-key   ", #"{"type":"authentication_error","detail":"Invalid token header. No credentials provided."}"#),
            ("API-Key a b", #"{"type":"authentication_error","detail":"Invalid token header. Token string should not contain spaces."}"#),
            ("API-Key nope", #"{"type":"authentication_error","detail":"Invalid token."}"#),
        ]
        for (header, body) in cases {
            let response = list(app, authorization: header)
            #expect(response.status == .unauthorized)
            #expect(response.text == body, "\(header)")
            #expect(response.headers["WWW-Authenticate"] == "API-Key")
        }
        // DRF splits on whitespace runs and matches the keyword case-insensitively.
        #expect(list(app, authorization: "api-key pandadoc-test-key").status == .ok)
        #expect(list(app, authorization: "API-Key  pandadoc-test-key").status == .ok)
        #expect(list(app, authorization: "API-Key\tpandadoc-test-key").status == .ok)
        let member = list(app, authorization: "API-Key pandadoc-member-key")
        #expect(member.status == .forbidden)
        #expect(member.text == #"{"type":"permissions_error","detail":"You do not have permission to perform this action."}"#)
        #expect(member.headers["WWW-Authenticate"] == nil)
        // Authentication and permission come before parameter validation.
        #expect(list(app, "?count=abc", authorization: nil).status == .unauthorized)
        #expect(list(app, "?count=abc", authorization: "API-Key pandadoc-member-key").status == .forbidden)
    }

    @Test(arguments: [
        ("?count=abc", #""count":["A valid integer is required."]"#),
        ("?count=1.5", #""count":["A valid integer is required."]"#),
        ("?count=+5", #""count":["A valid integer is required."]"#),
        ("?count=51", #""count":["Ensure this value is less than or equal to 50."]"#),
        ("?count=99999999999999999999999", #""count":["Ensure this value is less than or equal to 50."]"#),
        ("?count=-1", #""count":["Ensure this value is greater than or equal to 0."]"#),
        ("?page=abc", #""page":["A valid integer is required."]"#),
        ("?page=-1", #""page":["Ensure this value is greater than or equal to 0."]"#),
        ("?page=2147483648", #""page":["Ensure this value is less than or equal to 2147483647."]"#),
        ("?show_removed=maybe", #""show_removed":["Must be a valid boolean."]"#),
        ("?show_removed=maybe", #""show_removed":["Must be a valid boolean."]"#),
        ("?count=\(String(repeating: "1", count: 1001))", #""count":["String value too large."]"#),
        ("?show_removed=x&count=99", #""count":["Ensure this value is less than or equal to 50."],"show_removed":["Must be a valid boolean."]"#),
        ("?show_removed=x&page=x&count=x", #""count":["A valid integer is required."],"page":["A valid integer is required."],"show_removed":["Must be a valid boolean."]"#),
    ])
    func badQuery_isADRFFieldMap(query: String, detail: String) throws {
        let response = list(try makeApp(), query)
        #expect(response.status == .badRequest)
        #expect(response.text == Self.validation(detail))
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test(arguments: [
        (400, #"{"type":"request_error","detail":"Malformed request."}"#),
        (401, #"{"type":"authentication_error","detail":"Authentication credentials were not provided."}"#),
        (403, #"{"type":"permissions_error","detail":"You do not have permission to perform this action."}"#),
        (404, #"{"type":"request_error","detail":"Not found"}"#),
        (409, #"{"type":"request_error","detail":"Conflict."}"#),
        (429, #"{"type":"throttled","detail":"Request was throttled."}"#),
        (500, #"{"type":"server_error","detail":"A server error occurred."}"#),
        (502, #"{"type":"server_error","detail":"Bad gateway."}"#),
        (503, #"{"type":"server_error","detail":"Service temporarily unavailable, try again later."}"#),
        (504, #"{"type":"server_error","detail":"Gateway timeout."}"#),
    ])
    func errorResponse_rendersPandaDocsEnvelope(code: Int, body: String) throws {
        let app = try makeApp()
        let index = try #require(app.records.firstIndex { $0.id == "pandadoc" })
        let request = app.vendorRequest(.make("/public/v1/users"), index, [:], "/public/v1/users", operation: nil)
        let response = PandaDoc().errorResponse(status: HTTPStatus(code: code), request: request)
        #expect(response.status.code == code)
        #expect(response.text == body)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Retry-After"] == nil)
        #expect(response.headers["WWW-Authenticate"] == (code == 401 ? "API-Key" : nil))
    }

    @Test func identicalRequests_getIdenticalBytes() throws {
        let first = list(try makeApp(), "?count=7&page=3&show_removed=false")
        let second = list(try makeApp(), "?count=7&page=3&show_removed=false")
        #expect(first.body == second.body)
        #expect(first.headers["Content-Type"] == second.headers["Content-Type"])
    }

    @Test func prefixedPath_servesTheSameAndUnknownPathsGetPandaDocs404() throws {
        let app = try makeApp()
        #expect(app.handle(.make("/pandadoc/public/v1/users?count=3", authorization: Self.admin)).body == list(app, "?count=3").body)
        let missing = app.handle(.make("/pandadoc/public/v1/userz", authorization: Self.admin))
        #expect(missing.status == .notFound)
        #expect(missing.text == #"{"type":"request_error","detail":"Not found"}"#)
        let put = app.handle(.make("/pandadoc/public/v1/users", authorization: Self.admin, method: "PUT"))
        #expect(put.status == .methodNotAllowed)
        #expect(put.text == #"{"type":"request_error","detail":"Method \"PUT\" not allowed."}"#)
    }

    @Test func seedReader_rejectsBadPandaDocUsers() {
        let vendor = PandaDoc()
        let good = #"{"user_id":"u1","email":"a@example.com","first_name":"A","last_name":"B","phone_number":"","license":"Full","is_organization_owner":false,"workspaces":[]}"#
        #expect(throws: Never.self) { try vendor.makeUser(from: try JSONValue.parse(good), path: "$.users[0]") }
        let badLicense = good.replacingOccurrences(#""Full""#, with: #""Gold""#)
        #expect(throws: SeedError.self) { try vendor.makeUser(from: try JSONValue.parse(badLicense), path: "$.users[0]") }
        // Custom role names are valid (changeMemberRole accepts them); an empty one is not.
        let customRole = good.replacingOccurrences("[]", with: #"[{"role":"Boss","workspace_id":"w","membership_id":"m"}]"#)
        #expect(throws: Never.self) { try vendor.makeUser(from: try JSONValue.parse(customRole), path: "$.users[0]") }
        let emptyRole = good.replacingOccurrences("[]", with: #"[{"role":"","workspace_id":"w","membership_id":"m"}]"#)
        #expect(throws: SeedError.self) { try vendor.makeUser(from: try JSONValue.parse(emptyRole), path: "$.users[0]") }
        let guest = good.replacingOccurrences(#""Full""#, with: #""Guest""#)
        #expect(throws: Never.self) { try vendor.makeUser(from: try JSONValue.parse(guest), path: "$.users[0]") }
        let nullPhone = good.replacingOccurrences(#""phone_number":"""#, with: #""phone_number":null"#)
        #expect(throws: SeedError.self) { try vendor.makeUser(from: try JSONValue.parse(nullPhone), path: "$.users[0]") }
    }
}

private extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
