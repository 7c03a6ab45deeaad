import HTTPCore

/// OpenPhone (Quo) public API, users resource, in its two live generations over one store
/// (vendor-notes/users-resource/openphone-quo.md; vendor-docs/openphone-list-users.md):
/// - `v1` (default): `GET /v1/users` (`maxResults`, `pageToken` → `{data, totalItems, nextPageToken}`) and
///   `GET /v1/users/{userId}` (`{data}`), selected by the `/v1` path prefix. See `OpenPhone+V1.swift`.
/// - `2026-03-30`: `GET /users` (`limit`, `after` → `{data, nextCursor}`) and `GET /users/{userId}`,
///   selected by the required header `Quo-Api-Version: 2026-03-30`. See `OpenPhone+Dated.swift`.
/// Both are read-only (the vendor has no user writes). Everything is also served under `/openphone`.
///
/// Choices where the notes say [infer]/[unknown] (texts are constants in `OpenPhone+Errors.swift`):
/// - v1 `maxResults` is optional with default 10, as the live API behaves (note: 3p clients call it with
///   no query; the spec's `required: true` is not enforced). An empty `maxResults=` counts as absent.
///   Out of range or non-integer is a 400 with the ajv-style `errors[]` (path `/query/maxResults`), never clamped.
/// - Validation errors use the ajv wording and one-entry `errors[]` of the 2026-03-30 docs example; paths
///   `/query/<name>`, `/params/userId`, `/headers/quo-api-version`; message "Validation failed for 1 field.".
///   A repeated parameter is an array, as Express parses it, so it fails the type check.
/// - A `userId` not matching the documented `^US(.*)$` is a 400 validation error (path `/params/userId`,
///   `must match pattern "^US(.*)$"`) in both versions; a well-formed unknown id is a 404 "User not found".
/// - v1 401 uses the envelope the live API sends and the current docs show:
///   `{"error":{"message","key":"Unauthorized","trace"}}` ("Missing authorization header" / "Unauthorized").
///   Other v1 errors keep `{message, code, status, docs, title, errors?}` (docs `https://openphone.com/docs`, our spec copy).
/// - 2026-03-30 401: the dated docs say every status uses `{title, message, docs, trace?, errors?}`; the live
///   probes of the other shape were made on v1. We follow the dated docs (same two messages as v1).
/// - `Quo-Api-Version` is checked before the credential: the header picks the generation, so a request
///   without it cannot reach a versioned handler (missing or unknown → 400, dated envelope). On `/v1/…`
///   the header is ignored (v1 is selected by the path).
/// - `trace` (v1 401 and every dated error) is a decimal 63-bit hash of method, target and credential, so
///   identical requests get identical bodies; other v1 errors omit the optional `trace`.
/// - `nextCursor` is base64url without padding of `{"lastId":"<id>"}`, exactly the docs' example format. It is
///   keyset on the id: it resumes after that user even once deleted. It must decode to exactly that JSON,
///   re-encode to itself, and name a user this workspace has had; anything else (v1 `pageToken`s included)
///   is a 400 "Invalid cursor". v1 `pageToken`s stay position-keyed ``PageToken``s with a MAC.
/// - `totalItems` (v1) is the accurate count (the docs warn the real one may be off).
/// - Rate limits (`serve --rate-limits realistic`: 10/s per key): every answered request carries the IETF-draft
///   `ratelimit: "per-second"; r=<left>; t=<s>` and `ratelimit-policy: "per-second"; q=<limit>; w=<s>` (live probes),
///   401s included; a 429 is in the route's envelope ("Rate limit exceeded"), with `r=0` and no `Retry-After` (none documented).
/// - Unknown paths and wrong methods under `/openphone/…` get Express's bare HTML 404 `Cannot GET /path`
///   (live probes), not JSON. Injected faults (`__status`) render in the envelope of the route's version.
/// - A member credential (`openphone-member-key`) gets a 403 "You do not have permission to access this resource".
public struct OpenPhone: VendorAPI {
    public var id: String { VendorID.openphone.rawValue }
    public let displayName = "OpenPhone (Quo)"
    public let authScheme = "Authorization: <API key> (raw key, no scheme)"

    /// The dated generation's id, which is also the only accepted `Quo-Api-Version` value.
    static let datedVersion = "2026-03-30"

    public let versions = [
        VendorVersion(id: "v1", selector: "path prefix /v1", spec: "openphone"),
        VendorVersion(id: datedVersion, selector: "header Quo-Api-Version: 2026-03-30", spec: "openphone.2026-03-30"),
    ]

    public func operations() -> [VendorOperation] {
        [
            VendorOperation("listUsers_v1", "GET", "/v1/users", version: "v1", handler: listUsersV1),
            VendorOperation("getUserById_v1", "GET", "/v1/users/{userId}", version: "v1", handler: getUserV1),
            VendorOperation("listUsers", "GET", "/users", version: Self.datedVersion, handler: listUsersDated),
            VendorOperation("getUserById", "GET", "/users/{userId}", version: Self.datedVersion, handler: getUserDated),
        ]
    }

    public init() {}

    /// The wire generation a request belongs to: its route's version.
    static func wire(of request: VendorRequest) -> Wire {
        request.version == datedVersion ? .dated : .v1
    }

    /// Checks the raw API key: "The Quo API does not use a Bearer token" (note, Common).
    static func authorize(_ request: VendorRequest) throws(Failure) {
        switch request.authorize(schemes: [""]) {
        case .missing: throw .missingKey
        case .wrongScheme, .unknownKey: throw .invalidKey
        case .member: throw .forbidden
        case .admin: break
        }
    }

