public import HTTPCore

/// OpenAI Admin API, spec 2.3.0: the organization users resource (list, retrieve, modify, delete) and
/// the user role-assignment sub-resource (list, assign, retrieve, unassign) over a role catalog kept in
/// the seeds (vendor-docs/openai-list-organization-users.md, vendor-notes/users-resource/openai.md).
///
/// Assumptions where the docs and notes are silent ([infer]/[unknown]):
/// - A project key (`sk-proj-…`) gets 403 on every operation, reads included: "Missing scopes:
///   api.management.read" for GETs, "api.management.write" for writes.
/// - `limit` outside 1…100 (users) or 0…1000 (role assignments) is a 400 with OpenAI's generic
///   validator wording, never clamped. A role-assignment `limit` of 0 or none means 1000 (the
///   sibling `GET /organization/roles` documents that default; 0 is "unset" as in protobuf).
/// - An `after` id that was never a user of the org is a 400; a deleted user's id still resumes.
///   Role-assignment `next` is the id of the last role on the page; an id never assigned to the
///   user is a 400, an unassigned one still resumes.
/// - `emails[]` (what the SDK sends) and `emails` both filter, case-insensitively; unknown emails
///   match nothing, and users without an email (service accounts, `null`) never match.
/// - On an empty page `first_id` and `last_id` are `null`.
/// - Unknown user id → 404 `No user found with id '…'.`; unknown role id in the path → 404
///   `No role found with id '…'.`; a catalog role not assigned to the user → 404; a `role_id` in a
///   body that is not in the catalog → 400 with `param: "role_id"`.
/// - Modify: only supplied keys change; `null` for `role`/`role_id` means "leave as is", `null` for
///   `technical_level`/`developer_persona` clears them; unknown keys are ignored. `role` accepts
///   `owner` and `reader`, and `member` (the request body's own description) stored as `reader`;
///   anything else is 400 `invalid_value`. `role_id` is applied after `role`.
/// - Predefined `Owner`/`Reader` catalog roles are the legacy `role`: assigning one sets the user's
///   `role`, a user's role-assignment list starts with the role its `role` names, and unassigning
///   that one is a 400 (change `role` instead). Custom roles are plain assignments.
/// - The last owner can be neither demoted nor deleted: 400 "An organization must have at least one owner."
/// - Assigning a role the user already has is idempotent (200, same answer).
/// - Invalid JSON → OpenAI's "We could not parse the JSON body" 400; an empty body counts as `{}`.
/// - Every 429 carries the spec's `Retry-After` (whole seconds); the users operations are not
///   documented with 429, but OpenAI's rate limiter is plausibly uniform.
/// - `x-request-id` counts up from a fixed start, so runs are reproducible.
public struct OpenAIAdmin: VendorAPI {
    public var id: String { VendorID.openai.rawValue }
    public let displayName = "OpenAI (Admin API)"
    public let authScheme = "Authorization: Bearer <admin key>"

    public let versions = [VendorVersion(id: "v1", selector: "path prefix /v1 (spec 2.3.0)", spec: "openai")]

    public func operations() -> [VendorOperation] {
        let users = "/v1/organization/users"
        return [
            VendorOperation("list-users", "GET", users, version: "v1", handler: listUsers),
            VendorOperation("retrieve-user", "GET", "\(users)/{user_id}", version: "v1", handler: retrieveUser),
            VendorOperation("modify-user", "POST", "\(users)/{user_id}", version: "v1", writes: true, handler: modifyUser),
            VendorOperation("delete-user", "DELETE", "\(users)/{user_id}", version: "v1", writes: true, handler: deleteUser),
            VendorOperation("list-user-role-assignments", "GET", "\(users)/{user_id}/roles", version: "v1", handler: listRoleAssignments),
            VendorOperation("assign-user-role", "POST", "\(users)/{user_id}/roles", version: "v1", writes: true, handler: assignRole),
            VendorOperation("retrieve-user-role", "GET", "\(users)/{user_id}/roles/{role_id}", version: "v1", handler: retrieveRoleAssignment),
            VendorOperation("unassign-user-role", "DELETE", "\(users)/{user_id}/roles/{role_id}", version: "v1", writes: true, handler: unassignRole),
        ]
    }

    static let organizationID = "org-UnderstudyTestOrg0000001"
    let requestCounter = Counter()

    public init() {}

    // MARK: - State

    public var seedKeys: [String] { ["roles", "roleAssignments"] }

    public func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)? {
        try OpenAIRoles(seed: seed)
    }

    /// The role catalog as `Role` objects, so a black-box test knows which `role_id`s exist.
    public func adminSummary(seed: VendorSeed, state: (any VendorState)?) -> [(String, JSONValue)] {
        guard let roles = state as? OpenAIRoles else { return [] }
        let catalog = roles.catalog.map { (try? JSONValue.parse($0.roleJSON)) ?? .null }
        return [("organization", .string(Self.organizationID)), ("roles", .array(catalog))]
    }

    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse { serve(request, page) }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        try requireAdmin(request)
        let limit = try readLimit(request.http.queryValue("limit"), range: 1...100, empty: 20)
        let users = request.users
        var start = 0
        if let after = request.http.queryValue("after"), !after.isEmpty {
            guard let sequence = users.sequence(ofID: after) else { throw .unknownAfter(after) }
            start = users.firstIndex(after: sequence)
        }
        // The email filter is built only when asked for: its arrays and set cost ~400 instructions
        // on every plain page.
        let filtered = request.http.query.contains { $0.name == "emails[]" || $0.name == "emails" }
        let indices: [Int], hasMore: Bool
        if !filtered {
            (indices, hasMore) = users.page(from: start, limit: limit)
        } else {
            let wanted = request.http.queryValues("emails[]") + request.http.queryValues("emails")
            let emails = Set(wanted.lazy.filter { !$0.isEmpty }.map { $0.lowercased() })
            // Only empty emails: nobody has one (a null email is stored as "").
            (indices, hasMore) = emails.isEmpty ? ([], false) : users.page(from: start, limit: limit, emails: emails)
        }

        var writer = JSONWriter(capacity: 96 + indices.count * 1024)  // 2.3.0 users average ~780 bytes, up to ~950
        writer.raw(#"{"object":"list","data":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw(#"],"first_id":"#)
        writer.optionalString(indices.first.map { users.id(at: $0) })
        writer.raw(#","last_id":"#)
        writer.optionalString(indices.last.map { users.id(at: $0) })
        writer.raw(#","has_more":"#)
        writer.bool(hasMore)
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// A `limit` query value: absent or empty means `empty`; otherwise an integer inside `range`.
    func readLimit(_ text: String?, range: ClosedRange<Int>, empty: Int) throws(Failure) -> Int {
        guard let text, !text.isEmpty else { return empty }
        guard let value = VendorNumbers.integer(text) else { throw .limitNotInteger }
        if value.isAbove(range.upperBound) { throw .limitAboveMax(value.canonical, maximum: range.upperBound) }
        if value.isBelow(range.lowerBound) { throw .limitBelowMin(value.canonical, minimum: range.lowerBound) }
        return value.int!
    }
}

extension VendorID {
    /// OpenAIAdmin's id in prefixes, seeds and specs.
    public static let openai = VendorID(declared: "openai")
}
