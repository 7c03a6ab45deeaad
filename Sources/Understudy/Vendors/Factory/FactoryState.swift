import Synchronization

extension Factory {
    /// Organization roles, the `role` enum of inviteUser (docs).
    enum Role: String, Sendable, CaseIterable {
        case user
        case manager
        case owner
    }

    /// A pending invitation: seeded (`invites`) or sent by inviteUser to a new email.
    struct Invite: Sendable, Equatable {
        /// As the inviter spelled it.
        var email: String
        /// `email` lowercased: emails match case-insensitively.
        var key: String
        var role: Role
        /// ISO 8601 with milliseconds, like the users' timestamps.
        var createdAt: String

        init(email: String, role: Role, createdAt: String) {
            self.email = email
            key = email.lowercased()
            self.role = role
            self.createdAt = createdAt
        }
    }

    /// A member's role: set by the seeds' `memberRoles` or a role update, else the generated mix for a
    /// generated user, else `user`. Roles live here, not in the user JSON: the documented user object has
    /// no role field and `metadata` is the customer's own data.
    static func role(ofMember id: String, roles: [String: Role], users: UserStore.Snapshot) -> Role {
        if let role = roles[id] { return role }
        if let number = users.generated?.number(ofID: id) { return generatedRole(number) }
        return .user
    }

    /// Roles of generated users, a pure function of the number: user 0 and every 1000th are owners,
    /// 6 in every 100 are managers, the rest users.
    static func generatedRole(_ number: Int) -> Role {
        if number % 1000 == 0 { return .owner }
        return (1...6).contains(number % 100) ? .manager : .user
    }

    /// How many of generated users `0..<count` hold each role, in closed form (no user is built).
    static func generatedRoleCounts(_ count: Int) -> [Role: Int] {
        let owners = (count + 999) / 1000
        let managers = count / 100 * 6 + min(max(count % 100 - 1, 0), 6)
        return [.owner: owners, .manager: managers, .user: count - owners - managers]
    }

    /// The list position of the member with this (lowercased) email, found without a scan of generated
    /// users: their emails carry their number (``UserStore/Snapshot/page(from:limit:emails:)``).
    static func memberIndex(email key: String, in users: UserStore.Snapshot) -> Int? {
        users.page(from: 0, limit: 1, emails: [key]).indices.first
    }
}

/// Factory's organization beside its users: pending invites, member roles and the seat limit.
/// Factory's writes run one at a time under this state's lock (and the store's, inside it), so the
/// seat count cannot change between the check and the invite.
final class FactoryState: VendorState {
    struct Organization: Sendable {
        /// Oldest first.
        var invites: [Factory.Invite]
        /// Role by WorkOS user id where set (seeded `memberRoles`, role updates).
        var roles: [String: Factory.Role]
    }

    /// Seeded seats; nil when the seed sets none (no limit).
    let seededSeatLimit: Int?
    /// Seeded members, for moving the limit with a generated population.
    let seededUserCount: Int
    private let initial: Organization
    private let organization: Mutex<Organization>

    init(seatLimit: Int?, seededUserCount: Int, organization: Organization) {
        seededSeatLimit = seatLimit
        self.seededUserCount = seededUserCount
        initial = organization
        self.organization = Mutex(organization)
    }

    func reset() {
        organization.withLock { $0 = initial }
    }

    /// The organization as it is now.
    var current: Organization { organization.withLock { $0 } }

    /// Seats of the organization. With `serve --users N` the seed users are replaced by N generated ones,
    /// so the limit moves by the difference and the seeds' free seats stay free.
    func seatLimit(for users: UserStore.Snapshot) -> Int? {
        guard let seededSeatLimit else { return nil }
        guard let generated = users.generated else { return seededSeatLimit }
        return max(seededSeatLimit - seededUserCount + generated.count, 0)
    }

    /// inviteUser's upsert (docs): a member gets `already_member` or `role_updated`, a pending invite
    /// `already_invited` with its own role ("returns the current status without changes"), a new email an
    /// invite, or `error` when members and pending invites hold every seat.
    func invite(email: String, role: Factory.Role, store: UserStore, createdAt: String) -> Factory.InviteOutcome {
        let key = email.lowercased()
        return organization.withLock { organization in
            let users = store.snapshot()
            if let index = Factory.memberIndex(email: key, in: users) {
                let id = users.id(at: index)
                // Per vendor-notes/users-resource/factory.md (open question 3): no last-owner rule is
                // documented, so none is enforced.
                guard Factory.role(ofMember: id, roles: organization.roles, users: users) != role else {
                    return Factory.InviteOutcome(email: email, role: role, status: .alreadyMember)
                }
                organization.roles[id] = role
                return Factory.InviteOutcome(email: email, role: role, status: .roleUpdated)
            }
            if let invite = organization.invites.first(where: { $0.key == key }) {
                return Factory.InviteOutcome(email: email, role: invite.role, status: .alreadyInvited)
            }
            if let limit = seatLimit(for: users), users.count + organization.invites.count >= limit {
                return Factory.InviteOutcome(
                    email: email, role: role, status: .error, error: Factory.Failure.seatLimitMessage(seats: limit))
            }
            organization.invites.append(Factory.Invite(email: email, role: role, createdAt: createdAt))
            return Factory.InviteOutcome(email: email, role: role, status: .invited)
        }
    }

