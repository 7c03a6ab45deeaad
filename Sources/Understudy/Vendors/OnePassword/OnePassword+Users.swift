public import HTTPCore

extension OnePassword {
    // MARK: - Authorization

    /// Checks the bearer credential (issued token, seed credential or `--any-key`), its permission and the
    /// account, in that order: 401, then 403, then 404 (vendor-notes/1password.md §1).
    private func authorize(_ request: VendorRequest, _ permission: Permission) throws(Failure) {
        guard try permissions(of: request).contains(permission) else { throw .permissionDenied }
        guard request.seed.accounts.contains(request.parameters["account_id"] ?? "") else { throw .accountNotFound }
    }

    /// What the credential may do. Issued tokens keep their client's permissions and expiry even under
    /// `--any-key`; seed admin credentials may do everything, member credentials nothing.
    func permissions(of request: VendorRequest) throws(Failure) -> Set<Permission> {
        let state = request.state(as: OnePasswordState.self)
        if state.holdsTokens, let credential = Self.bearerCredential(request.http) {
            switch state.lookup(credential) {
            case .live(let permissions): return permissions
            case .expired: throw .unauthenticated
            case .unknown: break
            }
        }
        switch request.authorize(schemes: ["Bearer"]) {
        case .missing, .wrongScheme, .unknownKey: throw .unauthenticated
        case .member: return []
        case .admin: return Permission.all
        }
    }

    /// The credential of `Authorization: Bearer <credential>` (scheme in any case, RFC 9110 §11.1).
    static func bearerCredential(_ http: HTTPRequest) -> String? {
        guard let raw = http.headers["Authorization"] else { return nil }
        let header = VendorRequest.trimmingSpaces(raw)
        // ASCII folding decides as `lowercased()` did (no non-ASCII letter lowercases into "bearer"),
        // without building a lowercased copy on every request.
        guard let value = AuthorizationValue(header), value.schemeIsIgnoringASCIICase("bearer") else { return nil }
        return String(value.credential)
    }

    // MARK: - Get, suspend, reactivate

    /// `GET …/accounts/{account_id}/users/{user}`: the user object (needs "get user").
    public func getUser(_ request: VendorRequest) -> HTTPResponse {
        do throws(Failure) {
            try authorize(request, .getUser)
            guard let user = request.users.user(id: request.parameters["user"] ?? "") else { throw .userNotFound }
            return .json(.ok, user.json)
        } catch {
            return error.response()
        }
    }

    /// `POST …/users/{user}:suspend` (needs "suspend users"). Any body is ignored: the docs say the endpoint
    /// accepts none. Idempotent: an already suspended user is returned unchanged.
    public func suspendUser(_ request: VendorRequest) -> HTTPResponse {
        changeState(request, suspend: true)
    }

    /// `POST …/users/{user}:reactivate` (needs "reactivate users"); idempotent like suspend.
    public func reactivateUser(_ request: VendorRequest) -> HTTPResponse {
        changeState(request, suspend: false)
    }

    private func changeState(_ request: VendorRequest, suspend: Bool) -> HTTPResponse {
        do throws(Failure) {
            try authorize(request, suspend ? .suspendUsers : .reactivateUsers)
            let id = request.parameters["user"] ?? ""
            let owners = request.state(as: OnePasswordState.self).ownerIDs
            let user = try request.store.update { (snapshot: inout UserStore.Snapshot) throws(Failure) -> StoredUser in
                guard let user = snapshot.user(id: id) else { throw .userNotFound }
                if user.isSuspended == suspend { return user }
                // Per vendor-notes/users-resource/1password.md §3: the last remaining owner cannot be suspended.
                if suspend {
                    let ownerIDs = Self.ownerIDs(owners, in: snapshot)
                    if ownerIDs.contains(id), !ownerIDs.contains(where: { $0 != id && snapshot.user(id: $0)?.isSuspended == false }) {
                        throw .noOwnerRemain
                    }
                }
                let changed = Self.user(user, suspended: suspend)
                _ = snapshot.replace(changed)
                return changed
            }
            return .json(.ok, user.json)
        } catch {
            return error.response()
        }
    }

    /// The seeded owners plus, for generated users (`--users`), generated user number 0 (always `ACTIVE`).
    static func ownerIDs(_ seeded: Set<String>, in snapshot: UserStore.Snapshot) -> [String] {
        var ids = Array(seeded)
        if let generated = snapshot.generated, generated.count > 0 { ids.append(generated.user(0).id) }
        return ids
    }

    /// `user` re-encoded with `state` changed, every other field and the field order kept.
    static func user(_ user: StoredUser, suspended: Bool) -> StoredUser {
        var writer = JSONWriter(capacity: user.json.count + 8)
        writer.object { object in
            for (key, value) in user.document.objectValue ?? [] {
                if key == "state" { object.string(key, suspended ? "SUSPENDED" : "ACTIVE") } else { object.value(key, value) }
            }
        }
        var changed = user
        changed.json = writer.bytes
        changed.isSuspended = suspended
        return changed
    }

