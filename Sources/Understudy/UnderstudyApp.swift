public import HTTPCore

/// The emulator as an ``HTTPHandler``: routes each request to a vendor or to the admin API.
/// It can run behind ``UnderstudyServer`` or be called directly in tests (no socket).
public final class UnderstudyApp: HTTPHandler {
    enum Target: Sendable {
        case vendor(Int, operation: Int, prefixed: Bool)
        case health
        case spec
        case versionSpec
        case vendors
        case listFaults
        case armFault
        case clearFaults
        case removeFault
        case getUser
        case addUser
        case updateUser
        case deleteUser
        case listRequests
        case clearRequests
        case reset
    }

    /// Every vendor with its seed, store and state, in registry order.
    public let records: [VendorRecord]
    let acceptsAnyKey: Bool
    /// Faults armed through the admin API or `serve --faults`.
    public let faults = FaultBook()
    /// The last requests answered over a socket (`GET /__admin/requests`).
    public let journal: RequestJournal
    private let adminAuthorization: String?
    private let startupFaults: [FaultRule]
    let rateLimiter: RateLimiter
    let runtimeUserCounter = Counter()
    private let router: Router<Target>

    /// Loads every vendor's seeds (embedded, or from `configuration.seedsDirectory`).
    public init(configuration: UnderstudyServer.Configuration = .init(), vendors: [any VendorAPI] = VendorRegistry.all) throws {
        let context = VendorContext(tokenTTL: configuration.tokenTTL, acceptsAnyKey: configuration.acceptsAnyKey)
        var records: [VendorRecord] = []
        for vendor in vendors {
            let (text, file) = try SeedSource.text(for: vendor.id, directory: configuration.seedsDirectory)
            let seed = try VendorSeed.read(text, file: file, vendor: vendor)
            let store: UserStore
            if let generation = configuration.generation, let count = generation.counts[vendor.id] {
                let generated = try vendor.makeGeneratedUsers(count: count, seed: generation.seed, vendorSeed: seed)
                store = UserStore(users: [], generated: generated)
            } else {
                store = UserStore(users: seed.users)
            }
            let state: (any VendorState)?
            do { state = try vendor.makeState(seed: seed, context: context) } catch {
                var located = error
                located.file = file
                throw located
            }
            records.append(VendorRecord(api: vendor, seed: seed, store: store, state: state))
        }
        self.records = records
        acceptsAnyKey = configuration.acceptsAnyKey
        var router = Router<Target>()
        router.add("GET", "/__admin/health", .health)
        router.add("GET", "/__admin/specs/{vendor}", .spec)
        router.add("GET", "/__admin/specs/{vendor}/{version}", .versionSpec)
        router.add("GET", "/__admin/vendors", .vendors)
        router.add("GET", "/__admin/faults", .listFaults)
        router.add("POST", "/__admin/faults", .armFault)
        router.add("DELETE", "/__admin/faults", .clearFaults)
        router.add("DELETE", "/__admin/faults/{id}", .removeFault)
        router.add("POST", "/__admin/vendors/{vendor}/users", .addUser)
        router.add("GET", "/__admin/vendors/{vendor}/users/{id}", .getUser)
        router.add("PATCH", "/__admin/vendors/{vendor}/users/{id}", .updateUser)
        router.add("DELETE", "/__admin/vendors/{vendor}/users/{id}", .deleteUser)
        router.add("GET", "/__admin/requests", .listRequests)
        router.add("DELETE", "/__admin/requests", .clearRequests)
        router.add("POST", "/__admin/reset", .reset)
        for (index, record) in records.enumerated() {
            for (number, operation) in record.operations.enumerated() {
                router.add(operation.method, operation.path, .vendor(index, operation: number, prefixed: false))
                router.add(operation.method, "/\(record.id)\(operation.path)", .vendor(index, operation: number, prefixed: true))
            }
        }
        self.router = router
        journal = RequestJournal(capacity: configuration.journalSize, byteLimit: configuration.journalBytes)
        adminAuthorization = configuration.adminToken.map { "Bearer \($0)" }
        startupFaults = configuration.faultRules
        rateLimiter = RateLimiter(limits: configuration.rateLimits)
        for rule in startupFaults { faults.arm(rule) }
    }

