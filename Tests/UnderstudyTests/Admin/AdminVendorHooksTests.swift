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
