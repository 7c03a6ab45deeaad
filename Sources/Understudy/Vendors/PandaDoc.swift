public import HTTPCore

/// PandaDoc Public API: `GET /public/v1/users` (vendor-docs/pandadoc-list-users.md).
///
/// PandaDoc's v1 API is Django REST Framework (vendor-notes/pandadoc.md §1: `{type, detail}` envelope),
/// so where the docs and notes are silent this copies DRF's behaviour. Assumptions (see the issue note too):
/// - Auth parsing follows DRF `TokenAuthentication` for `API-Key` (whitespace split; a bare `API-Key` and a
///   key with spaces get DRF's two "Invalid token header" texts; an unknown key gets "Invalid token.") and
///   django-oauth-toolkit for `Bearer` (any bad bearer token is "not provided"). Every 401 carries
///   `WWW-Authenticate: API-Key` (DRF sends the first authenticator's header, which is why it is a 401).
/// - 403 `type` is `permission_error` (Postman examples), not spec v8.8.0's `permissions_error`.
/// - `count` 0...50 (0 → empty `results`, real `total`), `page` 0...2147483647 (0 behaves as 1); out of range
///   or non-integer is a DRF field-map 400, never clamped. Integers are strict `^-?[0-9]+$` (DRF would also take
///   `5.0`, ` 5`, `+5`); booleans are exactly `true` / `false` (DRF would also take `1`, `yes`, `True`).
/// - Repeated parameters: the last value wins (Django `QueryDict`); an empty value counts as absent.
/// - Order is the seed file order; removed users look like the others on the wire; a page past the end is
///   `{"total":N,"results":[]}`. No `Retry-After` on 429 (the documented body lacks DRF's "Expected available" suffix).
/// - 5xx texts are DRF's defaults (500, 503) or invented in the same style (502, 504).
///
/// Paging is offset paging, as the vendor's is. `show_removed=true` indexes the list directly; with
/// `show_removed=false` the first visible user of the page is found by a binary search over the store's
/// ascending list of removed users' indices (``UserStore/Snapshot/index(ofUnremovedRank:)``), which the store
/// keeps in step with every change, so a deep page never scans from the start.
public struct PandaDoc: VendorAPI {
    public var id: String { VendorID.pandadoc.rawValue }
    public let displayName = "PandaDoc"
    public let authScheme = "Authorization: API-Key <key> | Bearer <oauth token>"

    public let versions = [VendorVersion(id: "v1", selector: "path prefix /public/v1", spec: "pandadoc")]

    public func operations() -> [VendorOperation] {
        [VendorOperation("listUsers", "GET", "/public/v1/users", version: "v1", handler: listUsers)]
    }

    /// Bounds from the OpenAPI parameters (`count` max 50, `format: int32`).
    static let maxCount = 50
    static let defaultCount = 50
    static let maxPage = 2_147_483_647
    /// DRF `IntegerField.MAX_STRING_LENGTH` (counted in code points, like Python's `len`).
    static let maxIntegerLength = 1000

    public init() {}

    // MARK: - Seeds

    /// Licenses and workspace roles from the spec's enums (vendor-notes/pandadoc.md §3).
    static let licenses = ["Full", "eSign", "Read-only", "Creator"]
    static let roles = ["Admin", "Manager", "Member", "Collaborator"]

    // MARK: - Generated users

