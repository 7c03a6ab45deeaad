import Synchronization

/// The users of one vendor in list order. Every user has a sequence number; cursors remember the
/// sequence of the last user they returned and resume with a binary search, so a deep page costs
/// the same as the first, and users added or deleted between two page requests never cause a
/// duplicate or a skip of an unchanged user.
///
/// The list is an optional block of generated users (sequence = number + 1, built on demand) followed
/// by explicit users (seeded or added at runtime).
public final class UserStore: Sendable {
    private let state: Mutex<Snapshot>
    private let initial: Snapshot

    /// Stores `users` in the given order (the vendor's list order), after any generated users.
    public init(users: [StoredUser], generated: GeneratedUsers? = nil) {
        initial = Snapshot(users: users, generated: generated)
        state = Mutex(initial)
    }

    /// A store that starts as `initial` and shares its storage until the first change (sessions:
    /// starting one costs nothing, whatever the population).
    init(startingAs initial: Snapshot) {
        self.initial = initial
        state = Mutex(initial)
    }

    /// The users as the store started (seeds or generated population).
    var initialSnapshot: Snapshot { initial }

    /// How many users the store started with.
    public var initialCount: Int { initial.count }

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

    /// Runs `body` on the current users under the store's lock, so no other change interleaves
    /// with this read-modify-write. `body` works on a copy: when it throws, the store is unchanged.
    public func update<Value: Sendable, Failure: Error>(_ body: (inout Snapshot) throws(Failure) -> Value) throws(Failure) -> Value {
        let outcome: Result<Value, Failure> = state.withLock { current in
            var copy = current
            do throws(Failure) {
                let value = try body(&copy)
                current = copy
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    /// Puts every user back as the store started.
    public func reset() {
        state.withLock { $0 = initial }
    }

    /// A copy-on-write view of the list, ordered by sequence number.
    public struct Snapshot: Sendable {
        /// Everything lives in one reference, so handing a snapshot to a request costs one retain;
        /// changes copy it first unless this snapshot is its only owner (copy-on-write).
        ///
        /// `@exclusivity(unchecked)`: a storage is written only while uniquely referenced (``makeUnique()``,
        /// under the store's lock), so no access can overlap a write; the runtime check that would
        /// prove it cost four calls per user on every page (~7 % of a 10-user page's instructions).
        private final class Storage: @unchecked Sendable {
            let generated: GeneratedUsers?
            @exclusivity(unchecked) var deletedNumbers: [Int] = []
            @exclusivity(unchecked) var replacedGenerated: [Int: StoredUser] = [:]
            /// Offsets into `explicit` of deleted users, ascending, and changed users by offset:
            /// overlays, so a change never copies the seeded list (a session that changes one
            /// user costs that user, not the vendor's whole list).
            @exclusivity(unchecked) var deletedOffsets: [Int] = []
            @exclusivity(unchecked) var replacedExplicit: [Int: StoredUser] = [:]
            @exclusivity(unchecked) var explicit: [StoredUser]
            @exclusivity(unchecked) var explicitSequences: [UInt64]
            @exclusivity(unchecked) var sequenceByID: [String: UInt64]
            @exclusivity(unchecked) var nextSequence: UInt64
            @exclusivity(unchecked) var removedIndices: [Int]

            init(generated: GeneratedUsers?, explicit: [StoredUser], explicitSequences: [UInt64],
                 sequenceByID: [String: UInt64], nextSequence: UInt64, removedIndices: [Int]) {
                self.generated = generated
                self.explicit = explicit
                self.explicitSequences = explicitSequences
                self.sequenceByID = sequenceByID
                self.nextSequence = nextSequence
                self.removedIndices = removedIndices
            }

            func copy() -> Storage {
                let copy = Storage(generated: generated, explicit: explicit, explicitSequences: explicitSequences,
                                   sequenceByID: sequenceByID, nextSequence: nextSequence, removedIndices: removedIndices)
                copy.deletedNumbers = deletedNumbers
                copy.replacedGenerated = replacedGenerated
                copy.deletedOffsets = deletedOffsets
                copy.replacedExplicit = replacedExplicit
                return copy
            }
        }

        private var storage: Storage

        private mutating func makeUnique() {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        }

        var generated: GeneratedUsers? { storage.generated }
        /// Numbers of deleted generated users, ascending.
        private var deletedNumbers: [Int] {
            get { storage.deletedNumbers }
            _modify { makeUnique(); yield &storage.deletedNumbers }
        }
        private var replacedGenerated: [Int: StoredUser] {
            get { storage.replacedGenerated }
            _modify { makeUnique(); yield &storage.replacedGenerated }
        }
        private var deletedOffsets: [Int] {
            get { storage.deletedOffsets }
            _modify { makeUnique(); yield &storage.deletedOffsets }
        }
        private var replacedExplicit: [Int: StoredUser] {
            get { storage.replacedExplicit }
            _modify { makeUnique(); yield &storage.replacedExplicit }
        }
        private var explicit: [StoredUser] {
            get { storage.explicit }
            _modify { makeUnique(); yield &storage.explicit }
        }
        private var explicitSequences: [UInt64] {
            get { storage.explicitSequences }
            _modify { makeUnique(); yield &storage.explicitSequences }
        }
        /// Sequence by id for explicit users, including deleted ones, so a cursor naming a deleted user still resumes.
        private var sequenceByID: [String: UInt64] {
            get { storage.sequenceByID }
            _modify { makeUnique(); yield &storage.sequenceByID }
        }
        private var nextSequence: UInt64 {
            get { storage.nextSequence }
            _modify { makeUnique(); yield &storage.nextSequence }
        }
        /// Ascending positions of removed users, kept in step with every change so PandaDoc's
        /// `show_removed=false` finds the n-th visible user by binary search, not a scan.
        private var removedIndices: [Int] {
            get { storage.removedIndices }
            _modify { makeUnique(); yield &storage.removedIndices }
        }

        init(users: [StoredUser], generated: GeneratedUsers?) {
            let base = UInt64(generated?.count ?? 0)
            let generatedCount = generated?.count ?? 0
            storage = Storage(
                generated: generated,
                explicit: users,
                explicitSequences: (0..<UInt64(users.count)).map { base + $0 + 1 },
                sequenceByID: Dictionary(users.enumerated().map { ($1.id, base + UInt64($0) + 1) }, uniquingKeysWith: { first, _ in first }),
                nextSequence: base + UInt64(users.count) + 1,
                removedIndices: (generated?.removedNumbers ?? []) + users.indices.filter { users[$0].isHidden }.map { $0 + generatedCount }
            )
        }

        /// The users in list order, built on demand where generated.
        public var users: UserList { UserList(snapshot: self) }

        public var count: Int { visibleGenerated + explicit.count - deletedOffsets.count }

        /// The offset into `explicit` of the explicit user at list position `position` (past the generated block).
        private func explicitOffset(_ position: Int) -> Int {
            position + deletedOffsets.countSkipped(before: position)
        }

        private func explicitUser(offset: Int) -> StoredUser {
            replacedExplicit.isEmpty ? explicit[offset] : (replacedExplicit[offset] ?? explicit[offset])
        }

        private var visibleGenerated: Int { (generated?.count ?? 0) - deletedNumbers.count }

        /// Numbers of deleted generated users, ascending: lets a vendor count traits derived from the
        /// number (Factory's generated roles) without building or scanning the population.
        var deletedGeneratedNumbers: [Int] { deletedNumbers }

        /// How many stored users are removed (PandaDoc memberships).
        public var removedCount: Int { removedIndices.count }

        /// Index of the user at `rank` (0-based) among those not removed, or `count` if fewer
        /// users are visible. O(log removedCount).
        public func index(ofUnremovedRank rank: Int) -> Int {
            min(rank + removedIndices.countSkipped(before: rank), count)
        }

        /// The user at a list position.
        public func user(at index: Int) -> StoredUser {
            if index < visibleGenerated, let generated {
                let number = number(atPosition: index)
                return replacedGenerated[number] ?? generated.user(number)
            }
            return explicitUser(offset: explicitOffset(index - visibleGenerated))
        }

        /// Appends the stored JSON of the user at `index` without copying the whole user (hot path).
        public func appendJSON(at index: Int, to writer: inout JSONWriter) {
            if index >= visibleGenerated {
                if storage.deletedOffsets.isEmpty, storage.replacedExplicit.isEmpty {
                    writer.raw(storage.explicit[index - visibleGenerated].json)
                } else {
                    writer.raw(explicitUser(offset: explicitOffset(index - visibleGenerated)).json)
                }
            } else {
                writer.raw(user(at: index).json)
            }
        }

        /// The id of the user at `index`.
        public func id(at index: Int) -> String {
            index >= visibleGenerated ? explicitUser(offset: explicitOffset(index - visibleGenerated)).id : user(at: index).id
        }

        /// The sequence number of a user, present or deleted.
        public func sequence(ofID id: String) -> UInt64? {
            if let sequence = sequenceByID[id] { return sequence }
            return generated?.number(ofID: id).map { UInt64($0) + 1 }
        }

        /// Whether the user with this id is currently stored.
        public func contains(id: String) -> Bool { index(ofID: id) != nil }

        public func user(id: String) -> StoredUser? { index(ofID: id).map(user(at:)) }

        func index(ofID id: String) -> Int? {
            guard let sequence = sequence(ofID: id) else { return nil }
            let index = firstIndex(after: sequence - 1)
            return index < count && self.sequence(at: index) == sequence ? index : nil
        }

        /// Index of the first user whose sequence is greater than `sequence` (binary search).
        public func firstIndex(after sequence: UInt64) -> Int {
            let generatedCount = UInt64(generated?.count ?? 0)
            if sequence < generatedCount {
                // Generated user n has sequence n + 1, so the first one after `sequence` is number `sequence`.
                let number = Int(sequence)
                return number - deletedNumbers.partitioningIndex { $0 >= number }
            }
            let offset = explicitSequences.partitioningIndex { $0 > sequence }
            return visibleGenerated + offset - deletedOffsets.partitioningIndex { $0 >= offset }
        }

        public func sequence(at index: Int) -> UInt64 {
            index < visibleGenerated ? UInt64(number(atPosition: index)) + 1 : explicitSequences[explicitOffset(index - visibleGenerated)]
        }

        /// The generated user number at a list position: skips deleted numbers by binary search.
        private func number(atPosition position: Int) -> Int {
            position + deletedNumbers.countSkipped(before: position)
        }

        /// Up to `limit` users from `startIndex` on whose (lowercased) email is in `emails`, found without
        /// a scan of generated users: their emails carry their number (`name1234@domain`).
        public func page(from startIndex: Int, limit: Int, emails: Set<String>) -> (indices: [Int], hasMore: Bool) {
            var positions: [Int] = []
            if let generated {
                for email in emails {
                    guard let number = Self.generatedNumber(inEmail: email), number < generated.count else { continue }
                    let deletedBefore = deletedNumbers.partitioningIndex { $0 >= number }
                    guard deletedBefore == deletedNumbers.count || deletedNumbers[deletedBefore] != number else { continue }
                    let position = number - deletedBefore
                    if user(at: position).email == email { positions.append(position) }
                }
            }
            var deletedBefore = 0
            for offset in storage.explicit.indices {
                if deletedBefore < deletedOffsets.count, deletedOffsets[deletedBefore] == offset { deletedBefore += 1; continue }
                if emails.contains(explicitUser(offset: offset).email) { positions.append(visibleGenerated + offset - deletedBefore) }
            }
            positions.sort()
            let wanted = positions.filter { $0 >= startIndex }
            return (Array(wanted.prefix(limit)), wanted.count > limit)
        }

        /// The digits right before `@`, which generated emails end their local part with.
        static func generatedNumber(inEmail email: String) -> Int? {
            guard let at = email.utf8.firstIndex(of: UInt8(ascii: "@")) else { return nil }
            let local = email.utf8[..<at]
            let digits = local.reversed().prefix { $0 >= 48 && $0 <= 57 }
            guard !digits.isEmpty, digits.count <= 12 else { return nil }
            return digits.reversed().reduce(0) { $0 * 10 + Int($1 - 48) }
        }

        /// Up to `limit` users from `startIndex` on: a range, with no user built or copied.
        public func page(from startIndex: Int, limit: Int) -> (indices: [Int], hasMore: Bool) {
            let start = min(max(startIndex, 0), count)
            let end = min(start + max(limit, 0), count)
            return (Array(start..<end), end < count)
        }

        /// Up to `limit` users from `startIndex` on that pass `filter`.
        /// - Returns: their indices and whether another matching user follows.
        public func page(
            from startIndex: Int, limit: Int, where filter: (StoredUser) -> Bool
        ) -> (indices: [Int], hasMore: Bool) {
            var indices: [Int] = []
            indices.reserveCapacity(min(limit, 128))
            var index = startIndex
            while index < count {
                if filter(user(at: index)) {
                    if indices.count == limit { return (indices, true) }
                    indices.append(index)
                }
                index += 1
            }
            return (indices, false)
        }

        /// Appends a user at the end of the list (newest). Fails if the id is taken.
        public mutating func append(_ user: StoredUser) -> Bool {
            guard !contains(id: user.id), generated?.number(ofID: user.id) == nil else { return false }
            let sequence = nextSequence
            nextSequence += 1
            explicit.append(user)
            explicitSequences.append(sequence)
            sequenceByID[user.id] = sequence
            if user.isHidden { removedIndices.append(count - 1) }
            return true
        }

        /// Replaces the user with this id in place. Fails if there is none.
        public mutating func replace(_ user: StoredUser) -> Bool {
            guard let index = index(ofID: user.id) else { return false }
            let wasHidden = self.user(at: index).isHidden
            if wasHidden != user.isHidden {
                let position = removedIndices.partitioningIndex { $0 >= index }
                if user.isHidden { removedIndices.insert(index, at: position) } else { removedIndices.remove(at: position) }
            }
            if index < visibleGenerated {
                replacedGenerated[number(atPosition: index)] = user
            } else {
                replacedExplicit[explicitOffset(index - visibleGenerated)] = user
            }
            return true
        }

        /// Deletes a user (a tombstone for generated users); cursors naming it keep resuming.
        public mutating func remove(id: String) -> StoredUser? {
            guard let index = index(ofID: id) else { return nil }
            let user = self.user(at: index)
            if index < visibleGenerated {
                let number = number(atPosition: index)
                deletedNumbers.insert(number, at: deletedNumbers.partitioningIndex { $0 >= number })
                replacedGenerated[number] = nil
            } else {
                let offset = explicitOffset(index - visibleGenerated)
                deletedOffsets.insert(offset, at: deletedOffsets.partitioningIndex { $0 >= offset })
                replacedExplicit[offset] = nil
            }
            let position = removedIndices.partitioningIndex { $0 >= index }
            if user.isHidden { removedIndices.remove(at: position) }
            for later in position..<removedIndices.count { removedIndices[later] -= 1 }
            return user
        }
    }
}

/// The users of a snapshot as a collection; generated users are built when read.
public struct UserList: RandomAccessCollection, Sendable {
    let snapshot: UserStore.Snapshot

    public var startIndex: Int { 0 }
    public var endIndex: Int { snapshot.count }
    public subscript(position: Int) -> StoredUser { snapshot.user(at: position) }
}

extension Array where Element == Int {
    /// For ascending positions skipped in a sequence (removed users, deleted numbers): how many of
    /// them come before the `rank`-th element that is not skipped. `self[j] - j` counts the kept
    /// elements before the j-th skipped one and never decreases, so this is a binary search.
    func countSkipped(before rank: Int) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] - middle <= rank { low = middle + 1 } else { high = middle }
        }
        return low
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
