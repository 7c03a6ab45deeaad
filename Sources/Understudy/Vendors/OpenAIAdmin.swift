public import HTTPCore

/// OpenAI Admin API: `GET /v1/organization/users` (vendor-docs/openai-list-organization-users.md).
///
/// Assumptions where the docs and notes are silent (see the issue note too):
/// - A project key (`sk-proj-…`) gets 403 with the "Missing scopes: api.management.read" message.
/// - `limit` outside 1…100 is a 400 with OpenAI's generic validator wording, never clamped.
/// - An `after` id that was never a user of the org is a 400; a deleted user's id still resumes.
/// - `emails[]` (what the SDK sends) and `emails` both filter, case-insensitively; unknown emails match nothing.
/// - On an empty page `first_id` and `last_id` are `null`.
/// - `x-request-id` counts up from a fixed start, so runs are reproducible.
public struct OpenAIAdmin: VendorAPI {
    public var id: String { VendorID.openai.rawValue }
    public let displayName = "OpenAI (Admin API)"
    public let authScheme = "Authorization: Bearer <admin key>"

    public let versions = [VendorVersion(id: "v1", selector: "path prefix /v1 (spec 2.3.0)", spec: "openai")]

    public func operations() -> [VendorOperation] {
        [VendorOperation("listUsers", "GET", "/v1/organization/users", version: "v1", handler: listUsers)]
    }

    static let organizationID = "org-UnderstudyTestOrg0000001"
    private let requestCounter = Counter()

    public init() {}

