public import HTTPCore

/// One emulated vendor. Each conforming type lives in its own place under `Vendors/` and holds
/// everything about that vendor: versions, operations, auth rules, query parsing, wire shapes,
/// error envelopes. The app keeps one ``UserStore`` and one optional ``VendorState`` per vendor,
/// shared by all its versions and the admin API.
public protocol VendorAPI: Sendable {
    /// Stable id used in prefixes, seeds and specs: `openphone`, `pandadoc`, `1password`, `openai`, `factory`.
    var id: String { get }
    /// Human name for listings.
    var displayName: String { get }
    /// How the `Authorization` header must look, for `/__admin/vendors` and the README.
    var authScheme: String { get }

    /// The wire versions served, the default (its spec at `/__admin/specs/{vendor}`) first.
    var versions: [VendorVersion] { get }

    /// Every operation of every version. Routes are matched most specific first, so
    /// `{user}:suspend` wins over `{user}` whatever the order here.
    func operations() -> [VendorOperation]

    /// Top-level keys a seed file may hold beyond the common ones (`workspaces`, `invites`, …);
    /// they reach ``makeState(seed:context:)`` through ``VendorSeed/extensions``.
    var seedKeys: [String] { get }

    /// The vendor's mutable data beside its users, built from the seed; nil when it has none.
    func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)?

    /// Extra members for the vendor's entry in `GET /__admin/vendors` (the seed values a black-box
    /// test needs: workspaces, invites, role catalogs, OAuth clients).
    func adminSummary(seed: VendorSeed, state: (any VendorState)?) -> [(String, JSONValue)]

    /// ``adminSummary(seed:state:)`` with the users as they are now, for summaries that count members
    /// (Factory's seats used); by default the users are not needed and the two-argument form answers.
    func adminSummary(seed: VendorSeed, state: (any VendorState)?, users: UserStore.Snapshot) -> [(String, JSONValue)]

    /// Validates one seed user (vendor shape) and encodes it in the vendor's field order.
    /// - Parameter path: where the object sits in its file, for error messages (`$.users[3]`).
    func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser

    /// The vendor's own error response for `status`, as it would send it for a generic failure
    /// (used for unknown paths under the vendor prefix and for injected faults).
    func errorResponse(status: HTTPStatus, request: VendorRequest) -> HTTPResponse

    /// The 429 for a credential over its rate limit; defaults to `errorResponse(status: 429)`.
    func throttledResponse(_ status: RateLimitStatus, request: VendorRequest) -> HTTPResponse

    /// Headers added to allowed responses while rate limiting is on; none by default.
    func rateLimitHeaders(_ status: RateLimitStatus) -> HTTPHeaders

    /// The shape of the vendor's user ids, for generated and runtime-added users.
    var syntheticIDFormat: SyntheticIDFormat { get }

    /// A generated user in the vendor's wire shape and field order, built from `person`
    /// (`serve --users`, and the defaults for fields missing from `POST /__admin/vendors/{id}/users`).
    func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue

    /// The share of generated users whose membership is removed (PandaDoc); 0 elsewhere.
    var syntheticRemovedShare: Double { get }

    /// Whether the vendor's 429 carries `Retry-After` (the magic 429 credential then sends `1`).
    var sendsRetryAfter: Bool { get }

    /// Told when the admin API deletes a user, so state keyed by user (role assignments) goes with it.
    func userRemoved(id: String, state: (any VendorState)?)
}

extension VendorAPI {
    /// The vendor's 429 for a credential over its rate limit (`serve --rate-limits`). Vendors that
    /// send rate-limit headers override this so the numbers count down truthfully.
    public func throttledResponse(_ status: RateLimitStatus, request: VendorRequest) -> HTTPResponse {
        errorResponse(status: .tooManyRequests, request: request)
    }

    /// Headers a vendor adds to allowed responses while rate limiting is on (none by default).
    public func rateLimitHeaders(_ status: RateLimitStatus) -> HTTPHeaders { [:] }

    public var syntheticRemovedShare: Double { 0 }

    public var seedKeys: [String] { [] }

    public var sendsRetryAfter: Bool { false }

    public func userRemoved(id: String, state: (any VendorState)?) {}

    public func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)? { nil }

    public func adminSummary(seed: VendorSeed, state: (any VendorState)?) -> [(String, JSONValue)] { [] }

    public func adminSummary(seed: VendorSeed, state: (any VendorState)?, users: UserStore.Snapshot) -> [(String, JSONValue)] {
        adminSummary(seed: seed, state: state)
    }

    /// The default version's id.
    public var defaultVersion: String { versions.first?.id ?? "" }
}

/// A request routed to a vendor, with what the vendor needs to answer it. Immutable, so a class
/// keeps value semantics: handlers and their thunks pass it along several times a request, and
/// a copy of a struct of ~18 references cost a retain and a release each (callgrind, OpenAI page).
public final class VendorRequest: Sendable {
    public let http: HTTPRequest
    /// Values of `{name}` segments in the route.
    public let parameters: RouteParameters
    /// The path as the vendor sees it (vendor prefix removed).
    public let vendorPath: String
    /// The users as they were when the request arrived (reads).
    public let users: UserStore.Snapshot
    /// The vendor's store, for writes (``UserStore/update(_:)`` is atomic).
    public let store: UserStore
    /// The vendor's own mutable data (``VendorAPI/makeState(seed:context:)``).
    public let state: (any VendorState)?
    public let seed: VendorSeed
    /// `serve --any-key`: any non-empty credential in the right scheme is an admin.
    public let acceptsAnyKey: Bool
    /// The operation being served (nil for unknown paths under the vendor's prefix).
    public let operation: String?
    /// The version the route belongs to (the default version for unknown paths).
    public let version: String

