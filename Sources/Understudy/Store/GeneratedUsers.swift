import Synchronization

/// `serve --users N --seed S`: N users per vendor that exist only as a formula. A user is built
/// (and encoded) when a page needs it; ids decode back to the user's number, so nothing is stored
/// per user except the positions of removed users (PandaDoc). Start-up and memory stay flat in N.
///
/// A small direct-mapped cache keeps the last users built: building one (person, vendor shape,
/// validation, encoding) costs several times what serving it does, and CI suites and load tests ask
/// for the same first pages over and over. The cache is bounded (``cacheSlots`` users), so memory
/// stays flat in N too; users are pure functions of their number, so a stale slot cannot exist.
public final class GeneratedUsers: Sendable {
    public let count: Int
    public let seed: UInt64
    let idFormat: SyntheticIDFormat
    private let make: @Sendable (Int) -> StoredUser
    /// Numbers of generated users whose membership is removed, ascending.
    let removedNumbers: [Int]
    /// How many built users the cache holds: a few pages of the largest page size any vendor allows.
    static let cacheSlots = 512
    private let cache = Mutex([CachedUser?](repeating: nil, count: GeneratedUsers.cacheSlots))

    private struct CachedUser: Sendable {
        var number: Int
        var user: StoredUser
    }

    /// - Parameters:
    ///   - removedShare: the share of users hidden by PandaDoc's `show_removed=false` (0 for other vendors).
    ///   - make: builds user `number`; must be a pure function of its input.
    public init(count: Int, seed: UInt64, idFormat: SyntheticIDFormat, removedShare: Double, make: @escaping @Sendable (Int) -> StoredUser) {
        self.count = count
        self.seed = seed
        self.idFormat = idFormat
        self.make = make
        removedNumbers = removedShare > 0 ? (1..<max(count, 1)).filter { Self.isRemoved($0, seed: seed, share: removedShare) } : []
    }

    /// Whether generated user `number` is removed: a cheap hash, so start-up never builds users.
    static func isRemoved(_ number: Int, seed: UInt64, share: Double) -> Bool {
        Double(VendorNumbers.splitMix64(UInt64(number) ^ VendorNumbers.splitMix64(seed ^ 0x7E30_7ED0)) >> 11) * 0x1.0p-53 < share
    }

    func user(_ number: Int) -> StoredUser {
        let slot = number % Self.cacheSlots
        if let cached = cache.withLock({ $0[slot] }), cached.number == number { return cached.user }
        var user = make(number)
        user.isHidden = removedNumbers.binarySearch(number)
        cache.withLock { $0[slot] = CachedUser(number: number, user: user) }
        return user
    }

    func number(ofID id: String) -> Int? { idFormat.number(of: id, seed: seed, count: count) }
}

extension Array where Element == Int {
    /// Whether the sorted array contains `value`.
    func binarySearch(_ value: Int) -> Bool {
        let index = partitioningIndex { $0 >= value }
        return index < count && self[index] == value
    }
}
