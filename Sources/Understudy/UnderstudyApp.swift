public import HTTPCore

/// The emulator as an ``HTTPHandler``: routes each request to a vendor or to the admin API.
/// It can run behind ``UnderstudyServer`` or be called directly in tests (no socket).
public final class UnderstudyApp: HTTPHandler {
    enum Target: Sendable {
        case listUsers(vendor: Int, prefixed: Bool)
        case health
        case spec
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

    let vendors: [any VendorAPI]
    let seeds: [VendorSeed]
    let stores: [UserStore]
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
        var seeds: [VendorSeed] = []
        for vendor in vendors {
            let (text, file) = try SeedSource.text(for: vendor.id, directory: configuration.seedsDirectory)
            seeds.append(try VendorSeed.read(text, file: file, vendor: vendor))
        }
        self.vendors = vendors
        self.seeds = seeds
        var stores: [UserStore] = []
        for (vendor, seed) in zip(vendors, seeds) {
            if let generation = configuration.generation, let count = generation.counts[vendor.id] {
                let generated = try vendor.makeGeneratedUsers(count: count, seed: generation.seed, vendorSeed: seed)
                stores.append(UserStore(users: [], generated: generated))
            } else {
                stores.append(UserStore(users: seed.users))
            }
        }
        self.stores = stores
        acceptsAnyKey = configuration.acceptsAnyKey
        var router = Router<Target>()
        router.add("GET", "/__admin/health", .health)
        router.add("GET", "/__admin/specs/{vendor}", .spec)
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
        for (index, vendor) in vendors.enumerated() {
            router.add("GET", vendor.listPath, .listUsers(vendor: index, prefixed: false))
            router.add("GET", "/\(vendor.id)\(vendor.listPath)", .listUsers(vendor: index, prefixed: true))
        }
        self.router = router
        journal = RequestJournal(capacity: configuration.journalSize)
        adminAuthorization = configuration.adminToken.map { "Bearer \($0)" }
        startupFaults = configuration.faultRules
        rateLimiter = RateLimiter(limits: configuration.rateLimits)
        for rule in startupFaults { faults.arm(rule) }
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let adminAuthorization, request.path.hasPrefix("/__admin"), request.headers["Authorization"] != adminAuthorization {
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
                response = vendors[index].errorResponse(status: .methodNotAllowed, request: vendorRequest(request, index, [:], vendorPath))
            } else {
                response = AdminResponses.error(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)")
            }
            response.headers.replaceOrAdd(name: "Allow", value: allowed.joined(separator: ", "))
            return response
        case .notFound:
            if let (index, vendorPath) = vendorOwning(request.path) {
                return serveVendor(index, request, [:], vendorPath) { vendorRequest in
                    self.vendors[index].errorResponse(status: .notFound, request: vendorRequest)
                }
            }
            return AdminResponses.notFound(path: request.path, served: router.patterns)
        }
    }

    private func respond(to request: HTTPRequest, target: Target, parameters: [String: String]) -> HTTPResponse {
        switch target {
        case .listUsers(let index, let prefixed):
            let vendorPath = prefixed ? String(request.path.dropFirst(vendors[index].id.count + 1)) : request.path
            return serveVendor(index, request, parameters, vendorPath) { self.vendors[index].listUsers($0) }
        case .health:
            return AdminResponses.health
        case .spec:
            guard let vendor = parameters["vendor"], let spec = EmbeddedData.specs[vendor] else {
                return AdminResponses.error(.notFound, "no spec for vendor '\(parameters["vendor"] ?? "")'; known: \(vendors.map(\.id).joined(separator: ", "))")
            }
            return HTTPResponse(status: .ok, text: spec)
        case .vendors:
            return AdminResponses.vendorList(vendors: vendors, seeds: seeds, stores: stores)
        case .listFaults:
            return HTTPResponse(status: .ok, body: faults.listing.compactBytes)
        case .armFault:
            let json: JSONValue
            do { json = try JSONValue.parse(request.body) } catch {
                return AdminResponses.error(.badRequest, "body: \(error.description)")
            }
            do {
                let id = faults.arm(try FaultRule.read(json, knownVendors: vendors.map(\.id)))
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
                do { body = try JSONValue.parse(request.body) } catch {
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
        answer: (VendorRequest) -> HTTPResponse
    ) -> HTTPResponse {
        let vendor = vendors[index]
        let flags: FaultEffect
        let stripped: HTTPRequest?
        do { (flags, stripped) = try FaultFlags.extract(from: request) } catch {
            var response = AdminResponses.error(.badRequest, error.message)
            response.logMetadata["vendor"] = vendor.id
            return response
        }
        let effect = flags.merged(over: faults.effect(vendor: vendor.id, path: vendorPath))
        let forVendor = vendorRequest(stripped ?? request, index, parameters, vendorPath)
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

    func vendorRequest(_ request: HTTPRequest, _ index: Int, _ parameters: [String: String], _ vendorPath: String) -> VendorRequest {
        VendorRequest(
            http: request, parameters: parameters, vendorPath: vendorPath,
            users: stores[index].snapshot(), seed: seeds[index], acceptsAnyKey: acceptsAnyKey
        )
    }

    /// The vendor whose prefix or endpoint family the path belongs to, with the path as that vendor sees it.
    private func vendorOwning(_ path: String) -> (Int, String)? {
        for (index, vendor) in vendors.enumerated() where path.hasPrefix("/\(vendor.id)/") {
            return (index, String(path.dropFirst(vendor.id.count + 1)))
        }
        return nil
    }

    /// Users back to seeds; journal, armed faults and rate-limit counters cleared; `--faults` rules re-armed.
    public func reset() {
        for store in stores { store.reset() }
        journal.clear()
        faults.removeAll()
        for rule in startupFaults { faults.arm(rule) }
        rateLimiter.reset()
    }

    /// Records an answered request in the journal (admin calls are left out, so reading the journal
    /// does not fill it).
    func recordInJournal(_ exchange: HTTPExchange) {
        if let path = exchange.request?.path, path.hasPrefix("/__admin") { return }
        journal.record(exchange)
    }

    /// The store behind a vendor, for the admin API and tests.
    public func store(for vendorID: String) -> UserStore? {
        vendors.firstIndex { $0.id == vendorID }.map { stores[$0] }
    }

    /// The loaded seed of a vendor.
    public func seed(for vendorID: String) -> VendorSeed? {
        vendors.firstIndex { $0.id == vendorID }.map { seeds[$0] }
    }
}