    public init(
        http: HTTPRequest, parameters: RouteParameters = [:], vendorPath: String? = nil,
        store: UserStore, state: (any VendorState)? = nil, seed: VendorSeed, acceptsAnyKey: Bool = false,
        operation: String? = nil, version: String = ""
    ) {
        self.http = http
        self.parameters = parameters
        self.vendorPath = vendorPath ?? http.path
        self.users = store.snapshot()
        self.store = store
        self.state = state
        self.seed = seed
        self.acceptsAnyKey = acceptsAnyKey
        self.operation = operation
        self.version = version
    }

    private init(_ other: VendorRequest, http: HTTPRequest) {
        self.http = http
        parameters = other.parameters
        vendorPath = other.vendorPath
        users = other.users
        store = other.store
        state = other.state
        seed = other.seed
        acceptsAnyKey = other.acceptsAnyKey
        operation = other.operation
        version = other.version
    }

    /// The same request with `Authorization` set to `value` (a vendor's own normalisation of the header).
    public func replacingAuthorization(with value: String) -> VendorRequest {
        var http = http
        http.headers.replaceOrAdd(name: "Authorization", value: value)
        return VendorRequest(self, http: http)
    }

    /// The vendor's state as its concrete type. The vendor built it, so a mismatch is a programming error.
    public func state<State: VendorState>(as type: State.Type) -> State {
        guard let state = state as? State else { preconditionFailure("vendor state is not \(State.self)") }
        return state
    }

    /// The role of the credential in the `Authorization` header.
    /// - Parameters:
    ///   - schemes: accepted scheme words (`Bearer`, `API-Key`); `[""]` means a raw key with no scheme.
    ///   - schemeIsCaseSensitive: RFC 9110 §11.1 makes schemes case-insensitive; some vendors are stricter.
    /// A value that is not exactly `<scheme> <credential>` counts as a wrong scheme. Credentials
    /// compare byte for byte against the seeds, with the scheme spelled as the seed spells it.
    public func authorize(schemes: [String], schemeIsCaseSensitive: Bool = false) -> Authorization {
        // RFC 9112 §5.1: surrounding whitespace is not part of the value. The decoder trims it on the
        // wire; requests built in process may still carry it.
        guard let raw = http.headers["Authorization"] else { return .missing }
        let header = Self.trimmingSpaces(raw)
        guard !header.isEmpty else { return .missing }
        var credential = Substring(header)
        var canonical = header
        if !(schemes.count == 1 && schemes[0].isEmpty) {
            guard let value = AuthorizationValue(header) else { return .wrongScheme(header) }
            credential = value.credential
            // Scheme words are ASCII, so bytes compare exactly as `==` would, without its Unicode machinery.
            if !schemes.contains(where: value.schemeIs) {
                guard let match = (schemeIsCaseSensitive ? nil : schemes.first(where: value.schemeIsIgnoringASCIICase))
                    // Non-ASCII (a Kelvin sign folds to `k`): the full Unicode comparison, as before.
                    ?? (schemeIsCaseSensitive || value.schemeIsASCII ? nil : schemes.first { $0.lowercased() == value.scheme.lowercased() })
                else { return .wrongScheme(header) }
                // Seeds spell the scheme canonically; only a differently cased scheme needs rebuilding.
                canonical = "\(match) \(credential)"
            }
        }
        if let role = seed.role(forAuthorization: canonical) { return role == .admin ? .admin : .member }
        return acceptsAnyKey ? .admin : .unknownKey(String(credential))
    }

    /// `text` without leading or trailing spaces and tabs; returns `text` itself when there are none.
    static func trimmingSpaces(_ text: String) -> String {
        let utf8 = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }

    /// Outcome of checking the `Authorization` header.
    public enum Authorization: Equatable, Sendable {
        case missing
        case wrongScheme(String)
        case unknownKey(String)
        case member
        case admin
    }
}

/// A credential's permission: admins may list users, members get the vendor's 403.
public enum CredentialRole: String, Sendable {
    case admin
    case member
}

/// One vendor's seed file: credentials, accounts, and users in list order.
public struct VendorSeed: Sendable {
    public struct Credential: Sendable, Equatable {
        /// The full `Authorization` header value, scheme included.
        public var authorization: String
        public var role: CredentialRole

        public init(authorization: String, role: CredentialRole) {
            self.authorization = authorization
            self.role = role
        }
    }

    public var credentials: [Credential]
    /// 1Password account ids; empty for other vendors.
    public var accounts: [String]
    public var users: [StoredUser]
    /// The vendor's own top-level seed members (``VendorAPI/seedKeys``), in file order.
    public var extensions: [(String, JSONValue)]

    public init(credentials: [Credential], accounts: [String] = [], users: [StoredUser], extensions: [(String, JSONValue)] = []) {
        self.credentials = credentials
        self.accounts = accounts
        self.users = users
        self.extensions = extensions
    }

    /// A vendor seed member by key (``VendorAPI/seedKeys``).
    public func extensionValue(_ key: String) -> JSONValue? { extensions.first { $0.0 == key }?.1 }

    /// The first credential with `role` (the one documented as the vendor's default key).
    public func credential(for role: CredentialRole) -> Credential? {
        credentials.first { $0.role == role }
    }

    public func role(forAuthorization header: String) -> CredentialRole? {
        credentials.first { $0.authorization == header }?.role
    }
}

/// A problem in a seed file, naming the file, the JSON path and what is wrong.
public struct SeedError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var path: String
    public var problem: String

    public init(file: String = "", path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(file): \(path): \(problem)" }
}

extension HTTPResponse {
    /// A JSON response from pre-built bytes.
    static func json(_ status: HTTPStatus, _ body: [UInt8], contentType: String = "application/json", headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: contentType, headers: headers, body: body)
    }
}
