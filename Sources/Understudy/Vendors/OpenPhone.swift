public import HTTPCore

/// OpenPhone (Quo) public API v1: `GET /v1/users` (vendor-docs/openphone-list-users.md).
///
/// Assumptions where the docs and notes are silent (see the issue note too):
/// - `maxResults` is `required: true` in the docs, so a missing or empty value is a 400; the
///   documented `default: 10` is never applied. Out of range is a 400, never clamped (note §4).
/// - Validation errors use the ajv wording and `errors[]` shape of the 2026-03-30 docs example
///   (note §1) with path `/query/maxResults`, one error at a time, message "Validation failed for 1 field.".
/// - A repeated parameter is an array, as Express parses it, so it fails the type check
///   (`"value":["1","2"]`); the same goes for a repeated `pageToken` (`must be string`).
/// - `pageToken` is base64url without padding of a position-keyed ``PageToken`` (the sequence of the
///   last user returned); an edited, truncated, non-canonical or foreign token is a 400 "Invalid pageToken";
///   an empty `pageToken=` counts as absent.
/// - `totalItems` is the accurate number of users (the docs warn the real one may be off).
/// - 401 texts ("Missing Authorization header" / "Invalid API key") and the 403/404/429/5xx texts are
///   ours; `trace` is never sent, so bodies are deterministic. A `Bearer <key>` value is an unknown key.
/// - No rate-limit headers: none are documented (note §2).
public struct OpenPhone: VendorAPI {
    public var id: String { VendorID.openphone.rawValue }
    public let displayName = "OpenPhone (Quo)"
    public let authScheme = "Authorization: <API key> (raw key, no scheme)"

    public let versions = [VendorVersion(id: "v1", selector: "path prefix /v1", spec: "openphone")]

    public func operations() -> [VendorOperation] {
        [VendorOperation("listUsers_v1", "GET", "/v1/users", version: "v1", handler: listUsers)]
    }

    /// Scope of page tokens: vendor, account (the workspace is implied by the key), filter (none).
    static let tokenScope = "openphone||"
    static let maxResultsPath = "/query/maxResults"
    static let pageTokenPath = "/query/pageToken"

    public init() {}

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

    /// The docs' examples (`2022-01-01T00:00:00Z`) have whole seconds and a `Z`; seeds must match.
    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do {
            return try page(request)
        } catch {
            return error.response()
        }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        // The key goes in `Authorization` as is: "The Quo API does not use a Bearer token" (note §3).
        switch request.authorize(schemes: [""]) {
        case .missing: throw .missingKey
        case .wrongScheme, .unknownKey: throw .invalidKey
        case .member: throw .forbidden
        case .admin: break
        }
        let maxResults = try Self.readMaxResults(request.http.queryValues("maxResults"))
        let users = request.users
        var start = 0
        let tokens = request.http.queryValues("pageToken")
        if tokens.count > 1 {
            throw .validation(FieldError(path: Self.pageTokenPath, message: "must be string", value: Self.stringArray(tokens), type: "string"))
        }
        if let token = tokens.first, !token.isEmpty {
            start = users.firstIndex(after: try Self.decodePageToken(token))
        }
        let (indices, hasMore) = users.page(from: start, limit: maxResults)

