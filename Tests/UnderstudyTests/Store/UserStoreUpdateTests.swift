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