    /// `{"data": <user>}` for one stored user (both generations).
    static func single(_ user: StoredUser) -> HTTPResponse {
        var writer = JSONWriter(capacity: user.json.count + 16)
        writer.raw(#"{"data":"#)
        writer.raw(user.json)
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// Looks up `{userId}` after the documented pattern check: `^US(.*)$`.
    static func readUser(_ request: VendorRequest) throws(Failure) -> StoredUser {
        let id = request.parameters["userId"] ?? ""
        guard id.hasPrefix("US") else {
            throw .validation(FieldError(path: "/params/userId", message: #"must match pattern "^US(.*)$""#, value: quoted(id), type: "string"))
        }
        guard let user = request.users.user(id: id) else { throw .userNotFound }
        return user
    }

    // MARK: - Generated users

    /// `US` + 8 alphanumerics, like the docs' `USu3X8sIB9` (vendor-notes/openphone.md §3).
    public let syntheticIDFormat = SyntheticIDFormat(prefix: "US", alphabet: SyntheticIDFormat.base62, length: 8)

    /// One owner, about 1 in 10 admins, the rest members; some names and pictures unknown (null).
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        func nullable(_ text: String, unknown: Bool) -> JSONValue { unknown ? .null : .string(text) }
        let role = person.number == 0 ? "owner" : person.chance(0.1) ? "admin" : "member"
        let unnamed = person.number != 0 && person.chance(0.08)
        let picture = "https://cdn.openphone.example/avatars/\(person.id).jpg"
        return .object([
            ("id", .string(person.id)),
            ("email", .string(person.email)),
            ("firstName", nullable(person.firstName, unknown: unnamed)),
            ("lastName", nullable(person.lastName, unknown: unnamed || person.chance(0.03))),
            ("pictureUrl", nullable(picture, unknown: person.chance(0.4))),
            ("role", .string(role)),
            ("createdAt", .string(SyntheticPerson.iso8601(person.createdAt))),
            ("updatedAt", .string(SyntheticPerson.iso8601(person.later(by: 30_000_000)))),
        ])
    }

    // MARK: - Seeds

    /// The docs' examples (`2022-01-01T00:00:00Z`) have whole seconds and a `Z`; seeds must match.
    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        let keys = ["id", "email", "firstName", "lastName", "pictureUrl", "role", "createdAt", "updatedAt"]
        try fields.rejectUnknownKeys(keys)
        let id = try fields.string("id")
        // The docs' schema: `id` matches `^US(.*)$`.
        guard id.hasPrefix("US") else { throw SeedError(path: "\(path).id", problem: "'\(id)' does not start with 'US'") }
        let email = try fields.string("email")
        // firstName, lastName and pictureUrl are `anyOf [string, null]` and required: always present.
        let firstName = try fields.nullableString("firstName")
        let lastName = try fields.nullableString("lastName")
        let pictureUrl = try fields.nullableString("pictureUrl")
        let role = try fields.oneOf("role", ["owner", "admin", "member"])
        let createdAt = try fields.timestamp("createdAt", format: "YYYY-MM-DDTHH:MM:SSZ")
        let updatedAt = try fields.timestamp("updatedAt", format: "YYYY-MM-DDTHH:MM:SSZ")
        var writer = JSONWriter()
        writer.object { user in
            user.string("id", id)
            user.string("email", email)
            user.optionalString("firstName", firstName)
            user.optionalString("lastName", lastName)
            user.optionalString("pictureUrl", pictureUrl)
            user.string("role", role)
            user.string("createdAt", createdAt)
            user.string("updatedAt", updatedAt)
        }
        return StoredUser(id: id, email: email, json: writer.bytes)
    }

    // MARK: - Query helpers shared by both generations

    /// A page size: integer 1…50, default 10 when absent or empty (both generations' docs).
    static func readPageSize(_ values: [String], path: String) throws(Failure) -> Int {
        if values.count > 1 {
            throw .validation(FieldError(path: path, message: "must be integer", value: stringArray(values), type: "integer"))
        }
        guard let text = values.first, !text.isEmpty else { return 10 }
        guard let value = VendorNumbers.integer(text) else {
            throw .validation(FieldError(path: path, message: "must be integer", value: quoted(text), type: "integer"))
        }
        // The value is echoed as a JSON number, as ajv does after coercing the query string.
        if value.isBelow(1) {
            throw .validation(FieldError(path: path, message: "must be >= 1", value: Array(value.canonical.utf8), type: "integer"))
        }
        if value.isAbove(50) {
            throw .validation(FieldError(path: path, message: "must be <= 50", value: Array(value.canonical.utf8), type: "integer"))
        }
        return value.int!
    }

    /// A single string parameter (`pageToken`, `after`); repeated is an array, so a type error; empty is absent.
    static func readToken(_ values: [String], path: String) throws(Failure) -> String? {
        if values.count > 1 {
            throw .validation(FieldError(path: path, message: "must be string", value: stringArray(values), type: "string"))
        }
        guard let token = values.first, !token.isEmpty else { return nil }
        return token
    }

    static func quoted(_ text: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.string(text)
        return writer.bytes
    }

    static func stringArray(_ values: [String]) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(.array(values.map { .string($0) }))
        return writer.bytes
    }
}

extension VendorID {
    /// OpenPhone's id in prefixes, seeds and specs.
    public static let openphone = VendorID(declared: "openphone")
}
