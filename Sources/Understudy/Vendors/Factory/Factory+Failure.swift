public import HTTPCore

extension Factory {
    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        let failure: Failure = switch status.code {
        case 401: .unauthorized
        case 403: .forbidden
        default: .status(status)
        }
        return failure.response()
    }

    /// Everything that can go wrong, each rendering Factory's `{detail, status, title}` envelope (docs).
    enum Failure: Error {
        case unauthorized
        case forbidden
        case invalidLimit
        case invalidCursor
        /// inviteUser: the body is not JSON.
        case invalidJSON
        /// inviteUser: JSON, but not an object.
        case bodyNotObject
        case missingEmail
        case emailNotString
        case invalidEmail
        case invalidRole
        /// removeUser without `?email=`.
        case missingEmailQuery
        /// removeUser: the email is neither a member's nor a pending invite's.
        case userNotFound
        case status(HTTPStatus)

        /// The sibling Analytics API's 401 text (note §1).
        static let unauthorizedDetail = "Missing or invalid API key"
        /// The sibling Analytics API's 403 text (note §1).
        static let forbiddenDetail = "Insufficient permissions (requires Manager or Owner role)"
        static let invalidLimitDetail = "limit must be an integer between 1 and 100"
        static let invalidCursorDetail = "Invalid cursor"
        static let rateLimitDetail = "Rate limit exceeded"
        // The texts below are ours: Factory documents the 400/404 envelope, not its wording.
        static let invalidJSONDetail = "Request body must be valid JSON"
        static let bodyNotObjectDetail = "Request body must be a JSON object"
        static let missingEmailDetail = "email is required"
        static let emailNotStringDetail = "email must be a string"
        static let invalidEmailDetail = "email must be a valid email address"
        static let invalidRoleDetail = "role must be one of: user, manager, owner"
        static let missingEmailQueryDetail = "email query parameter is required"
        static let userNotFoundDetail = "No member or pending invite with this email"

        /// The `error` of an invite refused at the seat limit (docs: "returns status "error" with a
        /// descriptive error message"; the wording is ours).
        static func seatLimitMessage(seats: Int) -> String {
            "Organization has reached its seat limit (\(seats) seats are taken by members and pending invites)"
        }

        func response() -> HTTPResponse {
            switch self {
            case .unauthorized: Self.envelope(.unauthorized, Self.unauthorizedDetail)
            case .forbidden: Self.envelope(.forbidden, Self.forbiddenDetail)
            case .invalidLimit: Self.envelope(.badRequest, Self.invalidLimitDetail)
            case .invalidCursor: Self.envelope(.badRequest, Self.invalidCursorDetail)
            case .invalidJSON: Self.envelope(.badRequest, Self.invalidJSONDetail)
            case .bodyNotObject: Self.envelope(.badRequest, Self.bodyNotObjectDetail)
            case .missingEmail: Self.envelope(.badRequest, Self.missingEmailDetail)
            case .emailNotString: Self.envelope(.badRequest, Self.emailNotStringDetail)
            case .invalidEmail: Self.envelope(.badRequest, Self.invalidEmailDetail)
            case .invalidRole: Self.envelope(.badRequest, Self.invalidRoleDetail)
            case .missingEmailQuery: Self.envelope(.badRequest, Self.missingEmailQueryDetail)
            case .userNotFound: Self.envelope(.notFound, Self.userNotFoundDetail)
            case .status(let status):
                status.code == 429
                    ? Self.envelope(status, Self.rateLimitDetail)
                    : Self.envelope(status, Self.sentenceCase(status.reasonPhrase))
            }
        }

        /// `Internal Server Error` → `Internal server error`, as note §1 suggests for the 500 `detail`.
        static func sentenceCase(_ phrase: String) -> String {
            guard let first = phrase.first else { return phrase }
            return String(first) + phrase.dropFirst().lowercased()
        }

        /// Key order follows the schema (`detail, status, title`); `status` is a JSON number (note §1).
        static func envelope(_ status: HTTPStatus, _ detail: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("detail", detail)
                root.int("status", status.code)
                root.string("title", status.reasonPhrase)
            }
            return .json(status, writer.bytes)
        }
    }
}
