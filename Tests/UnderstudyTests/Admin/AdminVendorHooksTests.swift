import HTTPCore
import Testing
@testable import Understudy

/// The admin API tells the vendor about deletes, so state keyed by user goes with the user.
struct AdminVendorHooksTests {
    @Test func adminDelete_dropsTheUsersOpenAIRoleAssignments() throws {
        let app = try makeApp()
        let key = "Bearer sk-admin-understudy-test"
        let id = "user-NTn2iFsqFT44Way1mJZLAp6a"  // seeded with the custom role role_01J1F8ROLE01
        let before = app.handle(.make("/v1/organization/users/\(id)/roles/role_01J1F8ROLE01", authorization: key))
        #expect(before.status == .ok)
        let document = try app.user(id: id, of: "openai")
        try app.deleteUser(id: id, of: "openai")
        _ = try app.addUser(document, to: "openai")  // the same user again, by id
        let after = app.handle(.make("/v1/organization/users/\(id)/roles/role_01J1F8ROLE01", authorization: key))
        #expect(after.status == .notFound)
    }
}

/// Supplied ids: the vendor's prefix and alphabet, any length up to 64 (vendors document patterns).
struct AdminSuppliedIDTests {
    @Test(arguments: [("US123abc", true), ("USconformance", true), ("US", false), ("US" + String(repeating: "a", count: 65), false), ("XX123abc", false)])
    func openPhoneIDs_followThePatternNotALength(id: String, accepted: Bool) {
        #expect(UnderstudyApp.hasIDFormat(id, OpenPhone().syntheticIDFormat) == accepted)
    }
}

/// The journal stores response bodies for the dashboard; secrets in them are masked like request ones.
struct JournalResponseMaskingTests {
    @Test func oauthTokenResponse_isStoredWithTheAccessTokenMasked() {
        let body = #"{"access_token":"abcdefghijklmnop","token_type":"Bearer","expires_in":900,"note":"token"}"#
        let masked = Credentials.maskedJSONSecrets(body)
        #expect(!masked.contains("abcdefghijklmnop"))
        #expect(masked.contains(#""access_token":""#) && masked.hasSuffix(#""token_type":"Bearer","expires_in":900,"note":"token"}"#))
        #expect(Credentials.maskedJSONSecrets(#"{"name":"Ada","email":"a@example.com"}"#) == #"{"name":"Ada","email":"a@example.com"}"#)
    }
}

/// The Swift helper's view of the journal masks what the journal masks.
struct RecordedRequestMaskingTests {
    @Test func helperRequests_maskCookiesApiKeysAndSecretQueryParameters() async throws {
        let server = try UnderstudyServer.start()
        _ = try send(server, "/v1/organization/users?limit=1&access_token=querysecret99",
                     headers: [("Authorization", "Bearer sk-admin-understudy-test"), ("Cookie", "session=cookiesecret77")])
        let recorded = try #require(server.requests(vendor: .openai).first)
        #expect(recorded.headers.first { $0.name == "Cookie" }?.value.contains("cookiesecret") == false)
        #expect(recorded.query.first { $0.name == "access_token" }?.value.contains("querysecret") == false)
        #expect(recorded.query.first { $0.name == "limit" }?.value == "1")
        await server.stop()
    }
}
