import Synchronization

/// The users of one vendor in list order. Every user gets a sequence number when stored; cursors
/// remember the sequence of the last user they returned and resume with a binary search, so a
/// deep page costs the same as the first, and users added or deleted between two page requests
/// never cause a duplicate or a skip of an unchanged user.
public final class UserStore: Sendable {
    private let state: Mutex<Snapshot>

    /// Stores `users` in the given order (the vendor's list order).
    public init(users: [StoredUser]) {
        state = Mutex(Snapshot(users: users))
    }

    /// An immutable view for one request; later changes do not affect it.
    public func snapshot() -> Snapshot { state.withLock { $0 } }

    /// Appends a user at the end of the list (newest). Fails if the id is taken.
    public func append(_ user: StoredUser) -> Bool {
        state.withLock { $0.append(user) }
    }

    /// Replaces the stored user with this id, keeping its place in the list.
    public func replace(_ user: StoredUser) -> Bool {
        state.withLock { $0.replace(user) }
    }

    /// Deletes a user; cursors pointing at it keep working.
    public func remove(id: String) -> StoredUser? {
        state.withLock { $0.remove(id: id) }
    }

    /// Puts every user back to `users`.
    public func reset(to users: [StoredUser]) {
        state.withLock { $0 = Snapshot(users: users) }
    }

    /// A copy-on-write view of the list, ordered by sequence number.
    public struct Snapshot: Sendable {
        public private(set) var users: [StoredUser]
        private var sequences: [UInt64]
        /// Sequence by id, including deleted users, so a cursor naming a deleted user still resumes.
        private var sequenceByID: [String: UInt64]
        private var nextSequence: UInt64
        /// Ascending indices (into `users`) of removed users, kept in step with every change so
        /// PandaDoc's `show_removed=false` finds the n-th visible user by binary search, not a scan.
        private var removedIndices: [Int]
        public private(set) var suspendedCount: Int

        init(users: [StoredUser]) {
            self.users = users
            sequences = (0..<UInt64(users.count)).map { $0 + 1 }
            nextSequence = UInt64(users.count) + 1
            sequenceByID = Dictionary(users.enumerated().map { ($1.id, UInt64($0 + 1)) }, uniquingKeysWith: { first, _ in first })
            removedIndices = users.indices.filter { users[$0].isRemoved }
            suspendedCount = users.count { $0.isSuspended }
        }

        public var count: Int { users.count }

        /// How many stored users are removed (PandaDoc memberships).
        public var removedCount: Int { removedIndices.count }

        /// Index in `users` of the user at `rank` (0-based) among those not removed, or `count`
        /// if fewer users are visible. O(log removedCount).
        public func index(ofUnremovedRank rank: Int) -> Int {
            // `removedIndices[j] - j` is the number of visible users before the j-th removed one
            // (non-decreasing in j); every removed user with that number <= rank sits before the wanted one.
            var low = 0
            var high = removedIndices.count
            while low < high {
                let middle = (low + high) / 2
                if removedIndices[middle] - middle <= rank { low = middle + 1 } else { high = middle }
            }
            return min(rank + low, users.count)
        }

        /// The sequence number of a user, present or deleted.
        public func sequence(ofID id: String) -> UInt64? { sequenceByID[id] }

        /// Whether the user with this id is currently stored.
        public func contains(id: String) -> Bool { index(ofID: id) != nil }

        public func user(id: String) -> StoredUser? { index(ofID: id).map { users[$0] } }

        func index(ofID id: String) -> Int? {
            guard let sequence = sequenceByID[id] else { return nil }
            let index = firstIndex(after: sequence - 1)
            return index < sequences.count && sequences[index] == sequence ? index : nil
        }

        /// Index of the first user whose sequence is greater than `sequence` (binary search).
        public func firstIndex(after sequence: UInt64) -> Int {
            var low = 0
            var high = sequences.count
            while low < high {
                let middle = (low + high) / 2
                if sequences[middle] <= sequence { low = middle + 1 } else { high = middle }
            }
            return low
        }

        public func sequence(at index: Int) -> UInt64 { sequences[index] }

        /// Up to `limit` users from `startIndex` on that pass `filter`.
        /// - Returns: their indices and whether another matching user follows.
        public func page(
            from startIndex: Int, limit: Int, where filter: (StoredUser) -> Bool = { _ in true }
        ) -> (indices: [Int], hasMore: Bool) {
            var indices: [Int] = []
            indices.reserveCapacity(min(limit, 128))
            var index = startIndex
            while index < users.count {
                if filter(users[index]) {
                    if indices.count == limit { return (indices, true) }
                    indices.append(index)
                }
                index += 1
            }
            return (indices, false)
        }

        mutating func append(_ user: StoredUser) -> Bool {
            guard !contains(id: user.id) else { return false }
            let sequence = nextSequence
            nextSequence += 1
            users.append(user)
            sequences.append(sequence)
            sequenceByID[user.id] = sequence
            if user.isRemoved { removedIndices.append(users.count - 1) }
            if user.isSuspended { suspendedCount += 1 }
            return true
        }

        mutating func replace(_ user: StoredUser) -> Bool {
            guard let index = index(ofID: user.id) else { return false }
            if users[index].isRemoved != user.isRemoved {
                let position = removedIndices.partitioningIndex { $0 >= index }
                if user.isRemoved { removedIndices.insert(index, at: position) } else { removedIndices.remove(at: position) }
            }
            if users[index].isSuspended { suspendedCount -= 1 }
            users[index] = user
            if user.isSuspended { suspendedCount += 1 }
            return true
        }

        mutating func remove(id: String) -> StoredUser? {
            guard let index = index(ofID: id) else { return nil }
            let user = users.remove(at: index)
            sequences.remove(at: index)
            let position = removedIndices.partitioningIndex { $0 >= index }
            if user.isRemoved { removedIndices.remove(at: position) }
            for later in position..<removedIndices.count { removedIndices[later] -= 1 }
            if user.isSuspended { suspendedCount -= 1 }
            return user
        }
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, which must be false then true along the array.
    func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
