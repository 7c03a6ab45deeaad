public import HTTPCore

extension OpenAIAdmin {
    /// Everything that can go wrong, each rendering OpenAI's own envelope
    /// `{"error":{"message","type","param","code"}}` (spec 2.3.0 `ErrorResponse`).
    enum Failure: Error {
        case missingKey
        case unknownKey(String)
        /// A key without the admin scope (a project key); `scope` is the one the operation needs.
        case insufficientPermissions(scope: String)
        case limitAboveMax(String, maximum: Int)
        case limitBelowMin(String, minimum: Int)
        case limitNotInteger
        case unknownAfter(String)
        case unknownRoleCursor(String)
        case userNotFound(String)
        case roleNotFound(String)
        case roleNotAssigned(role: String, user: String)
        case invalidJSON
        case bodyNotObject(String)
        case invalidType(param: String, expected: String, got: String)
        case invalidValue(param: String, value: String, supported: [String])
        case missingParameter(String)
        case unknownRoleID(String)
        case lastOwner(param: String?)
        case baseRoleUnassign(String)
        case status(HTTPStatus)

        static let missingKeyMessage = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."
        static let insufficientPermissionsMessage = permissionMessage(scope: readScope)
        static let readScope = "api.management.read"
        static let writeScope = "api.management.write"
        static let serverErrorMessage = "The server had an error while processing your request. Sorry about that!"
        static let rateLimitMessage = "Rate limit reached for requests in organization \(OpenAIAdmin.organizationID) on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more."
        /// OpenAI's long-standing answer to a body that is not JSON (seen on every JSON endpoint).
        static let invalidJSONMessage = "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"
        /// [infer] The dashboard refuses to leave an organization without an owner; the API most plausibly does too.
        static let lastOwnerMessage = "An organization must have at least one owner. Promote another user to owner first."

        static func permissionMessage(scope: String) -> String {
            "You have insufficient permissions for this operation. Missing scopes: \(scope). Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you're using a restricted API key, that it has the necessary scopes."
        }

        /// [infer] Assistants-style not-found texts (`No assistant found with id 'asst_abc'.`).
        static func userNotFoundMessage(_ id: String) -> String { "No user found with id '\(id)'." }
        static func roleNotFoundMessage(_ id: String) -> String { "No role found with id '\(id)'." }
        static func roleNotAssignedMessage(role: String, user: String) -> String {
            "Role '\(role)' is not assigned to user '\(user)'."
        }
        static func baseRoleUnassignMessage(_ id: String) -> String {
            "Role '\(id)' is the user's organization role and cannot be unassigned. Change the user's role with POST /v1/organization/users/{user_id} instead."
        }

        func response(method: String, path: String) -> HTTPResponse {
            switch self {
            case .missingKey:
                return Self.envelope(.unauthorized, Self.missingKeyMessage)
            case .unknownKey(let key):
                return Self.envelope(.unauthorized, "Incorrect API key provided: \(Self.mask(key)). You can find your API key at https://platform.openai.com/account/api-keys.", code: "invalid_api_key")
            case .insufficientPermissions(let scope):
                return Self.envelope(.forbidden, Self.permissionMessage(scope: scope))
            case .limitAboveMax(let value, let maximum):
                return Self.envelope(.badRequest, "Invalid 'limit': integer above maximum value. Expected a value <= \(maximum), but got \(value) instead.", param: "limit", code: "integer_above_max_value")
            case .limitBelowMin(let value, let minimum):
                return Self.envelope(.badRequest, "Invalid 'limit': integer below minimum value. Expected a value >= \(minimum), but got \(value) instead.", param: "limit", code: "integer_below_min_value")
            case .limitNotInteger:
                return Self.envelope(.badRequest, "Invalid type for 'limit': expected an integer, but got a string instead.", param: "limit", code: "invalid_type")
            case .unknownAfter(let after):
                return Self.envelope(.badRequest, "Invalid 'after': no user with ID '\(after)' in this organization.", param: "after")
            case .unknownRoleCursor(let after):
                return Self.envelope(.badRequest, "Invalid 'after': no role with ID '\(after)' was ever assigned to this user.", param: "after")
            case .userNotFound(let id):
                return Self.envelope(.notFound, Self.userNotFoundMessage(id))
            case .roleNotFound(let id):
                return Self.envelope(.notFound, Self.roleNotFoundMessage(id))
            case .roleNotAssigned(let role, let user):
                return Self.envelope(.notFound, Self.roleNotAssignedMessage(role: role, user: user))
            case .invalidJSON:
                return Self.envelope(.badRequest, Self.invalidJSONMessage)
            case .bodyNotObject(let got):
                return Self.envelope(.badRequest, "Invalid type for body: expected an object, but got \(got) instead.", code: "invalid_type")
            case .invalidType(let param, let expected, let got):
                return Self.envelope(.badRequest, "Invalid type for '\(param)': expected \(expected), but got \(got) instead.", param: param, code: "invalid_type")
            case .invalidValue(let param, let value, let supported):
                return Self.envelope(.badRequest, "Invalid value: '\(value)'. Supported values are: \(Self.list(supported)).", param: param, code: "invalid_value")
            case .missingParameter(let param):
                return Self.envelope(.badRequest, "Missing required parameter: '\(param)'.", param: param, code: "missing_required_parameter")
            case .unknownRoleID(let id):
                return Self.envelope(.badRequest, Self.roleNotFoundMessage(id), param: "role_id")
            case .lastOwner(let param):
                return Self.envelope(.badRequest, Self.lastOwnerMessage, param: param)
            case .baseRoleUnassign(let id):
                return Self.envelope(.badRequest, Self.baseRoleUnassignMessage(id), param: "role_id")
            case .status(let status):
                return Self.statusResponse(status, method: method, path: path)
            }
        }

