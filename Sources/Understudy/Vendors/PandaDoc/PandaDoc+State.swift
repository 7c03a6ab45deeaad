import Synchronization

/// PandaDoc's data beside its users: the organization's email domain, its workspaces, who owns each key,
/// and what runtime writes added that the user JSON cannot hold (membership dates, an index of new
/// membership ids, the id counter). Memberships themselves live in the users' JSON in the store, so the
/// list, `detailsUser` and the admin API always agree; writes change both under the store's lock.
final class PandaDocState: VendorState {
    /// The organization's email domain (seed `organization.email_domain`); nil accepts any domain.
    let emailDomain: String?
    let workspaces: [PandaDoc.Workspace]
    let keyScopes: [PandaDoc.KeyScope]
    private let runtime = Mutex(Runtime())

    /// What writes add; ``reset()`` empties it.
    struct Runtime {
        /// Membership id → user id for memberships created at runtime.
        var memberIndex: [String: String] = [:]
        /// Membership id → (date_created, date_modified) for memberships created or changed at runtime.
        var dates: [String: MemberDates] = [:]
        var nextID = 0
    }

    struct MemberDates: Sendable {
        var created: String
        var modified: String
    }

    init(emailDomain: String?, workspaces: [PandaDoc.Workspace], keyScopes: [PandaDoc.KeyScope]) {
        self.emailDomain = emailDomain
        self.workspaces = workspaces
        self.keyScopes = keyScopes
    }

    func reset() { runtime.withLock { $0 = Runtime() } }

    func workspace(_ id: String) -> PandaDoc.Workspace? { workspaces.first { $0.id == id } }

    func keyScope(forAuthorization header: String) -> PandaDoc.KeyScope? { keyScopes.first { $0.authorization == header } }

    /// The user holding a membership created at runtime.
    func runtimeOwner(ofMembership id: String) -> String? { runtime.withLock { $0.memberIndex[id] } }

    /// Fresh 22-character base57 ids, far above any generated user's number so they never decode as one.
    func makeIDs(_ count: Int) -> [String] {
        let first = runtime.withLock { state in
            defer { state.nextID += count }
            return state.nextID
        }
        return (first..<(first + count)).map { PandaDoc.runtimeIDFormat.id(for: (1 << 40) + $0, seed: 0x9A4D_A0C0) }
    }

    /// Records new memberships (call inside the store update, after validation).
    func recordNewMemberships(_ memberships: [PandaDoc.Membership], userID: String, at now: String) {
        runtime.withLock { state in
            for membership in memberships {
                state.memberIndex[membership.membershipID] = userID
                state.dates[membership.membershipID] = MemberDates(created: now, modified: now)
            }
        }
    }

    /// Marks a membership modified now (role change).
    func touch(_ membershipID: String, at now: String) {
        runtime.withLock { state in
            let created = state.dates[membershipID]?.created ?? Self.seededDates(membershipID).created
            state.dates[membershipID] = MemberDates(created: created, modified: now)
        }
    }

    func dates(_ membershipID: String) -> MemberDates {
        runtime.withLock { $0.dates[membershipID] } ?? Self.seededDates(membershipID)
    }

    /// Deterministic dates for seeded and generated memberships: created in 2021–2024, modified up to 180 days later,
    /// with microseconds like the spec's examples (`2020-11-17T08:42:34.237567Z`).
    static func seededDates(_ membershipID: String) -> MemberDates {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in membershipID.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let first = VendorNumbers.splitMix64(hash)
        let second = VendorNumbers.splitMix64(first)
        let created = SyntheticPerson.epoch + Int(first % 126_230_400)
        let modified = created + Int(second % 15_552_000)
        return MemberDates(created: timestamp(created, micro: Int(first >> 40) % 1_000_000),
                           modified: timestamp(modified, micro: Int(second >> 40) % 1_000_000))
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    static func timestamp(_ seconds: Int, micro: Int) -> String {
        String(ISO8601.format(seconds: seconds).dropLast()) + "." + String(String(1_000_000 + micro).dropFirst()) + "Z"
    }

    /// The current time in the member dates' format.
    static func now() -> String {
        let now = SystemClock.wall()
        return timestamp(now.seconds, micro: now.nanoseconds / 1000)
    }
}