    public func handle(_ incoming: HTTPRequest) -> HTTPResponse {
        // Authorization and routing decide on the same path: `//__admin`, `/%2F__admin` and
        // `/x/../__admin` are all `/__admin` to both (issue 11: the token was bypassable).
        var request = incoming
        request.path = Self.normalizedPath(incoming.path)
        if let adminAuthorization, Self.isAdminPath(request.path), request.headers["Authorization"] != adminAuthorization {
            var response = AdminResponses.error(.unauthorized, "the admin API requires Authorization: Bearer <admin token> (serve --admin-token)")
            response.headers.add(name: "WWW-Authenticate", value: "Bearer")
            return response
        }
        switch router.match(method: request.method, path: request.path) {
        case .found(let target, let parameters):
            return respond(to: request, target: target, parameters: parameters)
        case .methodNotAllowed(let allowed):
            var response: HTTPResponse
            if let (index, vendorPath) = vendorOwning(request.path) {
                response = records[index].api.errorResponse(status: .methodNotAllowed, request: vendorRequest(request, index, [:], vendorPath, operation: nil))
            } else {
                response = AdminResponses.error(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)")
            }
            response.headers.replaceOrAdd(name: "Allow", value: allowed.joined(separator: ", "))
            return response
        case .notFound:
            if let (index, vendorPath) = vendorOwning(request.path) {
                let api = records[index].api
                return serveVendor(index, request, [:], vendorPath, operation: nil) { vendorRequest in
                    api.errorResponse(status: .notFound, request: vendorRequest)
                }
            }
            return AdminResponses.notFound(path: request.path, served: router.patterns)
        }
    }

    /// A request the core refused after reading its head (body too large, bad framing): on a
    /// vendor route the owning vendor renders the status in its own envelope; admin and unknown
    /// paths keep the core's body (issue 9: the core reports the condition, the vendor renders it).
    public func response(forRejected incoming: HTTPRequest, status: HTTPStatus) -> HTTPResponse? {
        var request = incoming
        request.path = Self.normalizedPath(incoming.path)
        guard !Self.isAdminPath(request.path) else { return nil }
        let index: Int, parameters: [String: String], vendorPath: String, operation: VendorOperation?
        if case .found(.vendor(let found, let number, let prefixed), let values) = router.match(method: request.method, path: request.path) {
            (index, parameters, operation) = (found, values, records[found].operations[number])
            vendorPath = prefixed ? String(request.path.dropFirst(records[found].id.count + 1)) : request.path
        } else if let (found, path) = vendorOwning(request.path) {
            (index, parameters, vendorPath, operation) = (found, [:], path, nil)
        } else {
            return nil
        }
        var response = records[index].api.errorResponse(status: status, request: vendorRequest(request, index, parameters, vendorPath, operation: operation))
        response.logMetadata["vendor"] = records[index].id
        return response
    }

