import HTTPCore

/// PandaDoc Public API, users and workspace membership (vendor-notes/users-resource/pandadoc.md, spec v8.8.0):
/// `listUsers`, `detailsUser`, `createUser`, `getWorkspacesList`, `addMember`, `removeMember`,
/// `changeMemberRole`, `listMembers`, `detailsMember`, `detailsCurrentMember`, all under `/public/v1`.
///
/// PandaDoc's v1 API is Django REST Framework (vendor-notes/pandadoc.md §1: `{type, detail}` envelope),
/// so where the docs and notes are silent this copies DRF's behaviour. Assumptions ([infer]/[unknown]):
/// - Auth parsing follows DRF `TokenAuthentication` for `API-Key` (whitespace split; a bare `API-Key` and a
///   key with spaces get DRF's two "Invalid token header" texts; an unknown key gets "Invalid token.") and
///   django-oauth-toolkit for `Bearer` (any bad bearer token is "not provided"). Every 401 carries
///   `WWW-Authenticate: API-Key` (DRF sends the first authenticator's header, which is why it is a 401).
/// - 403 `type` is `permissions_error`, as the spec documents it since v8.0.0 (it was `permission_error`).
///   Member credentials get it on every write and on the organization-admin reads (`listUsers`, `detailsUser`,
///   `getWorkspacesList`); the three `/members` reads are open to any member of the key's workspace.
/// - Each credential belongs to a user and one workspace (seed `apiKeys`): that is the workspace `/members`
///   implies. With `serve --users` the seeded owners do not exist, so every key is generated user 0 (the
///   organization owner, an Admin and the owner of every workspace) in the first seeded workspace.
/// - `count` 0...50 (0 → empty `results`, real `total`), `page` 0...2147483647 (0 behaves as 1); out of range
///   or non-integer is a DRF field-map 400, never clamped. Same for `getWorkspacesList` with its own bounds
///   (`count` 1...100, `page` ≥ 1). Repeated parameters: the last value wins; an empty value counts as absent.
/// - List order is the seed file order, new users last. A user is *removed* when no active membership is left
///   (``StoredUser/isRemoved``, hidden by `show_removed=false`); its `workspaces` keep the memberships it was
///   removed from, like the seeded removed users. Removing one of several memberships drops it from `workspaces`.
///   Re-adding a removed user (`addMember`) makes it active with only the new membership.
/// - A removed membership is unknown to every member operation (404). The owner of a workspace and the
///   organization owner cannot be removed ("Owner can not be removed."). Only the workspace owner's role is
///   locked ("Cannot change the role of the workspace owner.").
/// - A `Guest` is only ever a Collaborator: creating, adding or promoting one to any other role makes the license
///   `Full` (the changeMemberRole rule of the spec, applied to createUser and addMember too). No license limit
///   is modelled, so "Unable to add more licenses." never occurs.
/// - Request bodies are parsed as JSON whatever the `Content-Type` (never stricter than DRF's JSON parser). An
///   empty body is `{}`; invalid JSON is `{"type":"request_error","detail":"JSON parse error - <reason>"}`;
///   a non-object body is DRF's `non_field_errors` message. Field errors are flat maps keyed as the spec's
///   examples key them (`email`, `role`, `license`, `workspace_id`, `user_id`), with the spec's texts; type errors
///   use DRF's stock texts ("Not a valid string.", "This field may not be null.").
/// - createUser: a phone number is 7–15 digits, optionally `+`-prefixed, spaces, dots, dashes and parentheses
///   allowed ("Enter a valid phone number.", django-phonenumber-field's text); `""` is no phone. An empty
///   `workspaces` list is "This list may not be empty."; the same workspace twice keeps the first entry.
/// - `notify_user` / `notify_ws_admins` are accepted and ignored (no mail is sent).
/// - Member details: `workspace` is the user's first active membership ("current active workspace"),
///   `emails_verified` is true, `is_active` is true; seeded memberships get deterministic dates,
///   new ones "now", a role change sets `date_modified`. `/members/{id}` finds any active membership of the
///   organization (404 `Not found` otherwise, which the vendor spec does not list).
/// - Unknown workspace on addMember / changeMemberRole: 404 `Not found`; unknown or foreign member on
///   changeMemberRole: 404 `Not found`. No `Retry-After` on 429. 5xx texts are DRF's defaults or in their style.
///
/// Paging is offset paging, as the vendor's is. `show_removed=true` indexes the list directly; with
/// `show_removed=false` the first visible user of the page is found by a binary search over the store's
/// ascending list of removed users' indices (``UserStore/Snapshot/index(ofUnremovedRank:)``).
/// Member writes find a membership without building generated users: generated membership ids decode back to
/// the user's number, runtime ones are indexed in ``PandaDocState``, seeded ones are found in the seeded users.
public struct PandaDoc: VendorAPI {
    public var id: String { VendorID.pandadoc.rawValue }
    public let displayName = "PandaDoc"
    public let authScheme = "Authorization: API-Key <key> | Bearer <oauth token>"