        var writer = JSONWriter(capacity: 96 + indices.count * 256)
        writer.raw(#"{"data":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw(#"],"totalItems":"#)
        writer.int(users.count)
        writer.raw(#","nextPageToken":"#)
        // The docs make `nextPageToken` required and nullable: `null` on the last page (note §4).
        writer.optionalString(hasMore ? indices.last.map { Self.encodePageToken(sequence: users.sequence(at: $0)) } : nil)
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// `maxResults`: integer 1…50, required (docs). Returns the page size or the ajv-style failure.
    static func readMaxResults(_ values: [String]) throws(Failure) -> Int {
        let path = maxResultsPath
        if values.count > 1 {
            throw .validation(FieldError(path: path, message: "must be integer", value: stringArray(values), type: "integer"))
        }
        guard let text = values.first, !text.isEmpty else {
            throw .validation(FieldError(path: path, message: "must have required property 'maxResults'", value: nil, type: "integer"))
        }
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

    // MARK: - Page tokens

    /// base64url without padding, in the spirit of the opaque strings the vendor hands out.
    static func encodePageToken(sequence: UInt64) -> String {
        Base64.encode(PageToken.encode(sequence: sequence, scope: tokenScope), urlSafe: true)
    }

    /// The sequence of the last user the previous page returned. Re-encoding must give the input back,
    /// so padding, the `+/` alphabet and flipped unused trailing bits are rejected too.
    static func decodePageToken(_ token: String) throws(Failure) -> UInt64 {
        guard let bytes = Base64.decode(token), Base64.encode(bytes, urlSafe: true) == token,
              let sequence = PageToken.decode(bytes, scope: tokenScope)
        else { throw .invalidPageToken }
        return sequence
    }

    private static func quoted(_ text: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.string(text)
        return writer.bytes
    }

    private static func stringArray(_ values: [String]) -> [UInt8] {
        var writer = JSONWriter()
        writer.value(.array(values.map { .string($0) }))
        return writer.bytes
    }

    // MARK: - Errors

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        let failure: Failure = switch status.code {
        case 401: .missingKey
        case 403: .forbidden
        default: .status(status)
        }
        return failure.response()
    }

    /// One entry of `errors[]`: `{path, message, value?, schema: {type}}` (docs' 400 schema).
    struct FieldError: Sendable {
        var path: String
        var message: String
        /// The offending value as JSON bytes; `nil` omits the key (a missing parameter has no value).
        var value: [UInt8]?
        var type: String

        /// `[{...}]`, the one-element `errors` array.
        var json: [UInt8] {
            var writer = JSONWriter()
            writer.raw("[")
            writer.object { entry in
                entry.string("path", path)
                entry.string("message", message)
                if let value { entry.raw("value", value) }
                entry.object("schema") { schema in schema.string("type", type) }
            }
            writer.raw("]")
            return writer.bytes
        }
    }

    /// Everything that can go wrong, each rendering OpenPhone's envelope
    /// `{message, code, status, docs, title, errors?}` (docs; key order from captured bodies, note §1).
    enum Failure: Error {
        case missingKey
        case invalidKey
        case forbidden
        case validation(FieldError)
        case invalidPageToken
        case status(HTTPStatus)

        static let docs = "https://openphone.com/docs"
        static let missingKeyMessage = "Missing Authorization header"
        static let invalidKeyMessage = "Invalid API key"
        static let forbiddenMessage = "You do not have permission to access this resource"
        static let validationMessage = "Validation failed for 1 field."
        static let invalidPageTokenMessage = "Invalid pageToken"
        static let notFoundMessage = "Not Found"
        /// The response-codes page: 429 "Too Many Requests — Rate limit exceeded" (note §1).
        static let rateLimitMessage = "Rate limit exceeded"
        /// Patterned on the captured webhooks 500 "An unknown error occurred while fetching webhooks" (note §1).
        static let serverErrorMessage = "An unknown error occurred while fetching users"

        func response() -> HTTPResponse {
            switch self {
            case .missingKey: Self.envelope(.unauthorized, Self.missingKeyMessage)
            case .invalidKey: Self.envelope(.unauthorized, Self.invalidKeyMessage)
            case .forbidden: Self.envelope(.forbidden, Self.forbiddenMessage)
            case .validation(let error): Self.envelope(.badRequest, Self.validationMessage, error: error)
            case .invalidPageToken: Self.envelope(.badRequest, Self.invalidPageTokenMessage)
            case .status(let status):
                switch status.code {
                case 404: Self.envelope(status, Self.notFoundMessage)
                case 429: Self.envelope(status, Self.rateLimitMessage)
                case 500: Self.envelope(status, Self.serverErrorMessage)
                default: Self.envelope(status, status.reasonPhrase)
                }
            }
        }

        /// `code` is resource `11` (users) · variant · status; the docs give 500 variant `01` and title `Unknown`.
        static func envelope(_ status: HTTPStatus, _ message: String, error: FieldError? = nil) -> HTTPResponse {
            let isUnknown = status.code == 500
            var writer = JSONWriter()
            writer.object { root in
                root.string("message", message)
                root.string("code", (isUnknown ? "1101" : "1100") + String(status.code))
                root.int("status", status.code)
                root.string("docs", docs)
                root.string("title", isUnknown ? "Unknown" : status.reasonPhrase)
                if let error { root.raw("errors", error.json) }
            }
            return .json(status, writer.bytes)
        }
    }
}

extension VendorID {
    /// OpenPhone's id in prefixes, seeds and specs.
    public static let openphone = VendorID(declared: "openphone")
}
