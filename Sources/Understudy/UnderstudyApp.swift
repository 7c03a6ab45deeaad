public import HTTPCore

/// The emulator as an ``HTTPHandler``: routes each request to a vendor or to the admin API, in
/// the session the request names. It can run behind ``UnderstudyServer`` or be called directly in
/// tests (no socket).
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
        case listSessions
        case createSession
        case deleteSessions
        case deleteSession
        case resetSession
        case dashboard
        case events
        case report
    }

    /// Every session: the default one (today's behaviour) and those clients name.
    let sessions: SessionBook
    /// Every vendor of the default session with its seed, store and state, in registry order.
    public var records: [VendorRecord] { sessions.defaultSession.records }
    /// Faults armed in the default session through the admin API or `serve --faults`.
    public var faults: FaultBook { sessions.defaultSession.faults }
    /// The default session's last requests (`GET /__admin/requests`).
    public var journal: RequestJournal { sessions.defaultSession.journal }
    let acceptsAnyKey: Bool
    let adminAuthorization: String?
    let startupFaults: [FaultRule]
    let runtimeUserCounter = Counter()
    let router: Router<Target>
    /// Listeners of `GET /__admin/events` (the live dashboard, `curl -N`).
    public let events = EventHub()
    /// Every vendor's record as loaded from the seeds (the default session's), in registry order.
    let baseRecords: [VendorRecord]
    /// Per vendor (registry order), its magic credentials by `Authorization` value.
    var magicCredentials: [[String: MagicCredential]] { baseRecords.map(\.magicCredentials) }

    /// The header naming a session (one of the three ways in, with `/__session/NAME/…` and session credentials).
    static let sessionHeader = "X-Understudy-Session"
    static let sessionPrefix = "/__session/"

    /// Loads every vendor's seeds from `configuration.seedsDirectory` (a bad file throws here); the
    /// embedded seeds load per vendor on first use instead (``VendorRecord``).
    public init(configuration: UnderstudyServer.Configuration = .init(), vendors: [any VendorAPI] = VendorRegistry.all) throws {
        let context = VendorContext(tokenTTL: configuration.tokenTTL, acceptsAnyKey: configuration.acceptsAnyKey)
        // Embedded seeds load on first use (see ``VendorRecord``); files and populations now, so they fail start-up.
        let loadsOnFirstUse = configuration.seedsDirectory == nil && configuration.generation == nil
        var records: [VendorRecord] = []
        for vendor in vendors {
            if loadsOnFirstUse, EmbeddedData.hasSeed(vendor.id) {
                records.append(VendorRecord(api: vendor, loadingOnFirstUse: {
                    do { return try Self.load(vendor, configuration: configuration, context: context) } catch {
                        fatalError("the embedded seed for \(vendor.id) does not load (the seed tests catch this): \(error)")
                    }
                }))
            } else {
                records.append(VendorRecord(api: vendor, loaded: try Self.load(vendor, configuration: configuration, context: context)))
            }
        }
        acceptsAnyKey = configuration.acceptsAnyKey
        adminAuthorization = configuration.adminToken.map { "Bearer \($0)" }
        startupFaults = configuration.faultRules
        let baseRecords = records
        let faultRules = configuration.faultRules
        let rateLimits = configuration.rateLimits
        let journalSize = configuration.journalSize
        let journalBytes = configuration.journalBytes
        @Sendable func makeSession(_ name: String) -> Session {
            var credentials: [String: [VendorSeed.Credential]] = [:]
            // The default session serves the base records themselves (still unloaded at start-up).
            let sessionRecords = name == Session.defaultName ? baseRecords : baseRecords.map { base in
                var seed = base.seed
                let bound = DerivedCredentials.session(name, seed: base.seed, vendor: base.id)
                credentials[base.id] = bound
                seed.credentials += bound
                // The seed built this state once already, so building it again cannot fail.
                let state = (try? base.api.makeState(seed: seed, context: context)) ?? nil
                let store = UserStore(startingAs: base.store.initialSnapshot)
                return VendorRecord(api: base.api, seed: seed, store: store, state: state, operations: base.operations)
            }
            let faults = FaultBook()
            for rule in faultRules { faults.arm(rule) }
            return Session(name: name, records: sessionRecords, faults: faults, journal: RequestJournal(capacity: journalSize, byteLimit: journalBytes),
                           rateLimiter: RateLimiter(limits: rateLimits), credentials: credentials)
        }
        sessions = SessionBook(
            defaultSession: makeSession(Session.defaultName), maxSessions: configuration.maxSessions,
            idleMilliseconds: Int64(configuration.sessionIdleMilliseconds), make: makeSession
        )
        router = Self.makeRouter(records)
        self.baseRecords = records
    }

    /// Reads `vendor`'s seed and builds its store (seeded or generated) and state.
    private static func load(
        _ vendor: any VendorAPI, configuration: UnderstudyServer.Configuration, context: VendorContext
    ) throws(SeedError) -> VendorRecord.Contents {
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
        return VendorRecord.Contents(seed: seed, store: store, state: state)
    }

    private static func makeRouter(_ records: [VendorRecord]) -> Router<Target> {
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
        router.add("GET", "/__admin/sessions", .listSessions)
        router.add("POST", "/__admin/sessions", .createSession)
        router.add("DELETE", "/__admin/sessions", .deleteSessions)
        router.add("DELETE", "/__admin/sessions/{name}", .deleteSession)
        router.add("POST", "/__admin/sessions/{name}/reset", .resetSession)
        router.add("GET", "/__admin", .dashboard)
        router.add("GET", "/__admin/", .dashboard)
        router.add("GET", "/__admin/events", .events)
        router.add("GET", "/__admin/report", .report)
        for (index, record) in records.enumerated() {
            for (number, operation) in record.operations.enumerated() {
                router.add(operation.method, operation.path, .vendor(index, operation: number, prefixed: false))
                router.add(operation.method, "/\(record.id)\(operation.path)", .vendor(index, operation: number, prefixed: true))
            }
        }
        return router
    }

    public func handle(_ incoming: HTTPRequest) -> HTTPResponse {
        // Authorization and routing decide on the same path: `//__admin`, `/%2F__admin` and
        // `/x/../__admin` are all `/__admin` to both (issue 11: the token was bypassable).
        let normalized = Self.normalizedPathIfChanged(incoming.path)
        // Most requests arrive normalised and outside a session prefix: they are served as they
        // came, since a copy of the request is a retain and a release per reference it holds.
        guard normalized != nil || incoming.path.hasPrefix(Self.sessionPrefix) else {
            return handle(normalized: incoming, sessionName: nil)
        }
        var request = incoming
        if let normalized { request.path = normalized }
        var sessionName: String?
        if request.path.hasPrefix(Self.sessionPrefix) {
            let rest = request.path.dropFirst(Self.sessionPrefix.count)
            let name = rest.prefix { $0 != "/" }
            sessionName = String(name)
            let remainder = rest.dropFirst(name.count)
            request.path = remainder.isEmpty ? "/" : String(remainder)
        }
        return handle(normalized: request, sessionName: sessionName)
    }

    /// A request whose path is normalised and without its `/__session/NAME` prefix (named `sessionName`).
    private func handle(normalized request: HTTPRequest, sessionName: String?) -> HTTPResponse {
        var sessionName = sessionName
        let isAdmin = Self.isAdminPath(request.path)
        // `?token=` is for the dashboard page and EventSource, which cannot send headers (issue 15).
        if let adminAuthorization, isAdmin, request.headers["Authorization"] != adminAuthorization,
           !Self.queryCarriesToken(request, authorization: adminAuthorization) {
            var response = AdminResponses.error(.unauthorized, "the admin API requires Authorization: Bearer <admin token> (serve --admin-token)")
            response.headers.add(name: "WWW-Authenticate", value: "Bearer")
            response.logMetadata["admin"] = "true"
            return response
        }
        if sessionName == nil, let named = request.headers[Self.sessionHeader] { sessionName = VendorRequest.trimmingSpaces(named) }
        let session: Session
        if let sessionName {
            do { session = try sessions.session(named: sessionName).0 } catch {
                var response = AdminResponses.sessionRefusal(error)
                if isAdmin { response.logMetadata["admin"] = "true" }
                return response
            }
        } else if !isAdmin, let bound = sessions.session(forAuthorization: request.headers["Authorization"]) {
            session = bound
        } else {
            session = sessions.defaultSession
        }
        var response = route(request, in: session)
        let wrote = response.logMetadata["wrote"]
        if wrote != nil { response.logMetadata["wrote"] = nil }
        session.touch(wroteTo: wrote)
        if !session.isDefault { response.logMetadata["session"] = session.name }
        if isAdmin { response.logMetadata["admin"] = "true" }
        return response
    }

    private func route(_ request: HTTPRequest, in session: Session) -> HTTPResponse {
        switch router.match(method: request.method, path: request.path) {
        case .found(let target, let parameters):
            if case .vendor(let index, let number, let prefixed) = target {
                let operation = session.records[index].operations[number]
                return serveVendor(index, request, parameters, vendorPath(request.path, index, prefixed: prefixed),
                                   in: session, operation: operation, answer: operation.handler)
            }
            return respondToAdmin(request, target: target, parameters: parameters, in: session)
        case .methodNotAllowed(let allowed, let owner):
            var response: HTTPResponse
            // The path is a vendor's (one of its routes, or under its prefix): the vendor renders its own 405.
            let ownerVendor: (Int, String)? = if case .vendor(let index, _, let prefixed) = owner {
                (index, vendorPath(request.path, index, prefixed: prefixed))
            } else {
                vendorOwning(request.path)
            }
            if let (index, vendorPath) = ownerVendor {
                response = records[index].api.errorResponse(
                    status: .methodNotAllowed, request: vendorRequest(request, session.records[index], [:], vendorPath, operation: nil))
                response.logMetadata["vendor"] = records[index].id
            } else {
                response = AdminResponses.error(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)")
            }
            response.headers.replaceOrAdd(name: "Allow", value: allowed.joined(separator: ", "))
            return response
        case .notFound:
            if let (index, vendorPath) = vendorOwning(request.path) {
                let api = records[index].api
                return serveVendor(index, request, [:], vendorPath, in: session, operation: nil) { vendorRequest in
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
        let index: Int, parameters: RouteParameters, vendorPath: String, operation: VendorOperation?
        if case .found(.vendor(let found, let number, let prefixed), let values) = router.match(method: request.method, path: request.path) {
            (index, parameters, operation) = (found, values, records[found].operations[number])
            vendorPath = self.vendorPath(request.path, found, prefixed: prefixed)
        } else if let (found, path) = vendorOwning(request.path) {
            (index, parameters, vendorPath, operation) = (found, [:], path, nil)
        } else {
            return nil
        }
        var response = records[index].api.errorResponse(status: status, request: vendorRequest(request, index, parameters, vendorPath, operation: operation))
        response.logMetadata["vendor"] = records[index].id
        return response
    }

    /// Runs a vendor request through the fault layer: magic credentials, per-request flags
    /// (stripped before the vendor sees the query) over armed rules, rate limits; an injected
    /// status is rendered by the vendor.
    private func serveVendor(
        _ index: Int, _ request: HTTPRequest, _ parameters: RouteParameters, _ vendorPath: String,
        in session: Session, operation: VendorOperation?, answer: (VendorRequest) -> HTTPResponse
    ) -> HTTPResponse {
        let record = session.records[index]
        let vendor = record.api
        let extracted: FaultFlags.Extracted
        do { extracted = try FaultFlags.extract(from: request) } catch {
            var response = AdminResponses.error(.badRequest, error.message)
            response.logMetadata["vendor"] = vendor.id
            return response
        }
        let authorization = request.headers["Authorization"] ?? ""
        var effect = extracted.effect.merged(over: session.faults.effect(vendor: vendor.id, method: request.method, path: vendorPath))
        // The request as the vendor sees it: `nil` while that is `request` itself, so the common case
        // makes its one copy (into the vendor request) and no other.
        var rewritten = extracted.stripped
        // Magic credentials are the default seed's, in every session.
        let magic = baseRecords[index].magicCredential(authorization)
        if let magic {
            // Magic credentials win over everything but explicit flags: they work in every session and
            // whatever `--any-key` says. The delayed one is answered as the vendor's admin key.
            effect = effect.merged(over: FaultEffect(status: magic.status, delayMilliseconds: magic.delayMilliseconds))
            if magic.status == nil, let admin = record.seed.credential(for: .admin) {
                if rewritten == nil { rewritten = request }
                rewritten!.headers.replaceOrAdd(name: "Authorization", value: admin.authorization)
            }
        }
        let forVendor = if let rewritten {
            vendorRequest(rewritten, record, parameters, vendorPath, operation: operation)
        } else {
            vendorRequest(request, record, parameters, vendorPath, operation: operation)
        }
        var response: HTTPResponse
        if let status = effect.status {
            response = vendor.errorResponse(status: HTTPStatus(code: status), request: forVendor)
            if status == 429, magic != nil, vendor.sendsRetryAfter { response.headers.replaceOrAdd(name: "Retry-After", value: "1") }
        } else if !session.rateLimiter.limits.isEmpty, let limit = session.rateLimiter.take(vendor: vendor.id, credential: authorization) {
            // (Checked first: `take` reads the clock before it knows whether the vendor is limited.)
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
            response.logMetadata["fault"] = magic.map { "magic-\($0.effect)" } ?? effect.summary
        }
        if !extracted.unknownFlags.isEmpty {
            let warning = FaultFlags.warning(for: extracted.unknownFlags)
            response.headers.add(name: "X-Understudy-Warning", value: warning)
            response.logMetadata["warning"] = warning
        }
        if let operation {
            response.logMetadata["operation"] = operation.name
            if operation.writes, response.status.code < 400 { response.logMetadata["wrote"] = vendor.id }
        }
        response.logMetadata["vendor"] = vendor.id
        return response
    }

    func vendorRequest(
        _ request: HTTPRequest, _ record: VendorRecord, _ parameters: RouteParameters, _ vendorPath: String, operation: VendorOperation?
    ) -> VendorRequest {
        VendorRequest(
            http: request, parameters: parameters, vendorPath: vendorPath,
            store: record.store, state: record.state, seed: record.seed, acceptsAnyKey: acceptsAnyKey,
            operation: operation?.name, version: operation?.version ?? record.api.defaultVersion
        )
    }

    /// A vendor request in the default session (for tests of a vendor's error rendering).
    func vendorRequest(
        _ request: HTTPRequest, _ index: Int, _ parameters: RouteParameters, _ vendorPath: String, operation: VendorOperation?
    ) -> VendorRequest {
        vendorRequest(request, records[index], parameters, vendorPath, operation: operation)
    }

    /// The path as vendor `index` sees it: without its `/<vendor id>` prefix when the route had one.
    private func vendorPath(_ path: String, _ index: Int, prefixed: Bool) -> String {
        prefixed ? String(path.dropFirst(records[index].id.count + 1)) : path
    }

    /// The vendor whose prefix or endpoint family the path belongs to, with the path as that vendor sees it.
    private func vendorOwning(_ path: String) -> (Int, String)? {
        for (index, record) in records.enumerated() where path.hasPrefix("/\(record.id)/") {
            return (index, String(path.dropFirst(record.id.count + 1)))
        }
        return nil
    }

    /// `path` with empty and `.` segments dropped and `..` resolved (RFC 3986 §5.2.4), so every
    /// spelling of a path reaches the same decision.
    static func normalizedPath(_ path: String) -> String { normalizedPathIfChanged(path) ?? path }

    /// ``normalizedPath(_:)`` when it differs from `path`; `nil` for a path that is already normal.
    static func normalizedPathIfChanged(_ path: String) -> String? {
        // On the contiguous bytes: a `String.UTF8View` walk cost ~25 instructions a byte, and every
        // request's path is checked (callgrind: 950 per Factory page, for a path already normal).
        let clean = path.utf8.withContiguousStorageIfAvailable(isAlreadyNormal)
            ?? Array(path.utf8).withUnsafeBufferPointer(isAlreadyNormal)
        if clean { return nil }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Whether ``normalizedPathIfChanged(_:)`` may return the path as it is: it starts with `/` and
    /// has no `//` and no segment starting with `.` (a trailing `/` is left alone, as routing ignores it).
    static func isAlreadyNormal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first == UInt8(ascii: "/") else { return false }
        for index in 1..<bytes.count where bytes[index - 1] == UInt8(ascii: "/") {
            if bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: ".") { return false }
        }
        return true
    }

    /// Whether a normalised path belongs to the admin API.
    static func isAdminPath(_ path: String) -> Bool { path.hasPrefix("/__admin") }

    /// The default session back to its start: users and vendor state to seeds; journal, armed faults
    /// and rate-limit counters cleared; `--faults` rules re-armed. Other sessions are untouched.
    public func reset() { sessions.defaultSession.reset(rearming: startupFaults) }

    /// Records an answered request in its session's journal (admin calls are left out, so reading
    /// the journal does not fill it).
    func recordInJournal(_ exchange: consuming HTTPExchange) {
        if exchange.metadata["admin"] != nil { return }
        let target: RequestJournal
        if let name = exchange.metadata["session"] {
            guard let session = try? sessions.session(named: name, create: false).0 else { return }
            target = session.journal
        } else if exchange.metadata["vendor"] == nil, let path = exchange.request?.path, Self.isAdminPath(Self.normalizedPath(path)) {
            // A vendor answered it, so it is not an admin call: only untagged exchanges need the path check.
            return
        } else {
            target = journal
        }
        // Rendered only for live listeners, so without a dashboard open the hot path is unchanged.
        let listening = events.hasListeners
        let sessionName = listening ? exchange.metadata["session"] ?? Session.defaultName : ""
        if let entry = target.append(consume exchange, returningEntry: listening) {
            events.publish(RequestJournal.render(entry), session: sessionName)
        }
    }

    /// A vendor's record (API, seed, store, state) in the default session, for the admin API and tests.
    public func record(for vendorID: String) -> VendorRecord? {
        records.first { $0.id == vendorID }
    }

    /// The store behind a vendor, for the admin API and tests.
    public func store(for vendorID: String) -> UserStore? { record(for: vendorID)?.store }

    /// The loaded seed of a vendor.
    public func seed(for vendorID: String) -> VendorSeed? { record(for: vendorID)?.seed }

    /// The session called `name` (started if new); `default` is the default session.
    public func session(_ name: String) throws -> Session {
        do { return try sessions.session(named: name).0 } catch {
            throw UserChangeError(status: .badRequest, message: AdminResponses.sessionRefusalMessage(error))
        }
    }
}
