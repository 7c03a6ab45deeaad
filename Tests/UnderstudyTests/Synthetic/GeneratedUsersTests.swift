import HTTPCore
import Testing
@testable import Understudy

struct GeneratedUsersTests {
    static let openAI = "Bearer sk-admin-understudy-test"

    private func app(_ counts: [String: Int], seed: UInt64 = 42) throws -> UnderstudyApp {
        try UnderstudyApp(configuration: .init(generation: UserGeneration(counts: counts, seed: seed)))
    }

    private func page(_ app: UnderstudyApp, _ query: String) throws -> JSONValue {
        try app.handle(.make("/v1/organization/users\(query)", authorization: Self.openAI)).json()
    }

    @Test func counts_parseForAllOrSomeVendors() {
        #expect(UserGeneration.parseCounts("10", vendors: ["a", "b"]) == ["a": 10, "b": 10])
        #expect(UserGeneration.parseCounts("a=5,b=0", vendors: ["a", "b"]) == ["a": 5, "b": 0])
        #expect(UserGeneration.parseCounts("c=5", vendors: ["a"]) == nil)
        #expect(UserGeneration.parseCounts("-1", vendors: ["a"]) == nil)
        #expect(UserGeneration.parseCounts("a=x", vendors: ["a"]) == nil)
    }

    @Test func walkingGeneratedUsers_listsEachOnceInCreationOrder() throws {
        let app = try app(["openai": 1000])
        var ids: [String] = []
        var addedAt: [Int] = []
        var after = ""
        while true {
            let json = try page(app, "?limit=100\(after.isEmpty ? "" : "&after=\(after)")")
            let data = try #require(json["data"]?.arrayValue)
            ids += data.compactMap { $0["id"]?.stringValue }
            addedAt += data.compactMap { $0["added_at"]?.intValue }
            guard json["has_more"] == .bool(true) else { break }
            after = try #require(json["last_id"]?.stringValue)
        }
        #expect(ids.count == 1000)
        #expect(Set(ids).count == 1000)
        #expect(addedAt == addedAt.sorted())
        #expect(ids.allSatisfy { $0.hasPrefix("user-") && $0.count == 29 })
    }

    @Test func builtUserCache_neverAnswersWithAnotherNumbersUser() throws {
        // given: users that share a cache slot, read in an order that evicts each before it is read again
        let vendor = OpenAIAdmin()
        let seed = try #require(try UnderstudyApp().seed(for: "openai"))
        let generated = try vendor.makeGeneratedUsers(count: 10_000, seed: 42, vendorSeed: seed)
        let numbers = [7, 7 + GeneratedUsers.cacheSlots, 7, 7 + 2 * GeneratedUsers.cacheSlots, 7 + GeneratedUsers.cacheSlots, 8]
        // when / then: every read (cached or not) is byte-identical to building the user afresh
        for number in numbers {
            let fresh = try vendor.generatedUser(number, count: 10_000, seed: 42, vendorSeed: seed)
            let served = generated.user(number)
            #expect(served.id == fresh.id, "user \(number)")
            #expect(served.json == fresh.json, "user \(number)")
        }
        #expect(generated.user(7).id != generated.user(7 + GeneratedUsers.cacheSlots).id)
    }

    @Test func deepPage_isServedByArithmeticNotAScan() throws {
        let app = try app(["openai": 1_000_000])
        let format = OpenAIAdmin().syntheticIDFormat
        let json = try page(app, "?limit=2&after=\(format.id(for: 999_997, seed: 42))")
        #expect(json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [format.id(for: 999_998, seed: 42), format.id(for: 999_999, seed: 42)])
        #expect(json["has_more"] == .bool(false))
    }

    @Test func emailsFilter_findsGeneratedUsersWithoutAScan() throws {
        let app = try app(["openai": 1_000_000])
        let snapshot = try #require(app.store(for: "openai")).snapshot()
        let wanted = [snapshot.user(at: 999_998), snapshot.user(at: 12)]
        let json = try page(app, "?emails[]=\(wanted[0].email.uppercased())&emails[]=\(wanted[1].email)&emails[]=nobody42@example.com")
        #expect(json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [wanted[1].id, wanted[0].id])
        let afterFirst = try page(app, "?emails[]=\(wanted[0].email)&emails[]=\(wanted[1].email)&after=\(wanted[1].id)")
        #expect(afterFirst["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [wanted[0].id])
    }

    @Test func sameSeed_sameBytes_otherSeed_otherUsers() throws {
        let first = try app(["openai": 500]).handle(.make("/v1/organization/users?limit=50", authorization: Self.openAI))
        let second = try app(["openai": 500]).handle(.make("/v1/organization/users?limit=50", authorization: Self.openAI))
        let other = try app(["openai": 500], seed: 7).handle(.make("/v1/organization/users?limit=50", authorization: Self.openAI))
        #expect(first.body == second.body)
        #expect(first.body != other.body)
    }

    @Test func deletingGeneratedUsersBetweenPages_neverSkipsOrDuplicates() throws {
        let app = try app(["openai": 300])
        let store = try #require(app.store(for: "openai"))
        let all = (0..<300).map { store.snapshot().user(at: $0).id }
        let first = try page(app, "?limit=10")
        let firstIDs = try #require(first["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
        _ = store.remove(id: firstIDs[9])
        _ = store.remove(id: all[150])
        #expect(store.append(StoredUser(id: "user-added", email: "a@example.com", json: Array(#"{"id":"user-added"}"#.utf8))))
        var seen = firstIDs
        var after = firstIDs[9]
        while true {
            let json = try page(app, "?limit=37&after=\(after)")
            seen += try #require(json["data"]?.arrayValue).compactMap { $0["id"]?.stringValue }
            guard json["has_more"] == .bool(true) else { break }
            after = try #require(json["last_id"]?.stringValue)
        }
        #expect(seen == all.filter { $0 != all[150] } + ["user-added"])
    }

    @Test(arguments: ["pandadoc", "1password", "openai"])
    func generatedUsers_passTheVendorsOwnSeedValidation(vendor: String) throws {
        let app = try app([vendor: 2000])
        let snapshot = try #require(app.store(for: vendor)).snapshot()
        #expect(snapshot.count == 2000)
        for index in stride(from: 0, to: 2000, by: 97) {
            #expect(!snapshot.user(at: index).id.hasPrefix("invalid-"))
        }
    }

    @Test func pandaDocGeneratedRemovals_areHiddenByShowRemovedFalse() throws {
        let app = try app(["pandadoc": 5000])
        let all = try app.handle(.make("/public/v1/users?count=1", authorization: "API-Key pandadoc-test-key")).json()
        let visible = try app.handle(.make("/public/v1/users?count=1&show_removed=false", authorization: "API-Key pandadoc-test-key")).json()
        let removed = try #require(app.store(for: "pandadoc")).snapshot().removedCount
        #expect(all["total"]?.intValue == 5000)
        #expect(visible["total"]?.intValue == 5000 - removed)
        #expect(removed > 300 && removed < 700)
    }
}
