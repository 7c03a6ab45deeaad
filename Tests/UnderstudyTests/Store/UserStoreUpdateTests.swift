import Testing
@testable import Understudy

struct UserStoreUpdateTests {
    private struct Refused: Error {}

    private func user(_ id: String) -> StoredUser {
        StoredUser(id: id, email: "\(id)@example.com", json: Array(#"{"id":"\#(id)"}"#.utf8))
    }

    @Test func throwingUpdate_leavesTheStoreUnchanged() {
        let store = UserStore(users: [user("a"), user("b")])
        #expect(throws: Refused.self) {
            try store.update { (users: inout UserStore.Snapshot) throws(Refused) -> Bool in
                _ = users.remove(id: "a")
                _ = users.append(self.user("c"))
                throw Refused()
            }
        }
        #expect(store.snapshot().users.map(\.id) == ["a", "b"])
    }

    @Test func successfulUpdate_isOneAtomicChangeAndReturnsItsValue() {
        let store = UserStore(users: [user("a"), user("b")])
        let before = store.snapshot()
        let removed = store.update { users in users.remove(id: "a")?.id }
        #expect(removed == "a")
        #expect(store.snapshot().users.map(\.id) == ["b"])
        // A snapshot taken before the change still sees the old list (copy-on-write).
        #expect(before.users.map(\.id) == ["a", "b"])
    }
}

/// The store's overlays (deleted offsets, replaced users) against a plain array model, over random
/// deletes, replaces and appends: same order, same ids, cursors that resume after deleted users.
struct UserStoreModelTests {
    private func user(_ id: String, version: Int = 0) -> StoredUser {
        StoredUser(id: id, email: "\(id)@example.com", json: Array(#"{"id":"\#(id)","v":\#(version)}"#.utf8))
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomChanges_matchAnArrayModel(seed: UInt64) {
        var generator = SplitMix(state: seed)
        let initial = (0..<40).map { user("u\($0)") }
        var store = UserStore(users: initial).snapshot()
        var model = initial.map { ($0.id, 0) }
        var nextID = 100
        for _ in 0..<200 {
            switch generator.next() % 3 {
            case 0 where !model.isEmpty:
                let victim = Int(generator.next() % UInt64(model.count))
                let removed = store.remove(id: model[victim].0)
                #expect(removed != nil)
                model.remove(at: victim)
            case 1 where !model.isEmpty:
                let target = Int(generator.next() % UInt64(model.count))
                model[target].1 += 1
                let replaced = store.replace(user(model[target].0, version: model[target].1))
                #expect(replaced)
            default:
                let id = "n\(nextID)"
                nextID += 1
                let appended = store.append(user(id))
                #expect(appended)
                model.append((id, 0))
            }
            #expect(store.count == model.count)
        }
        #expect(store.users.map(\.id) == model.map(\.0))
        for (index, entry) in model.enumerated() {
            var writer = JSONWriter()
            store.appendJSON(at: index, to: &writer)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"id":"\#(entry.0)","v":\#(entry.1)}"#)
            #expect(store.id(at: index) == entry.0)
            #expect(store.index(ofID: entry.0) == index)
            // Resuming after this user gives the next one in the model.
            #expect(store.firstIndex(after: store.sequence(ofID: entry.0)!) == index + 1)
        }
        // Deleted seed users still resume at the right place.
        for seeded in initial where !model.contains(where: { $0.0 == seeded.id }) {
            let resume = store.firstIndex(after: store.sequence(ofID: seeded.id)!)
            let expected = model.firstIndex { store.sequence(ofID: $0.0)! > store.sequence(ofID: seeded.id)! } ?? model.count
            #expect(resume == expected)
        }
    }

    private struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
