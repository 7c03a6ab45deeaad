/// 1Password Users API for Partners: list, get, suspend and reactivate users, plus the OAuth 2.0
/// client-credentials token and revoke endpoints, on v1beta1 (public docs) and GA v1
/// (vendor-notes/users-resource/1password.md; vendor-docs/1password-list-users.md).
///
/// The API is almost certainly grpc-gateway in front of gRPC (vendor-notes/1password.md §1: numeric gRPC
/// `code`, `details:[]`), so where the docs are silent this follows grpc-gateway v2 and Google AIP-158/160.
/// Assumptions ([infer] unless marked):
/// - v1 serves the same shapes as v1beta1 under `/v1` (Kibana PR #290784 changed only URLs); its token endpoint
///   is `/v1/oauth/token` (Kibana) and its revoke endpoint `/v1/oauth/revoke` ([unknown], inferred).
/// - Error `message`s are snake_case tokens in the style of the one real body (`no_owner_remain`); only the
///   gateway's own parse errors use grpc-gateway's Go texts. Every 401 cause (missing, unknown, expired or
///   revoked token) shares one body.
/// - Permissions come from the OAuth app ("list users", "get user", "suspend users", "reactivate users");
///   a token without the operation's permission, and a seeded member credential, get 403 `permission_denied`.
///   Seeded admin credentials (the static test token) may do everything. An unknown `account_id` is 404
///   `account_not_found`, checked after auth; an unknown user 404 `user_not_found`. `User-Agent` is documented
///   as required but not enforced (Kibana sends a bare `ElasticKibana`).
/// - Owners: the user object has no role field, so the seed key `ownerIds` names them; with generated users
///   (`--users`) generated user 0 (always ACTIVE) is the owner. Suspending an ACTIVE owner when no other owner
///   is ACTIVE is 403 `no_owner_remain`. Suspend and reactivate ignore any body and are idempotent.
/// - Token endpoint: HTTP Basic only (`client_secret_basic`, Kibana PR #255076); the form is read only for
///   `application/x-www-form-urlencoded` (any parameters). 200 `{"access_token","token_type":"Bearer",
///   "expires_in","scope":"openid"}` with `Cache-Control: no-store`; errors are RFC 6749 `{"error",
///   "error_description"}` (invalid_client 401 with `WWW-Authenticate: Basic`; invalid_request,
///   unsupported_grant_type, invalid_scope 400). Tokens are opaque 43-character base64url strings.
/// - Revoke: Basic auth, form `token=…`; 200 with an empty body also for unknown tokens and for tokens of
///   another client (which stay valid, RFC 7009 §2.2).
/// - `--any-key`: any Basic client id gets a token with every permission; issued tokens keep their
///   permissions and expiry.
/// - `max_page_size` / `maxPageSize` and `page_token` / `pageToken` are both accepted (grpc-gateway takes the
///   proto and JSON names); a parameter given twice (in either spelling) is grpc-gateway's "too many values".
///   An empty `filter` or `page_token` is unset; an empty `max_page_size` is grpc-gateway's ParseInt error.
///   0 or unset → 25; above 1000 → coerced to 1000 (AIP-158); negative → 400.
///   A token does not carry the page size, so a follow-up request without `max_page_size` gets 25 again.
/// - `next_page_token` is omitted on the last page, never `""` or null.
/// - Page tokens are position-keyed: standard base64 without padding (like the doc's `CAIQAg`) of
///   ``PageToken`` bytes for the last user returned, scoped to the account and filter. Undecodable, non-canonical,
///   tampered, foreign-account or other-filter tokens are 400 `invalid_page_token`. A `+` in a token must be sent
///   percent-encoded (`%2B`); a raw `+` decodes to a space and the token is rejected, as a Go server would.
/// - Order is the seed file order (ascending `create_time`, then `id`, as the doc example suggests).
/// - Only `ACTIVE` and `SUSPENDED` users are seeded (`STATE_UNSPECIFIED` would match neither filter).
/// - The seed file holds one account's users; `path` is served as seeded.
/// - Generic faults map HTTP status to gRPC code as grpc-gateway does in reverse (409 → 10 ABORTED, 405 → 12
///   with the gateway's "Method Not Allowed" text; a real gateway would answer that one with HTTP 501); on the
///   OAuth endpoints 400/401/5xx faults use the RFC 6749 shape.
public struct OnePassword: VendorAPI {
    public var id: String { VendorID.onePassword.rawValue }
    public let displayName = "1Password (Users API)"
    public let authScheme = "Authorization: Bearer <access token> (from POST /v1beta1/users/oauth2/token or /v1/oauth/token with Basic client credentials)"

    public let versions = [
        VendorVersion(id: "v1beta1", selector: "path prefix /v1beta1", spec: "1password"),
        VendorVersion(id: "v1", selector: "path prefix /v1", spec: "1password.v1"),
    ]

    public func operations() -> [VendorOperation] {
        versions.flatMap { version -> [VendorOperation] in
            let users = "/\(version.id)/accounts/{account_id}/users"
            // Token paths per version: docs (v1beta1) and Kibana PR #290784 (v1); v1 revoke is inferred.
            let oauth = version.id == "v1" ? "/v1/oauth" : "/v1beta1/users/oauth2"
            return [
                VendorOperation("ListUsers", "GET", users, version: version.id, handler: listUsers),
                VendorOperation("GetUser", "GET", "\(users)/{user}", version: version.id, handler: getUser),
                VendorOperation("SuspendUser", "POST", "\(users)/{user}:suspend", version: version.id, writes: true, handler: suspendUser),
                VendorOperation("ReactivateUser", "POST", "\(users)/{user}:reactivate", version: version.id, writes: true, handler: reactivateUser),
                VendorOperation("RequestAccessToken", "POST", "\(oauth)/token", version: version.id, handler: requestAccessToken),
                VendorOperation("RevokeAccessToken", "POST", "\(oauth)/revoke", version: version.id, handler: revokeAccessToken),
            ]
        }
    }

    /// AIP-158 defaults named by the docs: 25 by default, "up to 1000".
    static let defaultPageSize = 25
    static let maxPageSize = 1000

    /// 26 characters of RFC 4648 base32, like the docs' `IR7VJHJ36JHINBFAD7V2T5MP3E`.
    public let syntheticIDFormat = SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base32, length: 26)

    public init() {}
}

extension VendorID {
    /// OnePassword's id in prefixes, seeds and specs.
    public static let onePassword = VendorID(declared: "1password")
}

extension UserFlags {
    /// 1Password's `SUSPENDED` state, for `filter=user.isSuspended()` / `user.isActive()`.
    static let suspended = UserFlags(rawValue: 1 << 1)
}

extension StoredUser {
    /// Whether the 1Password user is `SUSPENDED`.
    var isSuspended: Bool {
        get { flags.contains(.suspended) }
        set { if newValue { flags.insert(.suspended) } else { flags.remove(.suspended) } }
    }
}
