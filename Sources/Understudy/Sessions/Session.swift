import Synchronization

/// A named, isolated view of the whole emulator: its own users (copy-on-write from the seeds or
/// the generated population, so a session that changes one user copies only that vendor's list of
/// explicit users, never the generated million), vendor state (workspaces, invites, OAuth tokens),
/// armed faults, rate-limit buckets and journal. The default session is what understudy was before
/// sessions: clients that never name one share it.
public final class Session: Sendable {
    /// `default`, or the name a client chose.
    public let name: String
    /// Every vendor with this session's store and state, in registry order.
    public let records: [VendorRecord]
    public let faults: FaultBook
    public let journal: RequestJournal
    let rateLimiter: RateLimiter
    /// Credentials bound to this session, per vendor id (none for the default session).
    public let credentials: [String: [VendorSeed.Credential]]
    /// Wall-clock milliseconds of creation, for listings.
    let createdAt: Int64
    /// Monotonic milliseconds of creation: the wall-clock time of the last use is derived from it, so
    /// noting a request reads one clock, not two (it runs on every request).
    private let createdMonotonic: Int64
    private let usage = Mutex(Usage())

    struct Usage: Sendable {
        /// Monotonic milliseconds of the last request, for idle expiry.
        var lastUsed: Int64 = Session.monotonicMilliseconds()
        var requests = 0
        /// Successful writes per vendor (vendor operations that change the store, and admin user changes).
        var writes: [String: Int] = [:]
    }

    init(name: String, records: [VendorRecord], faults: FaultBook, journal: RequestJournal,
         rateLimiter: RateLimiter, credentials: [String: [VendorSeed.Credential]]) {
        self.name = name
        self.records = records
        self.faults = faults
        self.journal = journal
        self.rateLimiter = rateLimiter
        self.credentials = credentials
        createdAt = Self.wallClockMilliseconds()
        createdMonotonic = Self.monotonicMilliseconds()
    }

    public static let defaultName = "default"

    public var isDefault: Bool { name == Self.defaultName }

    /// A vendor's record in this session.
    public func record(for vendorID: String) -> VendorRecord? { records.first { $0.id == vendorID } }

    /// Notes a request (and a successful write to `vendor`, when there was one).
    func touch(wroteTo vendor: String? = nil) {
        usage.withLock { usage in
            usage.lastUsed = Self.monotonicMilliseconds()
            usage.requests += 1
            if let vendor { usage.writes[vendor, default: 0] += 1 }
        }
    }

    func idleMilliseconds(now: Int64 = Session.monotonicMilliseconds()) -> Int64 {
        now - usage.withLock { $0.lastUsed }
    }

    /// Users and state back to the seeds; journal, faults and rate limits cleared; `rules` re-armed.
    func reset(rearming rules: [FaultRule]) {
        for record in records { record.reset() }
        journal.clear()
        faults.removeAll()
        for rule in rules { faults.arm(rule) }
        rateLimiter.reset()
        usage.withLock { $0.writes = [:] }
    }

    /// The session as `GET /__admin/sessions` lists it: last use and what it changed.
    var listing: JSONValue {
        let usage = usage.withLock { $0 }
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        let changed: [(String, JSONValue)] = records.compactMap { record in
            let writes = usage.writes[record.id] ?? 0
            let count = record.store.snapshot().count
            let initial = record.store.initialCount
            guard writes > 0 || count != initial else { return nil }
            return (record.id, .object([("writes", number(writes)), ("userCount", number(count)), ("seededUserCount", number(initial))]))
        }
        return .object([
            ("name", .string(name)),
            ("default", .bool(isDefault)),
            ("createdAt", .string(RequestJournal.isoTime(createdAt))),
            ("lastUsedAt", .string(RequestJournal.isoTime(createdAt + max(0, usage.lastUsed - createdMonotonic)))),
            ("requests", number(usage.requests)),
            ("armedFaults", number(faults.count)),
            ("journaled", number(journal.count)),
            ("changed", .object(changed)),
            ("credentials", .bool(!credentials.isEmpty)),
        ])
    }

    static func monotonicMilliseconds() -> Int64 { Int64(SystemClock.monotonicNanoseconds() / 1_000_000) }

    static func wallClockMilliseconds() -> Int64 { SystemClock.wallMilliseconds() }

    /// Session names are path segments and header values: letters, digits, `.`, `_`, `-`, at most 64.
    static func isValidName(_ name: String) -> Bool {
        let utf8 = name.utf8
        return !utf8.isEmpty && utf8.count <= 64 && utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        } && name != "." && name != ".."
    }
}