    /// shortuuid-style 22-character ids (vendor-notes/pandadoc.md §3).
    public let syntheticIDFormat = SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base57, length: 22)

    /// Licenses and workspace roles mixed like the default seeds; one owner.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let idFormat = syntheticIDFormat
        let workspaceIDs = (0..<3).map { idFormat.id(for: 1_000_000_000 + $0, seed: person.seed) }
        let licenses = ["Full", "Full", "Full", "eSign", "Read-only", "Creator"]
        var workspaces: [JSONValue] = []
        for index in 0..<(person.chance(0.2) ? 2 : 1) {
            let role = person.number == 0 ? "Admin" : Self.roles[person.next(Self.roles.count)]
            workspaces.append(.object([
                ("role", .string(role)),
                ("workspace_id", .string(workspaceIDs[(person.number + index) % workspaceIDs.count])),
                ("membership_id", .string(idFormat.id(for: 2_000_000_000 + person.number * 2 + index, seed: person.seed))),
            ]))
        }
        let phone = person.chance(0.2) ? "" : "+1\(String(2_000_000_000 + person.next(7_999_999_999)))"
        return .object([
            ("user_id", .string(person.id)),
            ("email", .string(person.email)),
            ("first_name", .string(person.firstName)),
            ("last_name", .string(person.lastName)),
            ("phone_number", .string(phone)),
            ("license", .string(person.number == 0 ? "Full" : licenses[person.next(licenses.count)])),
            ("is_organization_owner", .bool(person.number == 0)),
            ("workspaces", .array(workspaces)),
        ])
    }

    /// About 1 in 10, like the default seeds' removed memberships.
    public var syntheticRemovedShare: Double { 0.1 }

    // MARK: - Seeds

    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(["user_id", "email", "first_name", "last_name", "phone_number", "license", "is_organization_owner", "workspaces"])
        let userID = try fields.string("user_id")
        let email = try fields.string("email")
        let firstName = try fields.string("first_name")
        let lastName = try fields.string("last_name")
        let phone = try fields.string("phone_number")  // "" when unknown, never null (the schema says string)
        let license = try fields.oneOf("license", Self.licenses)
        let isOwner = try fields.bool("is_organization_owner")
        guard let workspaceValues = fields.value("workspaces") else {
            throw SeedError(path: "\(path).workspaces", problem: "missing required array")
        }
        guard let workspaceList = workspaceValues.arrayValue else {
            throw SeedError(path: "\(path).workspaces", problem: "expected an array, found \(workspaceValues.typeName)")
        }
        var workspaces: [(role: String, workspaceID: String, membershipID: String)] = []
        for (index, entry) in workspaceList.enumerated() {
            let workspace = try SeedFields(entry, path: "\(path).workspaces[\(index)]")
            try workspace.rejectUnknownKeys(["role", "workspace_id", "membership_id"])
            workspaces.append((try workspace.oneOf("role", Self.roles), try workspace.string("workspace_id"), try workspace.string("membership_id")))
        }
        // Key order of the doc example: user fields, then workspaces as role, workspace_id, membership_id.
        var writer = JSONWriter()
        writer.object { user in
            user.string("user_id", userID)
            user.string("email", email)
            user.string("first_name", firstName)
            user.string("last_name", lastName)
            user.string("phone_number", phone)
            user.string("license", license)
            user.bool("is_organization_owner", isOwner)
            var list = JSONWriter()
            list.raw("[")
            for (index, workspace) in workspaces.enumerated() {
                if index > 0 { list.comma() }
                list.object { member in
                    member.string("role", workspace.role)
                    member.string("workspace_id", workspace.workspaceID)
                    member.string("membership_id", workspace.membershipID)
                }
            }
            list.raw("]")
            user.raw("workspaces", list.bytes)
        }
        return StoredUser(id: userID, email: email.lowercased(), json: writer.bytes)
    }

    // MARK: - List users

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do { return try page(request) } catch { return error.response() }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        // DRF order: authentication, permissions, (throttles), then the view parses its parameters.
        try authenticate(request)
        let query = try Query(request.http)
        let users = request.users
        let offset = (query.page - 1) * query.count  // page ≤ int32 max, count ≤ 50: no overflow
        let total: Int
        let indices: [Int]
        if query.showRemoved {
            // Every user is visible: the page is a direct slice.
            total = users.count
            let start = min(offset, users.count)
            indices = Array(start..<min(start + query.count, users.count))
        } else {
            // Binary search to the first visible user of the page, then skip removed ones inside it.
            total = users.count - users.removedCount
            let start = offset >= total ? users.count : users.index(ofUnremovedRank: offset)
            indices = users.page(from: start, limit: query.count) { !$0.isRemoved }.indices
        }
        var writer = JSONWriter(capacity: 32 + indices.count * 320)
        writer.raw(#"{"total":"#)
        writer.int(total)
        writer.raw(#","results":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw("]}")
        return .json(.ok, writer.bytes)
    }

    /// DRF `TokenAuthentication` (keyword `API-Key`) then django-oauth-toolkit (`Bearer`).
    private func authenticate(_ request: VendorRequest) throws(Failure) {
        switch request.authorize(schemes: ["API-Key", "Bearer"]) {
        case .admin: return
        case .member: throw .notAdmin
        case .missing: throw .notProvided
        case .unknownKey:
            // Only `API-Key` reports a bad key; an unknown OAuth token makes DOT return "no credentials".
            throw Self.isAPIKeyHeader(request) ? .invalidToken : .notProvided
        case .wrongScheme(let header):
            // DRF splits the header on whitespace runs, so `API-Key\tkey` or `API-Key  key` is still a key.
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let scheme = words.first, scheme.lowercased() == "api-key" else { throw .notProvided }
            if words.count == 1 { throw .noCredentials }
            if words.count > 2 { throw .containsSpaces }
            var normalized = request
            normalized.http.headers.replaceOrAdd(name: "Authorization", value: "API-Key \(words[1])")
            return try authenticate(normalized)
        }
    }

    private static func isAPIKeyHeader(_ request: VendorRequest) -> Bool {
        request.http.headers["Authorization"]?.lowercased().hasPrefix("api-key") ?? false
    }

    /// The three documented parameters, validated together like a DRF serializer: every bad field is reported.
    struct Query {
        var count = PandaDoc.defaultCount
        var page = 1
        var showRemoved = true

        init(_ http: HTTPRequest) throws(Failure) {
            var problems: [(field: String, message: String)] = []
            // Django's QueryDict.get returns the last value; DRF drops blank optional fields.
            func value(_ name: String) -> String? {
                guard let last = http.queryValues(name).last, !last.isEmpty else { return nil }
                return last
            }
            if let text = value("count") {
                switch PandaDoc.integer(text, min: 0, max: PandaDoc.maxCount) {
                case .success(let number): count = number
                case .failure(let message): problems.append(("count", message.text))
                }
            }
            if let text = value("page") {
                switch PandaDoc.integer(text, min: 0, max: PandaDoc.maxPage) {
                case .success(let number): page = max(number, 1)  // page=0 reads as the first page
                case .failure(let message): problems.append(("page", message.text))
                }
            }
            if let text = value("show_removed") {
                switch text {
                // DRF's BooleanField accepts these spellings; the official Python SDK sends `True`/`False`.
                case "true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON", "1": showRemoved = true
                case "false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "off", "Off", "OFF", "0": showRemoved = false
                default: problems.append(("show_removed", Failure.invalidBooleanMessage))
                }
            }
            if !problems.isEmpty { throw .validation(problems) }
        }
    }

    /// DRF `IntegerField` with `min_value` / `max_value`, with the stricter integer syntax of the contract.
    static func integer(_ text: String, min: Int, max: Int) -> Result<Int, FieldMessage> {
        if text.unicodeScalars.count > maxIntegerLength { return .failure(FieldMessage(Failure.stringTooLargeMessage)) }
        guard let value = VendorNumbers.integer(text) else { return .failure(FieldMessage(Failure.invalidIntegerMessage)) }
        if value.isAbove(max) { return .failure(FieldMessage("Ensure this value is less than or equal to \(max).")) }
        if value.isBelow(min) { return .failure(FieldMessage("Ensure this value is greater than or equal to \(min).")) }
        return .success(value.int!)
    }

    /// One DRF field error message (an `Error` so it can travel in a `Result`).
    struct FieldMessage: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }

    // MARK: - Errors

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
        case validation([(field: String, message: String)])
        case status(HTTPStatus, method: String)

        static let notProvidedMessage = "Authentication credentials were not provided."
        static let noCredentialsMessage = "Invalid token header. No credentials provided."
        static let containsSpacesMessage = "Invalid token header. Token string should not contain spaces."
        static let invalidTokenMessage = "Invalid token."
        static let notAdminMessage = "You do not have permission to perform this action."
        static let invalidIntegerMessage = "A valid integer is required."
        static let stringTooLargeMessage = "String value too large."
        static let invalidBooleanMessage = "Must be a valid boolean."
        static let notFoundMessage = "Not found"  // no period (openapi.yaml components.responses.404)
        static let throttledMessage = "Request was throttled."

        func response() -> HTTPResponse {
            switch self {
            case .notProvided: return Self.unauthorized(Self.notProvidedMessage)
            case .noCredentials: return Self.unauthorized(Self.noCredentialsMessage)
            case .containsSpaces: return Self.unauthorized(Self.containsSpacesMessage)
            case .invalidToken: return Self.unauthorized(Self.invalidTokenMessage)
            case .notAdmin: return Self.envelope(.forbidden, type: "permission_error", Self.notAdminMessage)
            case .validation(let problems):
                var writer = JSONWriter()
                writer.object { root in
                    root.string("type", "validation_error")
                    root.object("detail") { detail in
                        for problem in problems {
                            var list = JSONWriter()
                            list.raw("[")
                            list.string(problem.message)
                            list.raw("]")
                            detail.raw(problem.field, list.bytes)
                        }
                    }
                }
                return .json(.badRequest, writer.bytes)
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
}

extension VendorID {
    /// PandaDoc's id in prefixes, seeds and specs.
    public static let pandadoc = VendorID(declared: "pandadoc")
}
