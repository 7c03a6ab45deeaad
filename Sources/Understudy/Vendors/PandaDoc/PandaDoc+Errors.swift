public import HTTPCore

extension PandaDoc {
    public func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse {
        let failure: Failure = switch status.code {
        case 401: .notProvided
        case 403: .notAdmin
        default: .status(status, method: request.http.method)
        }
        return failure.response()
    }

    /// Everything that can go wrong, each rendering PandaDoc's DRF envelope `{"type","detail"}`.
    enum Failure: Error {
        case notProvided
        case noCredentials
        case containsSpaces
        case invalidToken
        case notAdmin
        /// Query parameters (`400ValidationError`: `validation_error`, one message per field).
        case validation([(field: String, message: String)])
        /// Request bodies (`400BadRequestUserRequestError` & co.: `request_error`, field → messages).
        case fields(FieldErrors)
        /// A `request_error` whose `detail` is a sentence (`Owner can not be removed.`).
        case request(HTTPStatus, String)
        case notFound
        case status(HTTPStatus, method: String)

        static let notProvidedMessage = "Authentication credentials were not provided."
        static let noCredentialsMessage = "Invalid token header. No credentials provided."
        static let containsSpacesMessage = "Invalid token header. Token string should not contain spaces."
        static let invalidTokenMessage = "Invalid token."
        static let notAdminMessage = "You do not have permission to perform this action."
        /// Spec v8.0.0+ (`components.responses.403` example); v7.x and the Postman examples say `permission_error`.
        static let permissionType = "permissions_error"
        static let invalidIntegerMessage = "A valid integer is required."
        static let stringTooLargeMessage = "String value too large."
        static let invalidBooleanMessage = "Must be a valid boolean."
        static let notFoundMessage = "Not found"  // no period (openapi.yaml components.responses.404)
        static let throttledMessage = "Request was throttled."

        // Body field texts, verbatim from the spec's 400 examples (createUser / addMember / changeMemberRole).
        static let userExistsMessage = "User already exists"
        static let emailDomainMessage = "User email should have the same email domain as org admin."
        static let invalidEmailMessage = "Enter a valid email address."
        static let invalidRoleMessage = "Role is not a valid choice."
        static let invalidLicenseMessage = "License is not a valid choice."
        static let requiredMessage = "This field is required."
        static func workspaceNotFoundMessage(_ id: String) -> String { "Workspace with uuid \(id) not found." }
        // addMember's texts carry no final period in the spec (400BadRequestMemberRequestError).
        static let userMissingMessage = "User doesn't exist"
        static let memberExistsMessage = "Member already exists"
        static let memberRequiredMessage = "This field is required"
        static let memberInvalidRoleMessage = "Role is not a valid choice"
        static func unknownRoleMessage(_ role: String, workspace: String) -> String {
            "The role '\(role)' does not exist in the workspace with ID '\(workspace)'. Please ensure the role is correctly defined and try again."
        }
        static let ownerRemovalMessage = "Owner can not be removed."
        static let memberOrWorkspaceMissingMessage = "This member or workspace does not exist."
        static let ownerRoleMessage = "Cannot change the role of the workspace owner."
        static let lastAdminMessage = "Cannot change the role of the last member with admin privileges."
        // DRF stock texts ([infer]: PandaDoc's serializers are DRF's).
        static let notStringMessage = "Not a valid string."
        static let nullMessage = "This field may not be null."
        static let blankMessage = "This field may not be blank."
        static let emptyListMessage = "This list may not be empty."
        static let noDataMessage = "No data provided"
        static let invalidPhoneMessage = "Enter a valid phone number."  // django-phonenumber-field
        static func notDictionaryMessage(_ type: String) -> String { "Invalid data. Expected a dictionary, but got \(type)." }
        static func notListMessage(_ type: String) -> String { "Expected a list of items but got type \"\(type)\"." }
        static func parseErrorMessage(_ reason: String) -> String { "JSON parse error - \(reason)" }

        func response() -> HTTPResponse {
            switch self {
            case .notProvided: return Self.unauthorized(Self.notProvidedMessage)
            case .noCredentials: return Self.unauthorized(Self.noCredentialsMessage)
            case .containsSpaces: return Self.unauthorized(Self.containsSpacesMessage)
            case .invalidToken: return Self.unauthorized(Self.invalidTokenMessage)
            case .notAdmin: return Self.envelope(.forbidden, type: Self.permissionType, Self.notAdminMessage)
            case .validation(let problems):
                var errors = FieldErrors()
                for problem in problems { errors.add(problem.field, problem.message) }
                return errors.response(type: "validation_error")
            case .fields(let errors):
                return errors.response(type: "request_error")
            case .request(let status, let detail):
                return Self.envelope(status, type: "request_error", detail)
            case .notFound:
                return Self.envelope(.notFound, type: "request_error", Self.notFoundMessage)
            case .status(let status, let method):
                return Self.statusResponse(status, method: method)
            }
        }

        static func statusResponse(_ status: HTTPStatus, method: String) -> HTTPResponse {
            switch status.code {
            case 400: return envelope(status, type: "request_error", "Malformed request.")  // DRF ParseError
            case 404: return envelope(status, type: "request_error", notFoundMessage)
            case 405: return envelope(status, type: "request_error", "Method \"\(method)\" not allowed.")  // DRF MethodNotAllowed
            case 429: return envelope(status, type: "throttled", throttledMessage)
            case 500: return envelope(status, type: "server_error", "A server error occurred.")
            case 502: return envelope(status, type: "server_error", "Bad gateway.")
            case 503: return envelope(status, type: "server_error", "Service temporarily unavailable, try again later.")
            case 504: return envelope(status, type: "server_error", "Gateway timeout.")
            default:
                let type = status.code >= 500 ? "server_error" : "request_error"
                return envelope(status, type: type, "\(status.reasonPhrase).")
            }
        }

        static func unauthorized(_ detail: String) -> HTTPResponse {
            var response = envelope(.unauthorized, type: "authentication_error", detail)
            response.headers.add(name: "WWW-Authenticate", value: "API-Key")
            return response
        }

        static func envelope(_ status: HTTPStatus, type: String, _ detail: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("type", type)
                root.string("detail", detail)
            }
            return .json(status, writer.bytes)
        }
    }

    /// A DRF `serializer.errors` map: fields in the order first reported, each with its distinct messages.
    struct FieldErrors: Sendable {
        private(set) var entries: [(field: String, messages: [String])] = []

        var isEmpty: Bool { entries.isEmpty }

        mutating func add(_ field: String, _ message: String) {
            if let index = entries.firstIndex(where: { $0.field == field }) {
                if !entries[index].messages.contains(message) { entries[index].messages.append(message) }
            } else {
                entries.append((field, [message]))
            }
        }

        func messages(_ field: String) -> [String] { entries.first { $0.field == field }?.messages ?? [] }

        /// Throws the collected errors, if any, as one 400.
        func check() throws(Failure) {
            if !isEmpty { throw .fields(self) }
        }

        func response(type: String) -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("type", type)
                root.object("detail") { detail in
                    for entry in entries {
                        var list = JSONWriter()
                        list.raw("[")
                        for (index, message) in entry.messages.enumerated() {
                            if index > 0 { list.comma() }
                            list.string(message)
                        }
                        list.raw("]")
                        detail.raw(entry.field, list.bytes)
                    }
                }
            }
            return .json(.badRequest, writer.bytes)
        }
    }
}
