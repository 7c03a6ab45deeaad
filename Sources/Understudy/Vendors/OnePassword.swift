public import HTTPCore

/// 1Password Users API: `GET /v1beta1/accounts/{account_id}/users` (vendor-docs/1password-list-users.md).
///
/// The API is almost certainly grpc-gateway in front of gRPC (vendor-notes/1password.md §1: numeric gRPC
/// `code`, `details:[]`), so where the docs are silent this follows grpc-gateway v2 and Google AIP-158/160.
/// Assumptions (see the issue note too):
/// - Error `message`s are snake_case tokens in the style of the one real body (`no_owner_remain`); only the
///   gateway's own parse errors use grpc-gateway's Go texts. Every 401 cause shares one body.
/// - A member token (no list-users scope) is 403 `permission_denied`; an unknown `account_id` is 404
///   `account_not_found`, checked after auth. `User-Agent` is documented as required but not enforced.
/// - `max_page_size` / `maxPageSize` and `page_token` / `pageToken` are both accepted (grpc-gateway takes the
///   proto and JSON names); a parameter given twice (in either spelling) is grpc-gateway's "too many values".
///   An empty value is unset. 0 or unset → 25; above 1000 → coerced to 1000 (AIP-158); negative → 400.
///   A token does not carry the page size, so a follow-up request without `max_page_size` gets 25 again.
/// - `next_page_token` is omitted on the last page (the issue says so), never `""` or null.
/// - Page tokens are position-keyed: standard base64 without padding (like the doc's `CAIQAg`) of
///   ``PageToken`` bytes for the last user returned, scoped to the account and filter. Undecodable, non-canonical,
///   tampered, foreign-account or other-filter tokens are 400 `invalid_page_token`. A `+` in a token must be sent
///   percent-encoded (`%2B`); a raw `+` decodes to a space and the token is rejected, as a Go server would.
/// - Order is the seed file order (ascending `create_time`, then `id`, as the doc example suggests).
/// - Only `ACTIVE` and `SUSPENDED` users are seeded (`STATE_UNSPECIFIED` would match neither filter).
/// - The seed file holds one account's users; `path` is served as seeded.
/// - Generic faults map HTTP status to gRPC code as grpc-gateway does in reverse (409 → 10 ABORTED, 405 → 12
///   with the gateway's "Method Not Allowed" text; a real gateway would answer that one with HTTP 501).
public struct OnePassword: VendorAPI {
    public var id: String { VendorID.onePassword.rawValue }
    public let displayName = "1Password (Users API)"
    public let authScheme = "Authorization: Bearer <access token>"

    public let versions = [VendorVersion(id: "v1beta1", selector: "path prefix /v1beta1", spec: "1password")]

    public func operations() -> [VendorOperation] {
        [VendorOperation("ListUsers", "GET", "/v1beta1/accounts/{account_id}/users", version: "v1beta1", handler: listUsers)]
    }

    /// AIP-158 defaults named by the docs: 25 by default, "up to 1000".
    static let defaultPageSize = 25
    static let maxPageSize = 1000

    public init() {}

    // MARK: - Generated users

