import HTTPCore
import Testing
@testable import Understudy

/// The embedded seeds load per vendor on first use (issue 14: start-up time and idle memory); a
/// `--seeds` directory still loads, and fails, at start-up. Few apps on purpose: each full load is
/// seconds of CPU in a debug build, which would starve the live tests running beside these.
struct SeedLoadingTests {
    @Test func embeddedSeeds_loadOnlyTheVendorAsked() throws {
        let app = try UnderstudyApp()
        #expect(app.records.allSatisfy { !$0.isLoaded })
        let response = app.handle(.make("/v1/organization/users?limit=2", authorization: "Bearer sk-admin-understudy-test"))
        #expect(response.status == .ok)
        #expect(app.records.filter(\.isLoaded).map(\.id) == ["openai"])
    }

    /// Every embedded seed loads, and a session made before any vendor was used copies the same
    /// seeds the default session then serves.
    @Test func everyEmbeddedSeed_loads_andAnEarlySessionSeesTheSameUsers() throws {
        let app = try UnderstudyApp()
        let session = try app.sessions.session(named: "early").0
        for record in app.records {
            #expect(record.isLoaded, "creating a session loads every vendor it copies")
            #expect(record.store.initialCount == record.seed.users.count)
            #expect(record.store.initialCount > 0, "\(record.id)")
            let named = try #require(session.record(for: record.id)).seed.users.map(\.id)
            #expect(named == seededIDs(app, record.id))
        }
    }

    @Test func seedsDirectory_loadsEveryVendorAtStart() throws {
        let app = try UnderstudyApp(configuration: .init(seedsDirectory: "\(EmbeddedDataTests.repositoryRoot)/Seeds"))
        #expect(app.records.allSatisfy { $0.isLoaded })
    }
}
