public import HTTPCore

extension OnePassword {
    /// The vendor's `message` tokens. Only `no_owner_remain` was seen on the wire (vendor-notes/1password.md §1,
    /// Kibana's connector comment); the others are snake_case tokens in its style ([infer]).
    enum Message {
        static let unauthenticated = "unauthenticated"
        static let permissionDenied = "permission_denied"
        static let accountNotFound = "account_not_found"
        static let userNotFound = "user_not_found"
        static let noOwnerRemain = "no_owner_remain"
        static let invalidFilter = "invalid_filter"
        static let invalidPageSize = "invalid_page_size"
        static let invalidPageToken = "invalid_page_token"
    }

    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        // The OAuth endpoints answer in RFC 6749's shape; everything else in grpc-gateway's.
        if let operation = request.operation, Self.oauthOperations.contains(operation),
           let failure = OAuthFailure(status: status) {
            return failure.response()
        }
        return Failure.status(status).response()
    }

    /// Everything that can go wrong on a resource call, each rendering grpc-gateway's `{"code","message","details":[]}`.
    enum Failure: Error {
        case unauthenticated
        case permissionDenied
        case accountNotFound
        case userNotFound
        case noOwnerRemain
        case tooManyValues(field: String, values: [String])
        case parse(field: String, value: String, error: GoStrconv.Error)
        case invalidFilter
        case invalidPageSize
        case invalidPageToken
        case status(HTTPStatus)

        func response() -> HTTPResponse {
            switch self {
            case .unauthenticated: Self.envelope(.unauthorized, code: 16, Message.unauthenticated)
            case .permissionDenied: Self.envelope(.forbidden, code: 7, Message.permissionDenied)
            case .accountNotFound: Self.envelope(.notFound, code: 5, Message.accountNotFound)
            case .userNotFound: Self.envelope(.notFound, code: 5, Message.userNotFound)
            // Per vendor-notes/users-resource/1password.md §3: the body Kibana observed for the last owner.
            case .noOwnerRemain: Self.envelope(.forbidden, code: 7, Message.noOwnerRemain)
            case .tooManyValues(let field, let values):
                // grpc-gateway v2 runtime/query.go: fmt.Errorf("too many values for field %q: %s", …, strings.Join(values, ", "))
                Self.envelope(.badRequest, code: 3, "too many values for field \(GoStrconv.quote(field)): \(values.joined(separator: ", "))")
            case .parse(let field, let value, let error):
                // grpc-gateway wraps strconv's *NumError: parsing field %q: strconv.ParseInt: parsing %q: <reason>
                Self.envelope(.badRequest, code: 3, "parsing field \(GoStrconv.quote(field)): strconv.ParseInt: parsing \(GoStrconv.quote(value)): \(error.rawValue)")
            case .invalidFilter: Self.envelope(.badRequest, code: 3, Message.invalidFilter)
            case .invalidPageSize: Self.envelope(.badRequest, code: 3, Message.invalidPageSize)
            case .invalidPageToken: Self.envelope(.badRequest, code: 3, Message.invalidPageToken)
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

    /// RFC 6749 §5.2 errors of the token and revoke endpoints: `{"error","error_description"}`.
    /// 1Password's exact bodies are unknown (vendor-notes/users-resource/1password.md, open question 1); the
    /// invalid_client description is the docs' own sentence for the revoke endpoint's 401.
    enum OAuthFailure: Error, Equatable {
        case invalidRequest(String)
        case invalidClient
        case unsupportedGrantType
        case invalidScope
        case serverError
        case temporarilyUnavailable

        static let emptyBody = "The POST body can not be empty."
        static let missingGrantType = "The request is missing the 'grant_type' parameter."
        static let missingToken = "The request is missing the 'token' parameter."
        static let invalidClientText = "The client credentials are invalid."
        static let unsupportedGrantTypeText = "The authorization grant type is not supported; use client_credentials."
        static let invalidScopeText = "The requested scope is invalid; the only scope is openid."
        static let serverErrorText = "The authorization server encountered an unexpected condition."
        static let unavailableText = "The authorization server is temporarily unavailable."

        /// The RFC 6749 error for an injected status, or nil where the gRPC envelope fits better (429, 404, …).
        init?(status: HTTPStatus) {
            switch status.code {
            case 400: self = .invalidRequest(Self.emptyBody)
            case 401: self = .invalidClient
            case 503: self = .temporarilyUnavailable
            case 500...599: self = .serverError
            default: return nil
            }
        }

        var code: String {
            switch self {
            case .invalidRequest: "invalid_request"
            case .invalidClient: "invalid_client"
            case .unsupportedGrantType: "unsupported_grant_type"
            case .invalidScope: "invalid_scope"
            case .serverError: "server_error"
            case .temporarilyUnavailable: "temporarily_unavailable"
            }
        }

        var description: String {
            switch self {
            case .invalidRequest(let text): text
            case .invalidClient: Self.invalidClientText
            case .unsupportedGrantType: Self.unsupportedGrantTypeText
            case .invalidScope: Self.invalidScopeText
            case .serverError: Self.serverErrorText
            case .temporarilyUnavailable: Self.unavailableText
            }
        }

        var status: HTTPStatus {
            switch self {
            case .invalidClient: .unauthorized
            case .serverError: .internalServerError
            case .temporarilyUnavailable: .serviceUnavailable
            default: .badRequest
            }
        }

        func response() -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("error", code)
                root.string("error_description", description)
            }
            var headers = OnePassword.noStoreHeaders
            // RFC 6749 §5.2: a 401 for client authentication names the scheme the client must use.
            if self == .invalidClient { headers.add(name: "WWW-Authenticate", value: "Basic") }
            return .json(status, writer.bytes, headers: headers)
        }
    }

    /// RFC 6749 §5.1: token responses must not be cached.
    static var noStoreHeaders: HTTPHeaders { ["Cache-Control": "no-store", "Pragma": "no-cache"] }
}