    // MARK: - Seeds

    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(["object", "id", "name", "email", "role", "added_at"])
        _ = try fields.oneOf("object", ["organization.user"])
        let id = try fields.string("id")
        let name = try fields.string("name")
        let email = try fields.string("email")
        let role = try fields.oneOf("role", ["owner", "reader"])
        let addedAt = try fields.int("added_at")
        var writer = JSONWriter()
        writer.object { user in
            user.string("object", "organization.user")
            user.string("id", id)
            user.string("name", name)
            user.string("email", email)
            user.string("role", role)
            user.int("added_at", addedAt)
        }
        return StoredUser(id: id, email: email.lowercased(), json: writer.bytes)
    }

    // MARK: - Generated users

    public let syntheticIDFormat = SyntheticIDFormat(prefix: "user-", alphabet: SyntheticIDFormat.base62, length: 24)

    /// Mostly readers with an owner first and a few more owners, like the default seeds.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let role = person.number == 0 || person.chance(0.06) ? "owner" : "reader"
        return .object([
            ("object", .string("organization.user")),
            ("id", .string(person.id)),
            ("name", .string("\(person.firstName) \(person.lastName)")),
            ("email", .string(person.email)),
            ("role", .string(role)),
            ("added_at", .number(Double(person.createdAt), text: String(person.createdAt))),
        ])
    }

    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do {
            return withCommonHeaders(try page(request))
        } catch {
            return withCommonHeaders(error.response(method: request.http.method, path: request.vendorPath))
        }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        switch request.authorize(schemes: ["Bearer"]) {
        case .missing, .wrongScheme: throw .missingKey
        case .unknownKey(let key): throw .unknownKey(key)
        case .member: throw .insufficientPermissions
        case .admin: break
        }
        let limit = try readLimit(request.http.queryValue("limit"))
        let users = request.users
        var start = 0
        if let after = request.http.queryValue("after"), !after.isEmpty {
            guard let sequence = users.sequence(ofID: after) else { throw .unknownAfter(after) }
            start = users.firstIndex(after: sequence)
        }
        let emails = Set((request.http.queryValues("emails[]") + request.http.queryValues("emails")).map { $0.lowercased() })
        let (indices, hasMore) = emails.isEmpty
            ? users.page(from: start, limit: limit)
            : users.page(from: start, limit: limit, emails: emails)

        var writer = JSONWriter(capacity: 96 + indices.count * 192)
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

    private func readLimit(_ text: String?) throws(Failure) -> Int {
        guard let text, !text.isEmpty else { return 20 }
        guard let value = VendorNumbers.integer(text) else { throw .limitNotInteger }
        if value.isAbove(100) { throw .limitAboveMax(value.canonical) }
        if value.isBelow(1) { throw .limitBelowMin(value.canonical) }
        return value.int!
    }

    // MARK: - Errors

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        let failure: Failure = switch status.code {
        case 401: .missingKey
        case 403: .insufficientPermissions
        default: .status(status)
        }
        return withCommonHeaders(failure.response(method: request.http.method, path: request.vendorPath))
    }

    /// OpenAI's 429 with truthful counters: how many requests the window allows, how many are left,
    /// and (Go duration) when the bucket is full again (vendor-notes/openai.md §2).
    public func throttledResponse(_ status: RateLimitStatus, request: VendorRequest) -> HTTPResponse {
        let wait = Self.goDuration(milliseconds: max(status.retryAfterMilliseconds, 1))
        let message = "Rate limit reached for requests in organization \(Self.organizationID) on requests per min (RPM): Limit \(status.limit), Used \(status.limit - status.remaining), Requested 1. Please try again in \(wait). Visit https://platform.openai.com/account/rate-limits to learn more."
        var response = Failure.envelope(.tooManyRequests, message, type: "requests", code: "rate_limit_exceeded")
        for field in rateLimitHeaders(status) { response.headers.add(name: field.name, value: field.value) }
        return withCommonHeaders(response)
    }

    public func rateLimitHeaders(_ status: RateLimitStatus) -> HTTPHeaders {
        HTTPHeaders([
            ("x-ratelimit-limit-requests", String(status.limit)),
            ("x-ratelimit-remaining-requests", String(status.remaining)),
            ("x-ratelimit-reset-requests", Self.goDuration(milliseconds: status.resetMilliseconds)),
        ])
    }

    /// Go's `time.Duration` text as OpenAI sends it: `12ms`, `1s`, `6m0s`.
    static func goDuration(milliseconds: Int) -> String {
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        let seconds = Double(milliseconds) / 1000
        if seconds < 60 {
            let text = String(format3(seconds))
            return "\(text)s"
        }
        let minutes = Int(seconds) / 60
        return "\(minutes)m\(Int(seconds) % 60)s"
    }

    private static func format3(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        var text = "\(thousandths / 1000)"
        var fraction = thousandths % 1000
        if fraction > 0 {
            var digits = ""
            for _ in 0..<3 { digits += String(fraction / 100); fraction = fraction % 100 * 10 }
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }

    private func withCommonHeaders(_ response: HTTPResponse) -> HTTPResponse {
        var response = response
        let count = requestCounter.next()
        response.headers.add(name: "openai-version", value: "2020-10-01")
        response.headers.add(name: "x-request-id", value: VendorNumbers.hex32(count, prefix: "req_"))
        return response
    }

    /// Everything that can go wrong, each rendering OpenAI's own envelope.
    enum Failure: Error {
        case missingKey
        case unknownKey(String)
        case insufficientPermissions
        case limitAboveMax(String)
        case limitBelowMin(String)
        case limitNotInteger
        case unknownAfter(String)
        case status(HTTPStatus)

        static let missingKeyMessage = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."
        static let insufficientPermissionsMessage = "You have insufficient permissions for this operation. Missing scopes: api.management.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes."
        static let serverErrorMessage = "The server had an error while processing your request. Sorry about that!"
        static let rateLimitMessage = "Rate limit reached for requests in organization \(OpenAIAdmin.organizationID) on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more."

        func response(method: String, path: String) -> HTTPResponse {
            switch self {
            case .missingKey:
                return Self.envelope(.unauthorized, Self.missingKeyMessage)
            case .unknownKey(let key):
                return Self.envelope(.unauthorized, "Incorrect API key provided: \(Self.mask(key)). You can find your API key at https://platform.openai.com/account/api-keys.", code: "invalid_api_key")
            case .insufficientPermissions:
                return Self.envelope(.forbidden, Self.insufficientPermissionsMessage)
            case .limitAboveMax(let value):
                return Self.envelope(.badRequest, "Invalid 'limit': integer above maximum value. Expected a value <= 100, but got \(value) instead.", param: "limit", code: "integer_above_max_value")
            case .limitBelowMin(let value):
                return Self.envelope(.badRequest, "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got \(value) instead.", param: "limit", code: "integer_below_min_value")
            case .limitNotInteger:
                return Self.envelope(.badRequest, "Invalid type for 'limit': expected an integer, but got a string instead.", param: "limit", code: "invalid_type")
            case .unknownAfter(let after):
                return Self.envelope(.badRequest, "Invalid 'after': no user with ID '\(after)' in this organization.", param: "after")
            case .status(let status):
                return Self.statusResponse(status, method: method, path: path)
            }
        }

        static func statusResponse(_ status: HTTPStatus, method: String, path: String) -> HTTPResponse {
            switch status.code {
            case 404:
                return Self.envelope(status, "Invalid URL (\(method) \(path))")
            case 429:
                var response = envelope(status, rateLimitMessage, type: "requests", code: "rate_limit_exceeded")
                response.headers.add(name: "x-ratelimit-limit-requests", value: "60")
                response.headers.add(name: "x-ratelimit-remaining-requests", value: "0")
                response.headers.add(name: "x-ratelimit-reset-requests", value: "1s")
                return response
            case 500:
                return Self.envelope(status, serverErrorMessage, type: "server_error")
            case 502, 503, 504:
                // Cloudflare's edge answers these for OpenAI, with its own key order and an integer code.
                let (message, type) = switch status.code {
                case 502: ("Bad gateway.", "cf_bad_gateway")
                case 503: ("Service Unavailable.", "cf_service_unavailable")
                default: ("Gateway timeout.", "cf_gateway_timeout")
                }
                var writer = JSONWriter()
                writer.object { root in
                    root.object("error") { error in
                        error.int("code", status.code)
                        error.string("message", message)
                        error.null("param")
                        error.string("type", type)
                    }
                }
                return .json(status, writer.bytes)
            default:
                let type = status.code >= 500 ? "server_error" : "invalid_request_error"
                return Self.envelope(status, "\(status.reasonPhrase).", type: type)
            }
        }

        static func envelope(
            _ status: HTTPStatus, _ message: String, type: String = "invalid_request_error",
            param: String? = nil, code: String? = nil
        ) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.object("error") { error in
                    error.string("message", message)
                    error.string("type", type)
                    error.optionalString("param", param)
                    error.optionalString("code", code)
                }
            }
            return .json(status, writer.bytes)
        }

        /// OpenAI shows the first 8 and last 4 characters of a wrong key (vendor-notes/openai.md §1).
        static func mask(_ key: String) -> String {
            guard key.count >= 12 else { return key }
            return String(key.prefix(8)) + String(repeating: "*", count: key.count - 12) + String(key.suffix(4))
        }
    }
}

extension VendorID {
    /// OpenAIAdmin's id in prefixes, seeds and specs.
    public static let openai = VendorID(declared: "openai")
}
