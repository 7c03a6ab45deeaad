import HTTPCore
import Testing
@testable import Understudy

struct OnePasswordOAuthTests {
    typealias F = OnePasswordFixture
    typealias OAuthFailure = OnePassword.OAuthFailure

    private func requestToken(_ app: UnderstudyApp, _ version: String = "v1beta1", authorization: String? = F.basic(F.fullClient),
                              contentType: String? = F.formType, body: String = "grant_type=client_credentials&scope=openid") -> HTTPResponse {
        app.handle(F.request("POST", F.tokenPath(version), authorization: authorization, contentType: contentType, body: body))
    }

    private func revoke(_ app: UnderstudyApp, _ version: String = "v1beta1", client: (String, String) = F.fullClient, body: String) -> HTTPResponse {
        app.handle(F.request("POST", F.revokePath(version), authorization: F.basic(client), contentType: F.formType, body: body))
    }

    private func get(_ app: UnderstudyApp, _ version: String = "v1beta1", token: String, user: String = F.kofi) -> HTTPResponse {
        app.handle(F.request("GET", "\(F.users(version))/\(user)", authorization: "Bearer \(token)"))
    }

    private func oauthError(_ error: String, _ description: String) -> String {
        #"{"error":""# + error + #"","error_description":""# + description + #""}"#
    }