        /// `'a' and 'b'`, `'a', 'b', and 'c'`: how OpenAI's validator lists supported values.
        static func list(_ values: [String]) -> String {
            let quoted = values.map { "'\($0)'" }
            guard quoted.count > 1 else { return quoted.first ?? "" }
            if quoted.count == 2 { return "\(quoted[0]) and \(quoted[1])" }
            return quoted.dropLast().joined(separator: ", ") + ", and " + quoted[quoted.count - 1]
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
                // Spec 2.3.0 `TooManyRequests`: Retry-After in whole seconds, at least 1.
                response.headers.add(name: "Retry-After", value: "1")
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

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        let failure: Failure = switch status.code {
        case 401: .missingKey
        case 403: .insufficientPermissions(scope: request.http.method == "GET" ? Failure.readScope : Failure.writeScope)
        default: .status(status)
        }
        return withCommonHeaders(failure.response(method: request.http.method, path: request.vendorPath))
    }

    /// OpenAI's 429 with truthful counters: how many requests the window allows, how many are left,
    /// and (Go duration) when the bucket is full again (vendor-notes/openai.md §2), plus the spec's
    /// `Retry-After` in whole seconds.
    public func throttledResponse(_ status: RateLimitStatus, request: VendorRequest) -> HTTPResponse {
        let wait = Self.goDuration(milliseconds: max(status.retryAfterMilliseconds, 1))
        let message = "Rate limit reached for requests in organization \(Self.organizationID) on requests per min (RPM): Limit \(status.limit), Used \(status.limit - status.remaining), Requested 1. Please try again in \(wait). Visit https://platform.openai.com/account/rate-limits to learn more."
        var response = Failure.envelope(.tooManyRequests, message, type: "requests", code: "rate_limit_exceeded")
        for field in rateLimitHeaders(status) { response.headers.add(name: field.name, value: field.value) }
        response.headers.add(name: "Retry-After", value: String(max(1, (status.retryAfterMilliseconds + 999) / 1000)))
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

    func withCommonHeaders(_ response: consuming HTTPResponse) -> HTTPResponse {
        let count = requestCounter.next()
        response.headers.add(name: "openai-version", value: "2020-10-01")
        response.headers.add(name: "x-request-id", value: VendorNumbers.hex32(count, prefix: "req_"))
        return response
    }

    /// Runs an operation body and renders any failure in OpenAI's envelope, with the common headers.
    func serve(_ request: VendorRequest, _ body: (VendorRequest) throws(Failure) -> HTTPResponse) -> HTTPResponse {
        do {
            return withCommonHeaders(try body(request))
        } catch {
            return withCommonHeaders(error.response(method: request.http.method, path: request.vendorPath))
        }
    }

    /// Admin keys only; a project key gets 403 on every operation, reads included (vendor-notes/openai.md §1).
    func requireAdmin(_ request: VendorRequest, scope: String = Failure.readScope) throws(Failure) {
        switch request.authorize(schemes: ["Bearer"]) {
        case .missing, .wrongScheme: throw .missingKey
        case .unknownKey(let key): throw .unknownKey(key)
        case .member: throw .insufficientPermissions(scope: scope)
        case .admin: break
        }
    }
}
