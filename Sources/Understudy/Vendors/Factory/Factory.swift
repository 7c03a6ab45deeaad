public import HTTPCore

/// Factory public API v0, organization users (vendor-docs/factory-list-organization-users.md,
/// vendor-notes/users-resource/factory.md): list, invite-or-update (upsert) and remove.
///
/// Assumptions where the docs and notes are silent:
/// - Order is ascending `createdAt`, then `id` (the seed file order): the issue asks for the documented
///   order, else creation time then id, and Factory documents none (note "Uncertain" 6 only infers WorkOS's desc).
/// - `limit` (a string in the docs, default `"20"`, "(1-100)") must be base-10 digits with a value in 1…100;
///   empty counts as absent; anything else is a 400, never clamped (the sibling Analytics API 400s "limit out of range").
/// - `cursor` is the WorkOS id of the last user of the previous page (note §3, strong inference). Any id the
///   organization ever had resumes right after that user's place, even if the user was deleted since; any other
///   value is a 400. Empty counts as absent.
/// - A repeated parameter: the first occurrence wins. `limit` is checked before `cursor`.
/// - Error bodies are `{detail, status, title}` in the schema's key order, never `metadata` or `requestId`
///   (`additionalProperties: false`); the 401/403 texts come from the sibling Analytics API (note §1), the rest are ours.
/// - A missing header, another scheme and an unknown key all get the one 401 body. No rate-limit headers (note §2).
/// - Emails match case-insensitively (members, invites, removal): WorkOS treats addresses case-insensitively.
/// - inviteUser: `error` is omitted unless `status` is `error` (open question 2); `email` echoes the request's
///   spelling; `already_invited` answers with the pending invite's role, unchanged; a role change needs no seat;
///   the seat limit counts members + pending invites; no last-owner protection (open question 3, none documented).
///   Bad JSON, a non-object body, missing/non-string/invalid `email`, a `role` outside the enum (or `null`) → 400;
///   unknown members are ignored; a repeated key: the last wins (JSON.parse). No Content-Type is required.
/// - removeUser: 204 with an empty body (the declared 204 schema's contents are unknown); an email that is
///   neither a member nor a pending invite → 404; missing or invalid `email` → 400. Both are removed when
///   both exist (an admin-added user can share an invited email).
/// - Roles are not part of the user JSON (the documented shape has none); the seeds' `memberRoles` sets them
///   (others are `user`); generated users get a fixed mix (``generatedRole(_:)``).
/// - `serve --users N`: the seat limit becomes `seatLimit - seeded users + N`, keeping the seeds' free seats.
public struct Factory: VendorAPI {
    public var id: String { VendorID.factory.rawValue }
    public let displayName = "Factory"
    public let authScheme = "Authorization: Bearer <API key>"

    public let versions = [VendorVersion(id: "v0", selector: "path prefix /api/v0", spec: "factory")]

    public func operations() -> [VendorOperation] {
        [
            VendorOperation("listOrganizationUsers", "GET", "/api/v0/organization/users", version: "v0", handler: listUsers),
            VendorOperation("inviteUser", "POST", "/api/v0/organization/users/invite", version: "v0", writes: true, handler: inviteUser),
            // The email is a query parameter, so removal shares the list's path (docs).
            VendorOperation("removeUser", "DELETE", "/api/v0/organization/users", version: "v0", writes: true, handler: removeUser),
        ]
    }

    // MARK: - Organization state

    /// Seed keys beside the users: seats, member roles and pending invites (``FactoryState/read(_:)``).
    public let seedKeys = ["seatLimit", "memberRoles", "invites"]

