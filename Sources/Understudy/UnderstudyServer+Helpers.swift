/// A vendor, for the in-process helpers (`server.baseURL(for: .openai)`). The known ids come from
/// ``VendorRegistry``: each vendor file declares its own constant (`VendorID.openai`) and uses it as
/// its ``VendorAPI/id``, so there is no second list to keep in step.
public struct VendorID: RawRepresentable, Hashable, Sendable, CaseIterable {
    public let rawValue: String

    /// Only ids of registered vendors.
    public init?(rawValue: String) {
        guard VendorRegistry.all.contains(where: { $0.id == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    init(declared rawValue: String) { self.rawValue = rawValue }

    /// Every registered vendor, in registry order.
    public static var allCases: [VendorID] { VendorRegistry.all.map { VendorID(declared: $0.id) } }
}

/// One request from the journal, as a Swift value.
public struct RecordedRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    /// Query items, with credential-like parameters (`api_key`, `access_token`, …) masked.
    public var query: [HTTPQueryPair]
    /// Header values, with credentials (`Authorization`, `Cookie`, `X-Api-Key`, …) masked to their last 4 characters.
    public var headers: [HTTPQueryPair]
    public var vendor: String?
    public var status: Int
    public var fault: String?
}

/// A name/value pair (query items and headers of a recorded request).
public struct HTTPQueryPair: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// Helpers for Swift test suites: everything the admin API does, without HTTP.
extension UnderstudyServer {
    /// The base URL that reaches only `vendor`'s endpoints, e.g. `http://127.0.0.1:PORT/openai`.
    public func baseURL(for vendor: VendorID) -> String { baseURL(for: vendor.rawValue) }

    /// The vendor's credentials from its seeds (full `Authorization` values with their roles).
    public func credentials(for vendor: VendorID) -> [VendorSeed.Credential] {
        app.seed(for: vendor.rawValue)?.credentials ?? []
    }

    /// The first admin `Authorization` value of a vendor, ready to send.
    public func adminAuthorization(for vendor: VendorID) -> String {
        app.seed(for: vendor.rawValue)?.credential(for: .admin)?.authorization ?? ""
    }

    /// Adds a user from a partial object in the vendor's own shape (JSON text).
    /// - Returns: the stored user as the vendor lists it.
    @discardableResult
    public func addUser(_ json: String, to vendor: VendorID) throws -> JSONValue {
        try app.addUser(try JSONValue.parse(json), to: vendor.rawValue)
    }

    /// Arms a fault rule, as `POST /__admin/faults` does. - Returns: the rule's id.
    @discardableResult
    public func armFault(_ rule: FaultRule) -> String { app.faults.arm(rule) }

    /// The journal, oldest first, optionally filtered.
    public func requests(vendor: VendorID? = nil, status: Int? = nil) -> [RecordedRequest] {
        RecordedRequest.from(app.journal, vendor: vendor, status: status)
    }

    /// The default session back to its start: users, journal and faults cleared, rate limits refilled.
    public func reset() { app.reset() }
}

/// One session of a running server, for Swift tests that run in parallel against one server:
/// everything the server's helpers do, scoped to this session.
public struct SessionHandle: Sendable {
    public let server: UnderstudyServer
    public let session: Session

    public var name: String { session.name }

    /// `http://HOST:PORT/__session/NAME/openai`: an SDK pointed here stays in this session.
    public func baseURL(for vendor: VendorID) -> String { "\(server.baseURL)/__session/\(name)/\(vendor.rawValue)" }

    /// This session's own credentials for `vendor` (they select the session without a URL or header).
    public func credentials(for vendor: VendorID) -> [VendorSeed.Credential] { session.credentials[vendor.rawValue] ?? [] }

    /// This session's admin `Authorization` value for `vendor`.
    public func adminAuthorization(for vendor: VendorID) -> String {
        credentials(for: vendor).first { $0.role == .admin }?.authorization ?? server.adminAuthorization(for: vendor)
    }

    /// Adds a user in this session only.
    @discardableResult
    public func addUser(_ json: String, to vendor: VendorID) throws -> JSONValue {
        try server.app.addUser(try JSONValue.parse(json), to: vendor.rawValue, in: session)
    }

    /// Arms a fault in this session only. - Returns: the rule's id.
    @discardableResult
    public func armFault(_ rule: FaultRule) -> String { session.faults.arm(rule) }

    /// This session's journal, oldest first.
    public func requests(vendor: VendorID? = nil, status: Int? = nil) -> [RecordedRequest] {
        RecordedRequest.from(session.journal, vendor: vendor, status: status)
    }

    /// This session back to the seeds (users, vendor state, journal, faults, rate limits).
    public func reset() { session.reset(rearming: server.app.startupFaults) }
}

extension UnderstudyServer {
    /// The session called `name`, started if new (`default` is the default session).
    public func session(_ name: String) throws -> SessionHandle {
        SessionHandle(server: self, session: try app.session(name))
    }
}

extension RecordedRequest {
    static func from(_ journal: RequestJournal, vendor: VendorID?, status: Int?) -> [RecordedRequest] {
        journal.entries().compactMap { entry in
            let exchange = entry.exchange
            guard let request = exchange.request else { return nil }
            if let vendor, exchange.metadata["vendor"] != vendor.rawValue { return nil }
            if let status, exchange.status.code != status { return nil }
            return RecordedRequest(
                method: request.method, path: request.path,
                // The journal's own masking rules, so a secret is masked wherever it is shown.
                query: request.query.map {
                    HTTPQueryPair(name: $0.name, value: Credentials.isSecretParameter($0.name) ? RequestJournal.mask($0.value) : $0.value)
                },
                headers: request.headers.map {
                    HTTPQueryPair(name: $0.name, value: Credentials.isSecretHeader($0.name) ? RequestJournal.mask($0.value) : $0.value)
                },
                vendor: exchange.metadata["vendor"], status: exchange.status.code, fault: exchange.metadata["fault"]
            )
        }
    }
}
