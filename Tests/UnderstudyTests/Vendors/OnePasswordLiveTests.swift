import Testing
import TestSupport
@testable import Understudy

/// Every 1Password operation and error case over a real socket on port 0.
@Suite(.serialized)
struct OnePasswordLiveTests {
    typealias F = OnePasswordFixture

    private static let form = ("Content-Type", F.formType)
    private static let kibana = ("User-Agent", "ElasticKibana")

    private func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)"), Self.kibana] }

    private func token(_ server: UnderstudyServer, _ version: String, _ client: (String, String) = F.fullClient) throws -> String {
        let response = try send(server, "POST \(F.tokenPath(version))", headers: [("Authorization", F.basic(client)), Self.form],
                                body: "grant_type=client_credentials&scope=openid")
        try #require(response.status == 200, "\(response.text)")
        return try #require(try JSONValue.parse(response.text)["access_token"]?.stringValue)
    }

    @Test(arguments: F.versions)
    func kibanaFlow_tokenListGetSuspendReactivateRevoke(version: String) async throws {
        let server = try UnderstudyServer.start()
        let access = try token(server, version)
        let check = try send(server, "\(F.users(version))?maxPageSize=1", headers: bearer(access))
        #expect(check.status == 200)
        #expect(try JSONValue.parse(check.text)["results"]?.arrayValue?.count == 1)
        let got = try send(server, "\(F.users(version))/\(F.kofi)", headers: bearer(access))
        #expect(got.status == 200)
        #expect(try JSONValue.parse(got.text)["state"] == .string("ACTIVE"))
        let suspended = try send(server, "POST \(F.users(version))/\(F.kofi):suspend", headers: bearer(access))
        #expect(suspended.status == 200)
        #expect(try JSONValue.parse(suspended.text)["state"] == .string("SUSPENDED"))
        let listed = try send(server, "\(F.users(version))?filter=user.isSuspended()&maxPageSize=1000", headers: bearer(access))
        #expect(listed.text.contains(F.kofi))
        let other = version == "v1" ? "v1beta1" : "v1"
        #expect(try send(server, "/1password\(F.users(other))/\(F.kofi)", headers: bearer(access)).text == suspended.text)
        let again = try send(server, "POST \(F.users(version))/\(F.kofi):suspend", headers: bearer(access), body: "{}")
        #expect(again.text == suspended.text)
        let reactivated = try send(server, "POST \(F.users(version))/\(F.kofi):reactivate", headers: bearer(access))
        #expect(reactivated.text == got.text)
        #expect(!(try send(server, "\(F.users(version))?filter=user.isSuspended()&maxPageSize=1000", headers: bearer(access)).text.contains(F.kofi)))
        let revoked = try send(server, "POST \(F.revokePath(version))", headers: [("Authorization", F.basic(F.fullClient)), Self.form], body: "token=\(access)")
        #expect(revoked.status == 200)
        #expect(revoked.body.isEmpty)
        #expect(try send(server, "\(F.users(version))/\(F.kofi)", headers: bearer(access)).status == 401)
        await server.stop()
    }

    @Test(arguments: F.versions)
    func everyErrorCase_overTheWire(version: String) async throws {
        let server = try UnderstudyServer.start()
        let limited = try token(server, version, F.noSuspendClient)
        let admin = [("Authorization", F.admin)]
        let users = F.users(version)
        let cases: [(String, [(String, String)], String?, Int, String)] = [
            ("\(users)/\(F.kofi)", [], nil, 401, F.error(16, "unauthenticated")),
            ("POST \(users)/\(F.kofi):suspend", [("Authorization", "Bearer expired-or-unknown")], nil, 401, F.error(16, "unauthenticated")),
            ("POST \(users)/\(F.kofi):reactivate", [("Authorization", F.member)], nil, 403, F.error(7, "permission_denied")),
            ("POST \(users)/\(F.kofi):suspend", bearer(limited), nil, 403, F.error(7, "permission_denied")),
            ("POST \(users)/\(F.wendy):suspend", admin, nil, 403, F.error(7, "no_owner_remain")),
            ("\(F.users(version, account: "ACCOUNT123"))/\(F.kofi)", admin, nil, 404, F.error(5, "account_not_found")),
            ("POST \(users)/NOSUCHUSER:suspend", admin, nil, 404, F.error(5, "user_not_found")),
            ("\(users)/NOSUCHUSER", admin, nil, 404, F.error(5, "user_not_found")),
            ("\(users)?max_page_size=", admin, nil, 400,
             #"{"code":3,"message":"parsing field \"max_page_size\": strconv.ParseInt: parsing \"\": invalid syntax","details":[]}"#),
            ("POST \(F.tokenPath(version))", [("Authorization", F.basic(("x", "y"))), Self.form], "grant_type=client_credentials", 401,
             #"{"error":"invalid_client","error_description":"The client credentials are invalid."}"#),
            ("POST \(F.tokenPath(version))", [("Authorization", F.basic(F.fullClient)), Self.form], "grant_type=password", 400,
             #"{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported; use client_credentials."}"#),
            ("POST \(F.tokenPath(version))", [("Authorization", F.basic(F.fullClient)), Self.form], "grant_type=client_credentials&scope=x", 400,
             #"{"error":"invalid_scope","error_description":"The requested scope is invalid; the only scope is openid."}"#),
            ("POST \(F.tokenPath(version))", [("Authorization", F.basic(F.fullClient))], nil, 400,
             #"{"error":"invalid_request","error_description":"The POST body can not be empty."}"#),
            ("POST \(F.revokePath(version))", [("Authorization", F.basic(F.fullClient)), Self.form], "x=1", 400,
             #"{"error":"invalid_request","error_description":"The request is missing the 'token' parameter."}"#),
            ("POST \(F.revokePath(version))", [("Authorization", F.basic(("x", "y"))), Self.form], "token=abc", 401,
             #"{"error":"invalid_client","error_description":"The client credentials are invalid."}"#),
        ]
        for (request, headers, body, status, text) in cases {
            let response = try send(server, request, headers: headers, body: body)
            #expect(response.status == status, "\(request)")
            #expect(response.text == text, "\(request)")
            if status == 401, request.contains("/oauth") { #expect(response.header("WWW-Authenticate") == "Basic") }
        }
        // No rejected request changed a user.
        let suspended = try send(server, "\(users)?filter=user.isSuspended()&max_page_size=1000", headers: admin).text
        #expect(!suspended.contains(F.kofi) && !suspended.contains(F.wendy))
        await server.stop()
    }

    @Test func shortTTL_tokenExpiresThenANewOneWorks() async throws {
        let server = try UnderstudyServer.start(.init(tokenTTL: 5))
        let first = try token(server, "v1")
        #expect(try send(server, "\(F.users("v1"))?maxPageSize=1", headers: bearer(first)).status == 200)
        try F.state(server.app).advanceClock(seconds: 5)
        let expired = try send(server, "\(F.users("v1"))?maxPageSize=1", headers: bearer(first))
        #expect(expired.status == 401)
        #expect(expired.text == F.error(16, "unauthenticated"))
        #expect(try send(server, "\(F.users("v1"))?maxPageSize=1", headers: bearer(try token(server, "v1"))).status == 200)
        await server.stop()
    }

    @Test func adminReset_restoresUsersAndTokens() async throws {
        let server = try UnderstudyServer.start()
        let access = try token(server, "v1beta1")
        #expect(try send(server, "POST \(F.users("v1beta1"))/\(F.kofi):suspend", headers: bearer(access)).status == 200)
        #expect(try send(server, "POST /__admin/reset").status == 200)
        #expect(try send(server, "\(F.users("v1beta1"))/\(F.kofi)", headers: bearer(access)).status == 401)
        let user = try send(server, "/__admin/vendors/1password/users/\(F.kofi)")
        #expect(try JSONValue.parse(user.text)["state"] == .string("ACTIVE"))
        await server.stop()
    }

    @Test func generatedUsers_suspendOverTheWire() async throws {
        let server = try UnderstudyServer.start(.init(generation: UserGeneration(counts: ["1password": 1_000_000], seed: 3)))
        let snapshot = server.app.store(for: "1password")!.snapshot()
        let target = snapshot.user(at: snapshot.count - 2)
        let owner = snapshot.user(at: 0)
        let admin = [("Authorization", F.admin)]
        let changed = try send(server, "POST \(F.users("v1"))/\(target.id):suspend", headers: admin)
        #expect(changed.status == 200)
        #expect(try send(server, "\(F.users("v1beta1"))/\(target.id)", headers: admin).text == changed.text)
        #expect(try send(server, "POST \(F.users("v1"))/\(owner.id):suspend", headers: admin).text == F.error(7, "no_owner_remain"))
        await server.stop()
    }
}