    /// 26 characters of RFC 4648 base32, like the docs' `IR7VJHJ36JHINBFAD7V2T5MP3E`.
    public let syntheticIDFormat = SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base32, length: 26)

    /// About 1 in 8 suspended, as in the default seeds.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let account = seed.accounts.first ?? "UNDERSTUDYTESTACCOUNT00001"
        return .object([
            ("id", .string(person.id)),
            ("email", .string(person.email)),
            ("display_name", .string("\(person.firstName) \(person.lastName)")),
            ("state", .string(person.number != 0 && person.chance(0.12) ? "SUSPENDED" : "ACTIVE")),
            ("create_time", .string(SyntheticPerson.iso8601(person.createdAt))),
            ("path", .string("accounts/\(account)/users/\(person.id)")),
        ])
    }

    // MARK: - Seeds

    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(["id", "email", "display_name", "state", "create_time", "path"])
        let id = try fields.string("id")
        // 26-character uppercase base32 ids, like the doc's IR7VJHJ36JHINBFAD7V2T5MP3E (vendor-notes §3).
        guard id.utf8.count == 26, id.utf8.allSatisfy({ (65...90).contains($0) || (50...55).contains($0) }) else {
            throw SeedError(path: "\(path).id", problem: "'\(id)' is not a 26-character 1Password id (A-Z, 2-7)")
        }
        let email = try fields.string("email")
        let displayName = try fields.string("display_name")
        let state = try fields.oneOf("state", ["ACTIVE", "SUSPENDED"])
        // RFC 3339 in UTC with whole seconds, as the docs' examples.
        let createTime = try fields.timestamp("create_time", format: "YYYY-MM-DDTHH:MM:SSZ")
        let userPath = try fields.string("path")
        let parts = userPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "accounts", !parts[1].isEmpty, parts[2] == "users", parts[3] == id else {
            throw SeedError(path: "\(path).path", problem: "'\(userPath)' is not accounts/<account_id>/users/\(id)")
        }
        var writer = JSONWriter()
        writer.object { user in
            user.string("id", id)
            user.string("email", email)
            user.string("display_name", displayName)
            user.string("state", state)
            user.string("create_time", createTime)
            user.string("path", userPath)
        }
        return StoredUser(id: id, email: email.lowercased(), json: writer.bytes, isSuspended: state == "SUSPENDED")
    }

    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do { return try page(request) } catch { return error.response() }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        switch request.authorize(schemes: ["Bearer"]) {
        case .missing, .wrongScheme, .unknownKey: throw .unauthenticated
        case .member: throw .permissionDenied
        case .admin: break
        }
        let account = request.parameters["account_id"] ?? ""
        guard request.seed.accounts.contains(account) else { throw .accountNotFound }
        let query = try Query(request.http)
        let users = request.users
        let scope = "1password|\(account)|\(query.filter?.rawValue ?? "")"
        var start = 0
        if let token = query.pageToken {
            // Canonical standard base64 without padding only: re-encoding must give the same text back.
            guard let bytes = Base64.decode(token), Base64.encode(bytes) == token,
                  let sequence = PageToken.decode(bytes, scope: scope) else { throw .invalidPageToken }
            start = users.firstIndex(after: sequence)
        }
        let (indices, hasMore) = switch query.filter {
        case nil: users.page(from: start, limit: query.pageSize)
        case .active: users.page(from: start, limit: query.pageSize) { !$0.isSuspended }
        case .suspended: users.page(from: start, limit: query.pageSize) { $0.isSuspended }
        }
        var writer = JSONWriter(capacity: 64 + indices.count * 240)
        writer.raw(#"{"results":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw("]")
        if hasMore, let last = indices.last {
            writer.raw(#","next_page_token":"#)
            writer.string(Base64.encode(PageToken.encode(sequence: users.sequence(at: last), scope: scope)))
        }
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// The two documented filter expressions; anything else is InvalidArgument (docs).
    enum Filter: String {
        case active = "user.isActive()"
        case suspended = "user.isSuspended()"
    }

    /// Query parameters as grpc-gateway populates them, then the handler's AIP-158 checks.
    struct Query {
        var filter: Filter?
        var pageSize = OnePassword.defaultPageSize
        var pageToken: String?

        init(_ http: HTTPRequest) throws(Failure) {
            // Gateway stage: each field takes one value (proto or JSON name); max_page_size must parse as int32.
            func single(_ field: String, _ alias: String) throws(Failure) -> String? {
                let values = http.query.filter { $0.name == field || $0.name == alias }.map(\.value)
                if values.count > 1 { throw .tooManyValues(field: field, values: values) }
                guard let value = values.first, !value.isEmpty else { return nil }
                return value
            }
            let filterText = try single("filter", "filter")
            let sizeText = try single("max_page_size", "maxPageSize")
            var size: Int32?
            if let sizeText {
                switch GoStrconv.parseInt32(sizeText) {
                case .success(let value): size = value
                case .failure(let error): throw .parse(field: "max_page_size", value: sizeText, error: error)
                }
            }
            pageToken = try single("page_token", "pageToken")
            // Handler stage, AIP-158/160 order: filter, page size, page token (checked by the caller).
            if let filterText {
                guard let filter = Filter(rawValue: filterText) else { throw .invalidFilter }
                self.filter = filter
            }
            if let size {
                if size < 0 { throw .invalidPageSize }
                if size > 0 { pageSize = min(Int(size), OnePassword.maxPageSize) }
            }
        }
    }

    // MARK: - Errors

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        Failure.status(status).response()
    }

    /// Everything that can go wrong, each rendering grpc-gateway's `{"code","message","details":[]}`.
    enum Failure: Error {
        case unauthenticated
        case permissionDenied
        case accountNotFound
        case tooManyValues(field: String, values: [String])
        case parse(field: String, value: String, error: GoStrconv.Error)
        case invalidFilter
        case invalidPageSize
        case invalidPageToken
        case status(HTTPStatus)

        func response() -> HTTPResponse {
            switch self {
            case .unauthenticated: Self.envelope(.unauthorized, code: 16, "unauthenticated")
            case .permissionDenied: Self.envelope(.forbidden, code: 7, "permission_denied")
            case .accountNotFound: Self.envelope(.notFound, code: 5, "account_not_found")
            case .tooManyValues(let field, let values):
                // grpc-gateway v2 runtime/query.go: fmt.Errorf("too many values for field %q: %s", …, strings.Join(values, ", "))
                Self.envelope(.badRequest, code: 3, "too many values for field \(GoStrconv.quote(field)): \(values.joined(separator: ", "))")
            case .parse(let field, let value, let error):
                // grpc-gateway wraps strconv's *NumError: parsing field %q: strconv.ParseInt: parsing %q: <reason>
                Self.envelope(.badRequest, code: 3, "parsing field \(GoStrconv.quote(field)): strconv.ParseInt: parsing \(GoStrconv.quote(value)): \(error.rawValue)")
            case .invalidFilter: Self.envelope(.badRequest, code: 3, "invalid_filter")
            case .invalidPageSize: Self.envelope(.badRequest, code: 3, "invalid_page_size")
            case .invalidPageToken: Self.envelope(.badRequest, code: 3, "invalid_page_token")
            case .status(let status): Self.statusResponse(status)
            }
        }

        /// grpc-gateway's HTTP status for each gRPC code, read backwards.
        static func statusResponse(_ status: HTTPStatus) -> HTTPResponse {
            let (code, message): (Int, String) = switch status.code {
            case 400: (3, "invalid_argument")
            case 401: (16, "unauthenticated")
            case 403: (7, "permission_denied")
            case 404: (5, "Not Found")  // grpc-gateway's routing error text for an unknown path
            case 405: (12, "Method Not Allowed")  // grpc-gateway's routing error text
            case 409: (10, "aborted")
            case 429: (8, "rate_limited")
            case 499: (1, "cancelled")
            case 500: (13, "internal")
            case 501: (12, "unimplemented")
            case 502: (14, "bad_gateway")
            case 503: (14, "unavailable")
            case 504: (4, "deadline_exceeded")
            default: (status.code >= 500 ? 2 : 3, snakeCase(status.reasonPhrase))
            }
            return envelope(status, code: code, message)
        }

        static func snakeCase(_ phrase: String) -> String {
            String(phrase.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
        }

        static func envelope(_ status: HTTPStatus, code: Int, _ message: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.int("code", code)
                root.string("message", message)
                root.raw("details", Array("[]".utf8))
            }
            return .json(status, writer.bytes)
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 32)` and `strconv.Quote`, for grpc-gateway's exact parse-error texts.
enum GoStrconv {
    enum Error: String, Swift.Error {
        case syntax = "invalid syntax"
        case range = "value out of range"
    }

    /// Same outcomes as Go: optional sign, ASCII digits; overflow past 2^32-1 is reported as soon as it
    /// happens (so `9999999999x` is out of range, not bad syntax), then the int32 bounds are checked.
    static func parseInt32(_ text: String) -> Result<Int32, Error> {
        var digits = Substring(text).utf8[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return .failure(.syntax) }
        var value: UInt64 = 0
        for byte in digits {
            guard (48...57).contains(byte) else { return .failure(.syntax) }
            value = value * 10 + UInt64(byte - 48)
            if value > UInt64(UInt32.max) { return .failure(.range) }
        }
        if negative ? value > 1 << 31 : value >= 1 << 31 { return .failure(.range) }
        return .success(negative ? Int32(truncatingIfNeeded: 0 &- Int64(value)) : Int32(value))
    }

    /// `strconv.Quote`: printable runes (letters, marks, numbers, punctuation, symbols, ASCII space) as is,
    /// the rest escaped.
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{07}": output += "\\a"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0B}": output += "\\v"
            default:
                if scalar == " " || isPrintable(scalar) {
                    output.unicodeScalars.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    output += "\\u" + hex(scalar.value, width: 4)
                } else {
                    output += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return output + "\""
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default:
            false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension VendorID {
    /// OnePassword's id in prefixes, seeds and specs.
    public static let onePassword = VendorID(declared: "1password")
}
