import HTTPCore
import Testing
import TestSupport
@testable import Understudy

/// OpenPhone over a real socket on port 0: both generations, every error case, rate-limit headers.
@Suite(.serialized)
struct OpenPhoneLiveTests {
    static let admin = ("Authorization", "openphone-test-key")
    static let member = ("Authorization", "openphone-member-key")
    static let version = ("Quo-Api-Version", "2026-03-30")

    private func json(_ response: RawClient.Response) throws -> JSONValue { try JSONValue.parse(response.text) }

    @Test func bothGenerations_walkEveryUserOnceOverTheWire() async throws {
        let server = try UnderstudyServer.start()
        let expected = seededIDs(server.app, "openphone")
        var dated: [String] = []
        var cursor: String?
        repeat {
            let response = try send(server, "/users?limit=13" + (cursor.map { "&after=\($0)" } ?? ""), headers: [Self.admin, Self.version])
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let body = try json(response)
            dated += body["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            cursor = body["nextCursor"]?.stringValue
        } while cursor != nil && dated.count <= expected.count
        #expect(dated == expected)

        let defaultPage = try json(send(server, "/openphone/v1/users", headers: [Self.admin]))
        #expect(defaultPage["data"]?.arrayValue?.map { $0["id"]?.stringValue } == expected.prefix(10).map { $0 })
        let one = try send(server, "/v1/users/\(expected[3])", headers: [Self.admin])
        #expect(one.status == 200)
        #expect(one.text == #"{"data":"# + seededJSON(server.app, "openphone")[3] + "}")
        #expect(try send(server, "/openphone/users/\(expected[3])", headers: [Self.admin, Self.version]).text == one.text)
        await server.stop()
    }

    @Test func everyErrorCase_inItsVersionsEnvelopeOverTheWire() async throws {
        let server = try UnderstudyServer.start()
        // v1: the live 401, the message/code envelope elsewhere.
        let missing = try send(server, "/v1/users")
        #expect(missing.status == 401)
        #expect(try json(missing)["error"]?["message"] == .string("Missing authorization header"))
        #expect(try json(missing)["error"]?["key"] == .string("Unauthorized"))
        let wrong = try send(server, "/v1/users/USH0t5qpBA", headers: [("Authorization", "nope")])
        #expect(wrong.status == 401)
        #expect(try json(wrong)["error"]?["message"] == .string("Unauthorized"))
        let v1Cases: [(String, (String, String), Int, String)] = [
            ("/v1/users", Self.member, 403, "1100403"),
            ("/v1/users?maxResults=51", Self.admin, 400, "1100400"),
            ("/v1/users?pageToken=zzz", Self.admin, 400, "1100400"),
            ("/v1/users/USnobody", Self.admin, 404, "1100404"),
            ("/v1/users/bad", Self.admin, 400, "1100400"),
            ("/v1/users?__status=500", Self.admin, 500, "1101500"),
        ]
        for (target, auth, status, code) in v1Cases {
            let response = try send(server, target, headers: [auth])
            #expect(response.status == status, "\(target)")
            let body = try json(response)
            #expect(body["code"] == .string(code), "\(target)")
            #expect(body["status"]?.intValue == status, "\(target)")
            #expect(body["docs"] == .string("https://openphone.com/docs"))
        }
        // 2026-03-30: {title, message, docs, trace, errors?} for every status, no code/status.
        let datedCases: [(String, [(String, String)], Int, String)] = [
            ("/users", [Self.admin], 400, "Bad Request"),
            ("/users", [Self.admin, ("Quo-Api-Version", "2020-01-01")], 400, "Bad Request"),
            ("/users", [Self.version], 401, "Unauthorized"),
            ("/users/USH0t5qpBA", [("Authorization", "nope"), Self.version], 401, "Unauthorized"),
            ("/users", [Self.member, Self.version], 403, "Forbidden"),
            ("/users?limit=0", [Self.admin, Self.version], 400, "Bad Request"),
            ("/users?after=zzz", [Self.admin, Self.version], 400, "Bad Request"),
            ("/users/USnobody", [Self.admin, Self.version], 404, "Not Found"),
            ("/users/bad", [Self.admin, Self.version], 400, "Bad Request"),
            ("/users?__status=422", [Self.admin, Self.version], 422, "Unprocessable Entity"),
            ("/openphone/users?__status=500", [Self.admin, Self.version], 500, "Internal Server Error"),
        ]
        for (target, headers, status, title) in datedCases {
            let response = try send(server, target, headers: headers)
            #expect(response.status == status, "\(target)")
            #expect(response.header("Content-Type") == "application/json")
            let body = try json(response)
            #expect(body["title"] == .string(title), "\(target)")
            #expect(body["docs"] == .string("https://quo.com/docs"))
            #expect(body["code"] == nil && body["status"] == nil, "\(target)")
            #expect(body["trace"]?.stringValue?.isEmpty == false)
        }
        // Unknown paths under the prefix: Express's HTML 404.
        let html = try send(server, "/openphone/v1/contacts", headers: [Self.admin])
        #expect(html.status == 404)
        #expect(html.header("Content-Type") == "text/html; charset=utf-8")
        #expect(html.text.contains("<pre>Cannot GET /v1/contacts</pre>"))
        let post = try send(server, "POST /openphone/users", headers: [Self.admin, Self.version], body: "{}")
        #expect(post.status == 404)
        #expect(post.text.contains("<pre>Cannot POST /users</pre>"))
        await server.stop()
    }

    @Test func rateLimits_sendIETFHeadersThatCountDownThenA429InTheRoutesEnvelope() async throws {
        // An hour-long window, so the count cannot refill while the test runs.
        let server = try UnderstudyServer.start(.init(rateLimits: ["openphone": RateLimit(limit: 3, windowMilliseconds: 3_600_000)]))
        var seen: [String] = []
        for target in ["/v1/users?maxResults=1", "/users/USH0t5qpBA", "/v1/users/USH0t5qpBA"] {
            let response = try send(server, target, headers: [Self.admin, Self.version])
            #expect(response.status == 200)
            #expect(response.header("ratelimit-policy") == #""per-hour"; q=3; w=3600"#)
            seen.append(response.header("ratelimit") ?? "")
        }
        #expect(seen == [#""per-hour"; r=2; t=1200"#, #""per-hour"; r=1; t=2400"#, #""per-hour"; r=0; t=3600"#])
        let v1 = try send(server, "/v1/users", headers: [Self.admin])
        #expect(v1.status == 429)
        #expect(v1.header("ratelimit") == #""per-hour"; r=0; t=3600"#)
        #expect(v1.header("Retry-After") == nil)
        #expect(v1.text == #"{"message":"Rate limit exceeded","code":"1100429","status":429,"docs":"https://openphone.com/docs","title":"Too Many Requests"}"#)
        let dated = try send(server, "/users", headers: [Self.admin, Self.version])
        #expect(dated.status == 429)
        #expect(try json(dated)["title"] == .string("Too Many Requests"))
        #expect(try json(dated)["message"] == .string("Rate limit exceeded"))
        // Another key has its own budget, and a 401 carries the headers too (live probes).
        let unknown = try send(server, "/v1/users", headers: [("Authorization", "someone-else")])
        #expect(unknown.status == 401)
        #expect(unknown.header("ratelimit") == #""per-hour"; r=2; t=1200"#)
        await server.stop()
    }

    @Test func realisticRateLimits_areTenPerSecondPerKey() async throws {
        let server = try UnderstudyServer.start(.init(rateLimits: RateLimit.realistic))
        let response = try send(server, "/v1/users", headers: [Self.admin])
        #expect(response.status == 200)
        #expect(response.header("ratelimit") == #""per-second"; r=9; t=1"#)
        #expect(response.header("ratelimit-policy") == #""per-second"; q=10; w=1"#)
        await server.stop()
    }

    @Test func generatedUsers_walkTheDatedListOverTheWire() async throws {
        let server = try UnderstudyServer.start(.init(generation: UserGeneration(counts: ["openphone": 260], seed: 3)))
        var ids: [String] = []
        var cursor: String?
        repeat {
            let body = try json(send(server, "/openphone/users?limit=50" + (cursor.map { "&after=\($0)" } ?? ""), headers: [Self.admin, Self.version]))
            ids += body["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            cursor = body["nextCursor"]?.stringValue
        } while cursor != nil && ids.count <= 260
        #expect(ids.count == 260)
        #expect(Set(ids).count == 260)
        #expect(try send(server, "/users/\(ids[200])", headers: [Self.admin, Self.version]).status == 200)
        await server.stop()
    }
}