    private func respond(to request: HTTPRequest, target: Target, parameters: [String: String]) -> HTTPResponse {
        switch target {
        case .vendor(let index, let number, let prefixed):
            let record = records[index]
            let vendorPath = prefixed ? String(request.path.dropFirst(record.id.count + 1)) : request.path
            let operation = record.operations[number]
            return serveVendor(index, request, parameters, vendorPath, operation: operation, answer: operation.handler)
        case .health:
            return AdminResponses.health
        case .spec, .versionSpec:
            return spec(vendor: parameters["vendor"] ?? "", version: parameters["version"])
        case .vendors:
            return AdminResponses.vendorList(records)
        case .listFaults:
            return HTTPResponse(status: .ok, body: faults.listing.compactBytes)
        case .armFault:
            let json: JSONValue
            do { json = try Self.parseAdminBody(request.body) } catch {
                return AdminResponses.error(.badRequest, "body: \(error.description)")
            }
            do {
                let id = faults.arm(try FaultRule.read(json, knownVendors: records.map(\.id)))
                return HTTPResponse(status: .created, text: #"{"id":"\#(id)"}"#)
            } catch {
                return AdminResponses.error(.badRequest, error.message)
            }
        case .clearFaults:
            faults.removeAll()
            return HTTPResponse(status: .noContent, contentType: nil)
        case .getUser, .addUser, .updateUser, .deleteUser:
            return respondToUserChange(target, request, vendor: parameters["vendor"] ?? "", id: parameters["id"] ?? "")
        case .listRequests:
            let vendor = request.queryValue("vendor")
            let status = request.queryValue("status").flatMap { Int($0) }
            let limit = request.queryValue("limit").flatMap { Int($0) }
            if request.queryValue("status") != nil, status == nil { return AdminResponses.error(.badRequest, "status must be an integer") }
            if request.queryValue("limit") != nil, (limit ?? -1) < 0 { return AdminResponses.error(.badRequest, "limit must be a non-negative integer") }
            return HTTPResponse(status: .ok, body: journal.listing(vendor: vendor, status: status, limit: limit).compactBytes)
        case .clearRequests:
            journal.clear()
            return HTTPResponse(status: .noContent, contentType: nil)
        case .reset:
            reset()
            return HTTPResponse(status: .ok, text: #"{"status":"reset"}"#)
        case .removeFault:
            let id = parameters["id"] ?? ""
            guard faults.remove(id: id) else { return AdminResponses.error(.notFound, "no armed fault with id '\(id)'") }
            return HTTPResponse(status: .noContent, contentType: nil)
        }
    }

    private func respondToUserChange(_ target: Target, _ request: HTTPRequest, vendor: String, id: String) -> HTTPResponse {
        do {
            switch target {
            case .getUser:
                return HTTPResponse(status: .ok, body: try user(id: id, of: vendor).compactBytes)
            case .deleteUser:
                try deleteUser(id: id, of: vendor)
                return HTTPResponse(status: .noContent, contentType: nil)
            default:
                let body: JSONValue
                do { body = try Self.parseAdminBody(request.body) } catch {
                    return AdminResponses.error(.badRequest, "body: \(error.description)")
                }
                if case .addUser = target {
                    return HTTPResponse(status: .created, body: try addUser(body, to: vendor).compactBytes)
                }
                return HTTPResponse(status: .ok, body: try updateUser(id: id, of: vendor, with: body).compactBytes)
            }
        } catch {
            return AdminResponses.error(error.status, error.message)
        }
    }

    /// Runs a vendor request through the fault layer: per-request flags (stripped before the
    /// vendor sees the query) over armed rules; an injected status is rendered by the vendor.
    private func serveVendor(
        _ index: Int, _ request: HTTPRequest, _ parameters: [String: String], _ vendorPath: String,
        operation: VendorOperation?, answer: (VendorRequest) -> HTTPResponse
    ) -> HTTPResponse {
        let vendor = records[index].api
        let flags: FaultEffect
        let stripped: HTTPRequest?
        do { (flags, stripped) = try FaultFlags.extract(from: request) } catch {
            var response = AdminResponses.error(.badRequest, error.message)
            response.logMetadata["vendor"] = vendor.id
            return response
        }
        let effect = flags.merged(over: faults.effect(vendor: vendor.id, method: request.method, path: vendorPath))
        let forVendor = vendorRequest(stripped ?? request, index, parameters, vendorPath, operation: operation)
        var response: HTTPResponse
        if let status = effect.status {
            response = vendor.errorResponse(status: HTTPStatus(code: status), request: forVendor)
        } else if let limit = rateLimiter.take(vendor: vendor.id, credential: request.headers["Authorization"] ?? "") {
            if limit.isAllowed {
                response = answer(forVendor)
                for field in vendor.rateLimitHeaders(limit) { response.headers.add(name: field.name, value: field.value) }
            } else {
                response = vendor.throttledResponse(limit, request: forVendor)
                response.logMetadata["fault"] = "rate-limited"
            }
        } else {
            response = answer(forVendor)
        }
        if !effect.isEmpty {
            response = effect.apply(to: response)
            response.logMetadata["fault"] = effect.summary
        }
        response.logMetadata["vendor"] = vendor.id
        return response
    }

    func vendorRequest(
        _ request: HTTPRequest, _ index: Int, _ parameters: [String: String], _ vendorPath: String, operation: VendorOperation?
    ) -> VendorRequest {
        let record = records[index]
        return VendorRequest(
            http: request, parameters: parameters, vendorPath: vendorPath,
            store: record.store, state: record.state, seed: record.seed, acceptsAnyKey: acceptsAnyKey,
            operation: operation?.name, version: operation?.version ?? record.api.defaultVersion
        )
    }

    /// The vendor whose prefix or endpoint family the path belongs to, with the path as that vendor sees it.
    private func vendorOwning(_ path: String) -> (Int, String)? {
        for (index, record) in records.enumerated() where path.hasPrefix("/\(record.id)/") {
            return (index, String(path.dropFirst(record.id.count + 1)))
        }
        return nil
    }

    /// `GET /__admin/specs/{vendor}` (default version) and `/__admin/specs/{vendor}/{version}`.
    private func spec(vendor id: String, version: String?) -> HTTPResponse {
        guard let record = record(for: id) else {
            return AdminResponses.error(.notFound, "no spec for vendor '\(id)'; known: \(records.map(\.id).joined(separator: ", "))")
        }
        let versions = record.api.versions
        guard let chosen = version.map({ wanted in versions.first { $0.id == wanted } }) ?? versions.first else {
            return AdminResponses.error(.notFound, "no version '\(version ?? "")' of \(id); known: \(versions.map(\.id).joined(separator: ", "))")
        }
        guard let spec = EmbeddedData.specs[chosen.spec] else {
            return AdminResponses.error(.notFound, "no spec document '\(chosen.spec)' is embedded")
        }
        return HTTPResponse(status: .ok, text: spec)
    }

    /// `path` with empty and `.` segments dropped and `..` resolved (RFC 3986 §5.2.4), so every
    /// spelling of a path reaches the same decision.
    static func normalizedPath(_ path: String) -> String {
        let utf8 = path.utf8
        // Fast path: no `//`, no `/.` segment, no trailing slash beyond the root.
        var previous: UInt8 = 0
        var clean = utf8.first == UInt8(ascii: "/")
        if clean {
            for byte in utf8 {
                if previous == UInt8(ascii: "/"), byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") { clean = false; break }
                previous = byte
            }
        }
        if clean { return path }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Whether a normalised path belongs to the admin API.
    static func isAdminPath(_ path: String) -> Bool {
        path.hasPrefix("/__admin")
    }

    /// Users and vendor state back to seeds; journal, armed faults and rate-limit counters cleared; `--faults` rules re-armed.
    public func reset() {
        for record in records { record.reset() }
        journal.clear()
        faults.removeAll()
        for rule in startupFaults { faults.arm(rule) }
        rateLimiter.reset()
    }

    /// Records an answered request in the journal (admin calls are left out, so reading the journal
    /// does not fill it).
    func recordInJournal(_ exchange: HTTPExchange) {
        if let path = exchange.request?.path, Self.isAdminPath(Self.normalizedPath(path)) { return }
        journal.record(exchange)
    }

    /// A vendor's record (API, seed, store, state), for the admin API and tests.
    public func record(for vendorID: String) -> VendorRecord? {
        records.first { $0.id == vendorID }
    }

    /// The store behind a vendor, for the admin API and tests.
    public func store(for vendorID: String) -> UserStore? { record(for: vendorID)?.store }

    /// The loaded seed of a vendor.
    public func seed(for vendorID: String) -> VendorSeed? { record(for: vendorID)?.seed }
}
