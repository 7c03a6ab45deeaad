import HTTPCore
import Testing
@testable import Understudy

/// The embedded seeds load per vendor on first use (issue 14: start-up time and idle memory); a
/// `--seeds` directory still loads, and fails, at start-up.
struct SeedLoadingTests {
    static let vendors = ["openphone", "pandadoc", "1password", "openai", "factory"]

    @Test func embeddedSeeds_loadOnlyTheVendorAsked() throws {
        let app = try UnderstudyApp()
        #expect(app.records.allSatisfy { !$0.isLoaded })
        let response = app.handle(.make("/v1/organization/users?limit=2", authorization: "Bearer sk-admin-understudy-test"))
        #expect(response.status == .ok)
        #expect(app.records.filter(\.isLoaded).map(\.id) == ["openai"])
    }

    @Test(arguments: vendors)
    func everyEmbeddedSeed_loads(vendor: String) throws {
        let record = try #require(try UnderstudyApp().records.first { $0.id == vendor })
        #expect(record.store.initialCount == record.seed.users.count)
        #expect(record.store.initialCount > 0)
        #expect(record.isLoaded)
    }

    @Test func seedsDirectory_loadsEveryVendorAtStart() throws {
        let app = try UnderstudyApp(configuration: .init(seedsDirectory: "\(EmbeddedDataTests.repositoryRoot)/Seeds"))
        #expect(app.records.allSatisfy { $0.isLoaded })
    }

    /// A session made before any vendor was used copies the same seeds the default session then serves.
    @Test func sessionBeforeFirstUse_seesTheSameUsers() throws {
        let app = try UnderstudyApp()
        let session = try app.sessions.session(named: "early").0
        for vendor in Self.vendors {
            let named = try #require(session.record(for: vendor)).seed.users.map(\.id)
            #expect(named == seededIDs(app, vendor))
            #expect(!named.isEmpty)
        }
    }
}