    /// removeUser (docs): deletes the membership and/or revokes the pending invite with this email.
    /// - Returns: whether there was either.
    func remove(email: String, store: UserStore) -> Bool {
        let key = email.lowercased()
        return organization.withLock { organization in
            var removed = false
            let users = store.snapshot()
            if let index = Factory.memberIndex(email: key, in: users) {
                let id = users.id(at: index)
                // A tombstone for a generated user: cursors naming it keep resuming.
                removed = store.remove(id: id) != nil
                organization.roles[id] = nil
            }
            if let position = organization.invites.firstIndex(where: { $0.key == key }) {
                organization.invites.remove(at: position)
                removed = true
            }
            return removed
        }
    }

    /// How many current members hold each role. Generated users are counted in closed form, corrected
    /// for deleted numbers and role updates; only explicit (seeded or added) users are visited.
    func roleCounts(users: UserStore.Snapshot, roles: [String: Factory.Role]) -> [Factory.Role: Int] {
        var counts: [Factory.Role: Int] = [.owner: 0, .manager: 0, .user: 0]
        var explicitStart = 0
        if let generated = users.generated {
            counts = Factory.generatedRoleCounts(generated.count)
            let deleted = users.deletedGeneratedNumbers
            for number in deleted { counts[Factory.generatedRole(number), default: 0] -= 1 }
            explicitStart = generated.count - deleted.count
            for (id, role) in roles {
                guard let number = generated.number(ofID: id), users.contains(id: id) else { continue }
                counts[Factory.generatedRole(number), default: 0] -= 1
                counts[role, default: 0] += 1
            }
        }
        for index in explicitStart..<users.count {
            counts[roles[users.id(at: index)] ?? .user, default: 0] += 1
        }
        return counts
    }

    /// Factory's members of `GET /__admin/vendors`: seats, pending invites and the role mix.
    func summary(users: UserStore.Snapshot) -> [(String, JSONValue)] {
        let organization = current
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        let counts = roleCounts(users: users, roles: organization.roles)
        return [
            ("seatLimit", seatLimit(for: users).map(number) ?? .null),
            ("seatsUsed", number(users.count + organization.invites.count)),
            ("invites", .array(organization.invites.map { invite in
                .object([("email", .string(invite.email)), ("role", .string(invite.role.rawValue)), ("createdAt", .string(invite.createdAt))])
            })),
            ("memberRoles", .object(Factory.Role.allCases.reversed().map { ($0.rawValue, number(counts[$0] ?? 0)) })),
        ]
    }

    // MARK: - Seeds

    /// Reads `seatLimit` (non-negative integer, absent = no limit), `memberRoles` (seeded user id → role;
    /// unlisted members are `user`) and `invites` (`[{email, role, createdAt}]`, emails unique and unlike
    /// any member's).
    static func read(_ seed: VendorSeed) throws(SeedError) -> FactoryState {
        var seatLimit: Int?
        if let value = seed.extensionValue("seatLimit") {
            guard let limit = value.intValue, limit >= 0 else {
                throw SeedError(path: "$.seatLimit", problem: "expected a non-negative integer, found \(value.typeName)")
            }
            seatLimit = limit
        }
        var roles: [String: Factory.Role] = [:]
        if let value = seed.extensionValue("memberRoles") {
            guard let members = value.objectValue else {
                throw SeedError(path: "$.memberRoles", problem: "expected an object of user id → role, found \(value.typeName)")
            }
            let ids = Set(seed.users.map(\.id))
            for (id, role) in members {
                guard ids.contains(id) else { throw SeedError(path: "$.memberRoles.\(id)", problem: "not a user in this file") }
                guard let role = role.stringValue.flatMap(Factory.Role.init(rawValue:)) else {
                    throw SeedError(path: "$.memberRoles.\(id)", problem: "expected one of user, manager, owner")
                }
                roles[id] = role
            }
        }
        return FactoryState(seatLimit: seatLimit, seededUserCount: seed.users.count,
                            organization: Organization(invites: try readInvites(seed), roles: roles))
    }

    private static func readInvites(_ seed: VendorSeed) throws(SeedError) -> [Factory.Invite] {
        guard let value = seed.extensionValue("invites") else { return [] }
        guard let entries = value.arrayValue else {
            throw SeedError(path: "$.invites", problem: "expected an array, found \(value.typeName)")
        }
        var taken = Set(seed.users.map { $0.email.lowercased() })
        var invites: [Factory.Invite] = []
        for (index, entry) in entries.enumerated() {
            let fields = try SeedFields(entry, path: "$.invites[\(index)]")
            try fields.rejectUnknownKeys(["email", "role", "createdAt"])
            let email = try fields.string("email")
            guard Factory.isEmailAddress(email) else {
                throw SeedError(path: "\(fields.path).email", problem: "'\(email)' is not an email address")
            }
            guard taken.insert(email.lowercased()).inserted else {
                throw SeedError(path: "\(fields.path).email", problem: "'\(email)' is already a member or invited")
            }
            let role = Factory.Role(rawValue: try fields.oneOf("role", Factory.Role.allCases.map(\.rawValue)))!
            let createdAt = try fields.timestamp("createdAt", format: "YYYY-MM-DDTHH:MM:SS.sssZ")
            invites.append(Factory.Invite(email: email, role: role, createdAt: createdAt))
        }
        return invites
    }
}