    @Test(arguments: F.versions)
    func token_isTheDocumentedShapeWithNoStoreHeaders(version: String) throws {
        let app = try makeApp()
        let response = requestToken(app, version)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "application/json")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Pragma"] == "no-cache")
        let token = try #require(try response.json()["access_token"]?.stringValue)
        #expect(response.text == #"{"access_token":""# + token + #"","token_type":"Bearer","expires_in":900,"scope":"openid"}"#)
        #expect(token.utf8.count == 43)
        #expect(token.utf8.allSatisfy { byte in
            (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte) || byte == 45 || byte == 95
        })
        // Kibana sends `${token_type} ${access_token}`.
        #expect(get(app, version, token: token).status == .ok)
    }

    @Test func token_acceptsEveryFormSpellingARealClientSends() throws {
        let app = try makeApp()
        for (contentType, body) in [
            ("application/x-www-form-urlencoded", "grant_type=client_credentials"),
            ("Application/X-WWW-Form-Urlencoded ; charset=utf-8", "scope=openid&grant_type=client_credentials"),
            (F.formType, "grant_type=client_credentials&scope="),
            (F.formType, "grant_type=client_credentials&scope=openid+openid&unknown=1"),
        ] {
            #expect(requestToken(app, contentType: contentType, body: body).status == .ok, "\(contentType) \(body)")
        }
        // Basic scheme in any case, credentials form-encoded (RFC 6749 §2.3.1).
        let lower = "basic " + Base64.encode(Array("1password-oauth-client:1password-oauth-secret".utf8), padded: true)
        #expect(requestToken(app, authorization: lower).status == .ok)
        let encoded = "Basic " + Base64.encode(Array("1password%2Doauth-client:1password-oauth-secret".utf8), padded: true)
        #expect(requestToken(app, authorization: encoded).status == .ok)
    }

    @Test func tokens_areDistinctAndDeterministicPerRun() throws {
        let first = try makeApp()
        let second = try makeApp()
        let a = try (0..<5).map { _ in try F.token(first) }
        let b = try (0..<5).map { _ in try F.token(second, version: "v1") }
        #expect(Set(a).count == 5)
        #expect(a == b)
    }

    @Test(arguments: F.versions)
    func token_errorsAreRFC6749(version: String) throws {
        let app = try makeApp()
        let invalidClient = oauthError("invalid_client", OAuthFailure.invalidClientText)
        for header in [nil, "", "Bearer 1password-test-token", "Basic", "Basic !!!",
                       F.basic(("1password-oauth-client", "wrong")), F.basic(("nobody", "1password-oauth-secret")),
                       "Basic " + Base64.encode(Array("no-colon".utf8), padded: true)] as [String?] {
            let response = requestToken(app, version, authorization: header)
            #expect(response.status == .unauthorized, "\(header ?? "nil")")
            #expect(response.text == invalidClient, "\(header ?? "nil")")
            #expect(response.headers["WWW-Authenticate"] == "Basic")
            #expect(response.headers["Cache-Control"] == "no-store")
        }
        // client_secret_post is not accepted (Kibana PR #255076: the server requires Basic).
        let post = requestToken(app, version, authorization: nil,
                                body: "grant_type=client_credentials&client_id=1password-oauth-client&client_secret=1password-oauth-secret")
        #expect(post.text == invalidClient)
        let cases: [(String?, String, String)] = [
            (nil, "grant_type=client_credentials", oauthError("invalid_request", OAuthFailure.emptyBody)),
            ("application/json", #"{"grant_type":"client_credentials"}"#, oauthError("invalid_request", OAuthFailure.emptyBody)),
            (F.formType, "", oauthError("invalid_request", OAuthFailure.emptyBody)),
            (F.formType, "scope=openid", oauthError("invalid_request", OAuthFailure.missingGrantType)),
            (F.formType, "grant_type=", oauthError("invalid_request", OAuthFailure.missingGrantType)),
            (F.formType, "grant_type=password", oauthError("unsupported_grant_type", OAuthFailure.unsupportedGrantTypeText)),
            (F.formType, "grant_type=client_credentials&scope=email", oauthError("invalid_scope", OAuthFailure.invalidScopeText)),
            (F.formType, "grant_type=client_credentials&scope=openid%20email", oauthError("invalid_scope", OAuthFailure.invalidScopeText)),
        ]
        for (contentType, body, expected) in cases {
            let response = requestToken(app, version, contentType: contentType, body: body)
            #expect(response.status == .badRequest, "\(body)")
            #expect(response.text == expected, "\(body)")
            #expect(response.headers["WWW-Authenticate"] == nil)
        }
        // Order: form, grant_type presence, client, grant type, scope.
        #expect(requestToken(app, version, authorization: nil, body: "").status == .badRequest)
        #expect(requestToken(app, version, authorization: nil, body: "grant_type=password").status == .unauthorized)
        #expect(try F.state(app).tokenCount == 0)
    }

    @Test func tokens_expireAfterTheTTLAndAreThenRefusedWithThe401() throws {
        let app = try UnderstudyApp(configuration: .init(tokenTTL: 30))
        let response = requestToken(app)
        #expect(try response.json()["expires_in"] == .number(30, text: "30"))
        let token = try #require(try response.json()["access_token"]?.stringValue)
        let state = try F.state(app)
        state.advanceClock(seconds: 29)
        #expect(get(app, token: token).status == .ok)
        state.advanceClock(seconds: 1)
        let expired = get(app, "v1", token: token)
        #expect(expired.status == .unauthorized)
        #expect(expired.text == F.error(16, OnePassword.Message.unauthenticated))
        // A new token works again (Kibana drops its cached token on any 4xx and asks for another).
        #expect(get(app, token: try F.token(app)).status == .ok)
    }

    @Test func noSuspendClient_getsPermissionDeniedOnSuspendOnly() throws {
        let app = try makeApp()
        let token = try F.token(app, F.noSuspendClient)
        let suspend = app.handle(F.request("POST", "\(F.users("v1"))/\(F.kofi):suspend", authorization: "Bearer \(token)"))
        #expect(suspend.status == .forbidden)
        #expect(suspend.text == F.error(7, OnePassword.Message.permissionDenied))
        #expect(try !F.listed(app, "v1", filter: "user.isSuspended()").contains(F.kofi))
        #expect(get(app, token: token).status == .ok)
        #expect(app.handle(F.request("GET", F.users("v1beta1"), authorization: "Bearer \(token)")).status == .ok)
        #expect(app.handle(F.request("POST", "\(F.users("v1"))/\(F.mohammed):reactivate", authorization: "Bearer \(token)")).status == .ok)
        // Permission is checked before the user exists.
        #expect(app.handle(F.request("POST", "\(F.users("v1"))/NOSUCHUSER:suspend", authorization: "Bearer \(token)")).status == .forbidden)
    }

    @Test(arguments: F.versions)
    func revoke_endsTheTokenAndAnswers200WithNoBody(version: String) throws {
        let app = try makeApp()
        let token = try F.token(app)
        let revoked = revoke(app, version, body: "token=\(token)")
        #expect(revoked.status == .ok)
        #expect(revoked.body.isEmpty)
        #expect(revoked.headers["Content-Type"] == nil)
        #expect(get(app, token: token).status == .unauthorized)
        // Unknown, already revoked and static tokens: still 200.
        #expect(revoke(app, version, body: "token=\(token)").status == .ok)
        #expect(revoke(app, version, body: "token=nonsense&token_type_hint=access_token").status == .ok)
        #expect(revoke(app, version, body: "token=1password-test-token").status == .ok)
        #expect(get(app, token: "1password-test-token").status == .ok)
        // Another client's token is left alone (RFC 7009 §2.2).
        let other = try F.token(app, F.noSuspendClient)
        #expect(revoke(app, version, body: "token=\(other)").status == .ok)
        #expect(get(app, token: other).status == .ok)
    }

    @Test(arguments: F.versions)
    func revoke_errors(version: String) throws {
        let app = try makeApp()
        let token = try F.token(app)
        let badClient = revoke(app, version, client: ("1password-oauth-client", "nope"), body: "token=\(token)")
        #expect(badClient.status == .unauthorized)
        #expect(badClient.text == oauthError("invalid_client", OAuthFailure.invalidClientText))
        #expect(badClient.headers["WWW-Authenticate"] == "Basic")
        let missing = revoke(app, version, body: "token_type_hint=access_token")
        #expect(missing.status == .badRequest)
        #expect(missing.text == oauthError("invalid_request", OAuthFailure.missingToken))
        #expect(revoke(app, version, body: "").text == oauthError("invalid_request", OAuthFailure.emptyBody))
        #expect(get(app, token: token).status == .ok)
    }

    @Test func staticTokenAndAnyKey_keepWorking() throws {
        let app = try UnderstudyApp(configuration: .init(acceptsAnyKey: true))
        #expect(get(app, token: "whatever").status == .ok)
        // Any client id gets a token with every permission; issued tokens keep their own permissions.
        let anyClient = requestToken(app, authorization: F.basic(("someone", "anything")))
        #expect(anyClient.status == .ok)
        let token = try #require(try anyClient.json()["access_token"]?.stringValue)
        #expect(app.handle(F.request("POST", "\(F.users("v1"))/\(F.kofi):suspend", authorization: "Bearer \(token)")).status == .ok)
        let limited = try F.token(app, F.noSuspendClient)
        #expect(app.handle(F.request("POST", "\(F.users("v1"))/\(F.mohammed):suspend", authorization: "Bearer \(limited)")).status == .forbidden)
        #expect(requestToken(app, authorization: nil).status == .unauthorized)
    }

    @Test func tokenStore_isBoundedAndEvictsTheOldest() {
        let state = OnePasswordState(clients: [], ownerIDs: [], tokenTTL: 900, capacity: 3)
        let tokens = (0..<5).map { _ in state.issue(clientID: "c", permissions: [.listUsers]) }
        #expect(state.tokenCount == 3)
        #expect(state.lookup(tokens[0]) == .unknown)
        #expect(state.lookup(tokens[1]) == .unknown)
        #expect(state.lookup(tokens[4]) == .live([.listUsers]))
        state.revoke(tokens[4], clientID: "c")
        #expect(state.tokenCount == 2)
        state.advanceClock(seconds: 900)
        #expect(state.lookup(tokens[3]) == .expired)
    }

    @Test func adminSummary_listsClientsOwnersAndTTL() throws {
        let app = try UnderstudyApp(configuration: .init(tokenTTL: 60))
        let vendors = try app.handle(.make("/__admin/vendors")).json()
        let entry = try #require(vendors["vendors"]?.arrayValue?.first { $0["id"] == .string("1password") })
        let clients = try #require(entry["oauthClients"]?.arrayValue)
        #expect(clients.count == 2)
        #expect(clients[0]["client_id"] == .string(F.fullClient.0))
        #expect(clients[0]["client_secret"] == .string(F.fullClient.1))
        #expect(clients[0]["scopes"] == .array(["list users", "get user", "suspend users", "reactivate users"].map { .string($0) }))
        #expect(clients[1]["scopes"] == .array(["list users", "get user", "reactivate users"].map { .string($0) }))
        #expect(entry["ownerIds"] == .array([.string(F.wendy), .string(F.riley)]))
        #expect(entry["tokenTTL"] == .number(60, text: "60"))
        let versions = try #require(entry["versions"]?.arrayValue).compactMap { $0["id"]?.stringValue }
        #expect(versions == ["v1beta1", "v1"])
        let names = try #require(entry["operations"]?.arrayValue).compactMap { $0["name"]?.stringValue }
        #expect(names == Array(repeating: ["ListUsers", "GetUser", "SuspendUser", "ReactivateUser", "RequestAccessToken", "RevokeAccessToken"], count: 2).flatMap { $0 })
    }

    @Test func injectedFaults_useTheOAuthShapeOnTokenEndpoints() throws {
        let app = try makeApp()
        let unavailable = app.handle(F.request("POST", F.tokenPath("v1") + "?__status=503", contentType: F.formType, body: "grant_type=client_credentials"))
        #expect(unavailable.status == .serviceUnavailable)
        #expect(unavailable.text == oauthError("temporarily_unavailable", OAuthFailure.unavailableText))
        let throttled = app.handle(F.request("POST", F.revokePath("v1beta1") + "?__status=429", contentType: F.formType, body: "token=x"))
        #expect(throttled.text == F.error(8, "rate_limited"))
        let resource = app.handle(F.request("POST", "\(F.users("v1"))/\(F.kofi):suspend?__status=500"))
        #expect(resource.text == F.error(13, "internal"))
        #expect(try !F.listed(app, "v1", filter: "user.isSuspended()").contains(F.kofi))
    }
}