    public func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)? {
        try FactoryState.read(seed)
    }

    public func adminSummary(seed: VendorSeed, state: (any VendorState)?, users: UserStore.Snapshot) -> [(String, JSONValue)] {
        (state as? FactoryState)?.summary(users: users) ?? []
    }

    public init() {}

    // MARK: - Generated users

    /// WorkOS ids: `user_` + a 26-character ULID in Crockford base32 (vendor-notes/factory.md).
    public let syntheticIDFormat = SyntheticIDFormat(prefix: "user_", alphabet: SyntheticIDFormat.crockford, length: 26)

    /// Optional names and last sign-in left out for some users (the schema has no nulls); small metadata maps.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(person.id)), ("email", .string(person.email))]
        if person.number == 0 || !person.chance(0.07) {
            members.append(("firstName", .string(person.firstName)))
            members.append(("lastName", .string(person.lastName)))
        }
        members.append(("createdAt", .string(SyntheticPerson.iso8601(person.createdAt, milliseconds: person.next(1000)))))
        if person.number == 0 || !person.chance(0.15) {
            members.append(("lastSignInAt", .string(SyntheticPerson.iso8601(person.later(by: 20_000_000), milliseconds: person.next(1000)))))
        }
        let departments = ["engineering", "platform", "security", "data", "design", "support"]
        let metadata: [(String, JSONValue)] = person.chance(0.3) ? [] : [("department", .string(departments[person.next(departments.count)]))]
        members.append(("metadata", .object(metadata)))
        return .object(members)
    }

    // MARK: - Seeds

    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(["id", "email", "firstName", "lastName", "createdAt", "lastSignInAt", "metadata"])
        let id = try Self.workOSUserID(fields)
        let email = try fields.string("email")
        // The schema types these as plain, non-required strings: absent when unknown, never null (note §3).
        let firstName = try fields.optionalString("firstName")
        let lastName = try fields.optionalString("lastName")
        let createdAt = try fields.timestamp("createdAt", format: "YYYY-MM-DDTHH:MM:SS.sssZ")
        let lastSignInAt: String? = fields.value("lastSignInAt") == nil ? nil : try fields.timestamp("lastSignInAt", format: "YYYY-MM-DDTHH:MM:SS.sssZ")
        let metadata = try Self.metadata(fields)
        var writer = JSONWriter()
        writer.object { user in
            user.string("id", id)
            user.string("email", email)
            if let firstName { user.string("firstName", firstName) }
            if let lastName { user.string("lastName", lastName) }
            user.string("createdAt", createdAt)
            if let lastSignInAt { user.string("lastSignInAt", lastSignInAt) }
            user.value("metadata", metadata)
        }
        // Lowercased for matching only (invite, remove); the JSON keeps the seed's spelling.
        return StoredUser(id: id, email: email.lowercased(), json: writer.bytes)
    }

    /// WorkOS user ids: `user_` + a 26-character Crockford base32 ULID, uppercase (note §3).
    private static func workOSUserID(_ fields: SeedFields) throws(SeedError) -> String {
        let id = try fields.string("id")
        let ulid = id.utf8.dropFirst(5)
        let crockford = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        guard id.hasPrefix("user_"), ulid.count == 26, ulid.allSatisfy({ crockford.contains($0) }) else {
            throw SeedError(path: "\(fields.path).id", problem: "'\(id)' is not a WorkOS user id (user_ + 26-character ULID)")
        }
        return id
    }

    /// WorkOS timestamps are UTC with milliseconds, e.g. `2021-06-25T19:07:33.155Z` (note §3).
    /// `metadata` is required, an object of strings (docs: `additionalProperties: {type: string}`), `{}` when empty.
    private static func metadata(_ fields: SeedFields) throws(SeedError) -> JSONValue {
        guard let value = fields.value("metadata") else {
            throw SeedError(path: "\(fields.path).metadata", problem: "missing required object (use {} for none)")
        }
        guard let members = value.objectValue else {
            throw SeedError(path: "\(fields.path).metadata", problem: "expected an object, found \(value.typeName)")
        }
        for (key, member) in members where member.stringValue == nil {
            throw SeedError(path: "\(fields.path).metadata.\(key)", problem: "expected a string, found \(member.typeName)")
        }
        return value
    }

    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do {
            return try page(request)
        } catch {
            return error.response()
        }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        try Self.authorizeAdmin(request)
        let limit = try Self.readLimit(request.http.queryValue("limit"))
        let users = request.users
        var start = 0
        if let cursor = request.http.queryValue("cursor"), !cursor.isEmpty {
            // Position-keyed: the store remembers the place of deleted ids too, so nothing is skipped or repeated.
            guard let sequence = users.sequence(ofID: cursor) else { throw .invalidCursor }
            start = users.firstIndex(after: sequence)
        }
        let (indices, hasMore) = users.page(from: start, limit: limit)

        var writer = JSONWriter(capacity: 96 + indices.count * 352)  // seeded users average ~230 bytes, up to ~330
        writer.raw(#"{"users":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw(#"],"pagination":{"hasMore":"#)
        writer.bool(hasMore)
        // Both keys are required; `nextCursor` is "null if no more pages" (docs).
        writer.raw(#","nextCursor":"#)
        writer.optionalString(hasMore ? indices.last.map { users.id(at: $0) } : nil)
        writer.raw("}}")
        return .json(.ok, writer.bytes)
    }

    /// `limit`: digits only, 1…100, default 20 (docs). Absent or empty → 20.
    static func readLimit(_ text: String?) throws(Failure) -> Int {
        guard let text, !text.isEmpty else { return 20 }
        guard let value = VendorNumbers.integer(text), !value.isNegative, !value.isBelow(1), !value.isAbove(100) else {
            throw .invalidLimit
        }
        return value.int!
    }
}

extension VendorID {
    /// Factory's id in prefixes, seeds and specs.
    public static let factory = VendorID(declared: "factory")
}