    // MARK: - List users

    /// `GET …/accounts/{account_id}/users` (needs "list users").
    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        do { return try page(request) } catch { return error.response() }
    }

    private func page(_ request: VendorRequest) throws(Failure) -> HTTPResponse {
        try authorize(request, .listUsers)
        let account = request.parameters["account_id"] ?? ""
        let query = try Query(request.http)
        let users = request.users
        let scope = Self.pageTokenScope(account: account, filter: query.filter)
        var start = 0
        if let token = query.pageToken {
            // Canonical standard base64 without padding only: re-encoding must give the same text back.
            guard let sequence = PageToken.decode(base64: token, urlSafe: false, scope: scope) else { throw .invalidPageToken }
            start = users.firstIndex(after: sequence)
        }
        let (indices, hasMore) = switch query.filter {
        case nil: users.page(from: start, limit: query.pageSize)
        case .active: users.page(from: start, limit: query.pageSize) { !$0.isSuspended }
        case .suspended: users.page(from: start, limit: query.pageSize) { $0.isSuspended }
        }
        var writer = JSONWriter(capacity: 64 + indices.count * 288)  // users are ~230-250 bytes
        writer.raw(#"{"results":["#)
        for (position, index) in indices.enumerated() {
            if position > 0 { writer.comma() }
            users.appendJSON(at: index, to: &writer)
        }
        writer.raw("]")
        if hasMore, let last = indices.last {
            writer.raw(#","next_page_token":"#)
            writer.string(PageToken.text(sequence: users.sequence(at: last), scope: scope, urlSafe: false))
        }
        writer.raw("}")
        return .json(.ok, writer.bytes)
    }

    /// What a page token is signed for: `1password|<account>|<filter expression>`. Its bytes are
    /// copied into the string as it is made: the interpolation cost ~1 100 instructions on every
    /// list page, appending to a reserved string ~700.
    static func pageTokenScope(account: String, filter: Filter?) -> String {
        var account = account
        var filterText = filter?.rawValue ?? ""
        return account.withUTF8 { accountBytes in
            filterText.withUTF8 { filterBytes in
                String(unsafeUninitializedCapacity: 11 + accountBytes.count + filterBytes.count) { scope in
                    // Each copy returns how many bytes it wrote (the rebased buffer starts at 0).
                    var written = ("1password|" as StaticString).withUTF8Buffer { scope.initialize(fromContentsOf: $0) }
                    written += UnsafeMutableBufferPointer(rebasing: scope[written...]).initialize(fromContentsOf: accountBytes)
                    scope[written] = UInt8(ascii: "|")
                    written += 1
                    written += UnsafeMutableBufferPointer(rebasing: scope[written...]).initialize(fromContentsOf: filterBytes)
                    return written
                }
            }
        }
    }

    /// The two documented filter expressions; anything else is InvalidArgument (docs).
    enum Filter: String {
        case active = "user.isActive()"
        case suspended = "user.isSuspended()"
    }

    /// Query parameters as grpc-gateway populates them, then the handler's AIP-158 checks.
    struct Query {
        var filter: Filter?
        var pageSize = OnePassword.defaultPageSize
        var pageToken: String?

        init(_ http: HTTPRequest) throws(Failure) {
            // Gateway stage: each field takes one value (proto or JSON name); max_page_size must parse as int32.
            func single(_ field: String, _ alias: String) throws(Failure) -> String? {
                // One walk without building an array: a list request asks this three times.
                func named(_ item: HTTPRequest.QueryItem) -> Bool { item.name == field || item.name == alias }
                var first: String?
                for index in http.query.indices where named(http.query[index]) {
                    guard first == nil else { throw .tooManyValues(field: field, values: http.query.filter(named).map(\.value)) }
                    first = http.query[index].value
                }
                return first
            }
            // An empty string is a valid proto string (unset), but grpc-gateway v2 hands "" to
            // strconv.ParseInt for an int32 field, which fails: `max_page_size=` is a 400, not the default.
            let filterText = try single("filter", "filter").flatMap { $0.isEmpty ? nil : $0 }
            let sizeText = try single("max_page_size", "maxPageSize")
            var size: Int32?
            if let sizeText {
                switch GoStrconv.parseInt32(sizeText) {
                case .success(let value): size = value
                case .failure(let error): throw .parse(field: "max_page_size", value: sizeText, error: error)
                }
            }
            pageToken = try single("page_token", "pageToken").flatMap { $0.isEmpty ? nil : $0 }
            // Handler stage, AIP-158/160 order: filter, page size, page token (checked by the caller).
            if let filterText {
                guard let filter = Filter(rawValue: filterText) else { throw .invalidFilter }
                self.filter = filter
            }
            if let size {
                if size < 0 { throw .invalidPageSize }
                if size > 0 { pageSize = min(Int(size), OnePassword.maxPageSize) }
            }
        }
    }
}