    public let versions = [VendorVersion(id: "v1", selector: "path prefix /public/v1", spec: "pandadoc")]

    public func operations() -> [VendorOperation] {
        [
            VendorOperation("listUsers", "GET", "/public/v1/users", version: "v1", handler: listUsers),
            VendorOperation("detailsUser", "GET", "/public/v1/users/{user_id}", version: "v1", handler: detailsUser),
            VendorOperation("createUser", "POST", "/public/v1/users", version: "v1", writes: true, handler: createUser),
            VendorOperation("getWorkspacesList", "GET", "/public/v1/workspaces", version: "v1", handler: listWorkspaces),
            VendorOperation("addMember", "POST", "/public/v1/workspaces/{workspace_id}/members", version: "v1", writes: true, handler: addMember),
            VendorOperation("removeMember", "DELETE", "/public/v1/workspaces/{workspace_id}/members/{member_id}", version: "v1", writes: true, handler: removeMember),
            VendorOperation("changeMemberRole", "PATCH", "/public/v1/workspaces/{workspace_id}/members/{member_id}/role", version: "v1", writes: true, handler: changeMemberRole),
            VendorOperation("listMembers", "GET", "/public/v1/members", version: "v1", handler: listMembers),
            VendorOperation("detailsMember", "GET", "/public/v1/members/{id}", version: "v1", handler: detailsMember),
            VendorOperation("detailsCurrentMember", "GET", "/public/v1/members/current", version: "v1", handler: detailsCurrentMember),
        ]
    }

    /// Bounds from the OpenAPI parameters (`count` max 50, `format: int32`).
    static let maxCount = 50
    static let defaultCount = 50
    static let maxPage = 2_147_483_647
    /// DRF `IntegerField.MAX_STRING_LENGTH` (counted in code points, like Python's `len`).
    static let maxIntegerLength = 1000

    /// `UserLicenseEnum` (spec v6.1.0+ adds `Guest`).
    static let licenses = ["Full", "eSign", "Read-only", "Creator", "Guest"]
    /// `WorkspaceMemberRoleEnum`: the built-in roles.
    static let roles = ["Admin", "Manager", "Member", "Collaborator"]

    public init() {}

    /// Runs a handler body that throws a ``Failure`` and renders the failure in PandaDoc's envelope.
    static func answer(_ body: () throws(Failure) -> HTTPResponse) -> HTTPResponse {
        do { return try body() } catch { return error.response() }
    }

    // MARK: - Authentication

    /// DRF `TokenAuthentication` (keyword `API-Key`) then django-oauth-toolkit (`Bearer`).
    /// - Returns: the credential's role; 401 failures are thrown.
    static func authenticate(_ request: VendorRequest) throws(Failure) -> CredentialRole {
        switch request.authorize(schemes: ["API-Key", "Bearer"]) {
        case .admin: return .admin
        case .member: return .member
        case .missing: throw .notProvided
        case .unknownKey:
            // Only `API-Key` reports a bad key; an unknown OAuth token makes DOT return "no credentials".
            throw isAPIKeyHeader(request) ? .invalidToken : .notProvided
        case .wrongScheme(let header):
            // DRF splits the header on whitespace runs, so `API-Key\tkey` or `API-Key  key` is still a key.
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let scheme = words.first, scheme.lowercased() == "api-key" else { throw .notProvided }
            if words.count == 1 { throw .noCredentials }
            if words.count > 2 { throw .containsSpaces }
            return try authenticate(request.replacingAuthorization(with: "API-Key \(words[1])"))
        }
    }

    /// Authentication, then DRF's permission check: organization-admin operations refuse member credentials.
    static func authenticateAdmin(_ request: VendorRequest) throws(Failure) {
        if try authenticate(request) != .admin { throw .notAdmin }
    }

    /// The `Authorization` header in the spelling the seeds use, for looking up the key's owner.
    static func canonicalAuthorization(_ request: VendorRequest) -> String {
        let header = VendorRequest.trimmingSpaces(request.http.headers["Authorization"] ?? "")
        let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else { return header }
        let scheme = words[0].lowercased() == "api-key" ? "API-Key" : words[0].lowercased() == "bearer" ? "Bearer" : String(words[0])
        return "\(scheme) \(words[1])"
    }

    private static func isAPIKeyHeader(_ request: VendorRequest) -> Bool {
        request.http.headers["Authorization"]?.lowercased().hasPrefix("api-key") ?? false
    }
}

extension VendorID {
    /// PandaDoc's id in prefixes, seeds and specs.
    public static let pandadoc = VendorID(declared: "pandadoc")
}

extension StoredUser {
    /// A PandaDoc membership that was removed: hidden by `show_removed=false` (the store's ``UserFlags/hidden``).
    var isRemoved: Bool {
        get { isHidden }
        set { isHidden = newValue }
    }
}
