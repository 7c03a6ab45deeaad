public import HTTPCore

extension PandaDoc {
    // MARK: - listUsers

    public func listUsers(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            // DRF order: authentication, permissions, (throttles), then the view parses its parameters.
            try Self.authenticateAdmin(request)
            let query = try Query(request.http, maxCount: Self.maxCount, minCount: 0, minPage: 0)
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
            var writer = JSONWriter(capacity: 32 + indices.count * 448)  // seeded users average ~320 bytes, up to ~410
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
    }

    /// Offset paging parameters validated together like a DRF serializer: every bad field is reported.
    struct Query {
        var count = PandaDoc.defaultCount
        var page = 1
        var showRemoved = true

        init(_ http: HTTPRequest, maxCount: Int, minCount: Int, minPage: Int, readsShowRemoved: Bool = true) throws(Failure) {
            var problems: [(field: String, message: String)] = []
            // Django's QueryDict.get returns the last value; DRF drops blank optional fields.
            func value(_ name: String) -> String? {
                guard let last = http.lastQueryValue(name), !last.isEmpty else { return nil }
                return last
            }
            if let text = value("count") {
                switch PandaDoc.integer(text, min: minCount, max: maxCount) {
                case .success(let number): count = number
                case .failure(let message): problems.append(("count", message.text))
                }
            }
            if let text = value("page") {
                switch PandaDoc.integer(text, min: minPage, max: PandaDoc.maxPage) {
                case .success(let number): page = max(number, 1)  // page=0 reads as the first page
                case .failure(let message): problems.append(("page", message.text))
                }
            }
            if readsShowRemoved, let text = value("show_removed") {
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

    // MARK: - detailsUser

    /// `GET /public/v1/users/{user_id}`: the list item, byte for byte (removed users included, as the list's default).
    public func detailsUser(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            guard let user = request.users.user(id: request.parameters["user_id"] ?? "") else { throw .notFound }
            return .json(.ok, user.json)
        }
    }

    // MARK: - createUser

    /// `POST /public/v1/users`: a new user, last in the list, with one membership per requested workspace.
    public func createUser(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            let state = request.state(as: PandaDocState.self)
            let body = try Body(request.http)
            let draft = try NewUser(body, state: state)
            let now = PandaDocState.now()
            let user = try request.store.update { (snapshot: inout UserStore.Snapshot) throws(Failure) -> User in
                // Checked under the store's lock so two concurrent creates cannot both pass.
                if Self.emailExists(draft.email, in: snapshot) {
                    var errors = FieldErrors()
                    errors.add("email", Failure.userExistsMessage)
                    throw .fields(errors)
                }
                // Fresh ids never collide with generated ones; a user added through the admin API could still hold one.
                var ids = state.makeIDs(1 + draft.workspaces.count)
                while snapshot.contains(id: ids[0]) { ids = state.makeIDs(1 + draft.workspaces.count) }
                let user = User(
                    userID: ids[0], email: draft.email, firstName: draft.firstName, lastName: draft.lastName,
                    phoneNumber: draft.phoneNumber,
                    license: draft.license == "Guest" && draft.workspaces.contains { $0.role != "Collaborator" } ? "Full" : draft.license,
                    isOrganizationOwner: false,
                    workspaces: zip(draft.workspaces, ids.dropFirst()).map { Membership(role: $0.role, workspaceID: $0.workspaceID, membershipID: $1) })
                _ = snapshot.append(user.stored)
                state.recordNewMemberships(user.workspaces, userID: user.userID, at: now)
                return user
            }
            // Key order of the spec's 201 example: workspaces, then user_id.
            var writer = JSONWriter()
            writer.object { root in
                var list = JSONWriter()
                list.raw("[")
                for (index, membership) in user.workspaces.enumerated() {
                    if index > 0 { list.comma() }
                    list.object { entry in
                        entry.string("workspace_id", membership.workspaceID)
                        entry.string("role", membership.role)
                        entry.string("member_id", membership.membershipID)
                    }
                }
                list.raw("]")
                root.raw("workspaces", list.bytes)
                root.string("user_id", user.userID)
            }
            return .json(.created, writer.bytes)
        }
    }

    /// Whether a user (removed or not) already has this email; no scan of generated users.
    static func emailExists(_ email: String, in users: UserStore.Snapshot) -> Bool {
        !users.page(from: 0, limit: 1, emails: [email.lowercased()]).indices.isEmpty
    }

    /// A validated `CreateUserRequest`; every problem is collected first, DRF-style, keyed as the spec's 400 example.
    struct NewUser {
        var email = ""
        var firstName = ""
        var lastName = ""
        var phoneNumber = ""
        var license = ""
        var workspaces: [(workspaceID: String, role: String)] = []

        init(_ body: Body, state: PandaDocState) throws(Failure) {
            var errors = FieldErrors()
            readUser(body.value("user"), state: state, errors: &errors)
            switch body.value("license") {
            case nil: errors.add("license", Failure.requiredMessage)
            case .null?: errors.add("license", Failure.nullMessage)
            case .string(let text)? where PandaDoc.licenses.contains(text): license = text
            default: errors.add("license", Failure.invalidLicenseMessage)
            }
            readWorkspaces(body.value("workspaces"), state: state, errors: &errors)
            try errors.check()
        }

        private mutating func readUser(_ value: JSONValue?, state: PandaDocState, errors: inout FieldErrors) {
            guard let value else { return errors.add("user", Failure.requiredMessage) }
            if value.isNull { return errors.add("user", Failure.nullMessage) }
            guard let object = value.objectValue else {
                return errors.add("user", Failure.notDictionaryMessage(Body.pythonType(value)))
            }
            let user = Body(object: object)
            for (key, allowBlank) in [("first_name", true), ("last_name", true), ("phone_number", true)] {
                guard let field = user.value(key) else { continue }
                switch Body.string(field, allowBlank: allowBlank) {
                case .failure(let message): errors.add(key, message.text)
                case .success(let text):
                    switch key {
                    case "first_name": firstName = text
                    case "last_name": lastName = text
                    default:
                        if !text.isEmpty, !PandaDoc.isValidPhone(text) { errors.add(key, Failure.invalidPhoneMessage) }
                        phoneNumber = text
                    }
                }
            }
            guard let field = user.value("email") else { return errors.add("email", Failure.requiredMessage) }
            switch Body.string(field, allowBlank: false) {
            case .failure(let message): errors.add("email", message.text)
            case .success(let text):
                if !PandaDoc.isValidEmail(text) { return errors.add("email", Failure.invalidEmailMessage) }
                let domain = text[text.index(after: text.lastIndex(of: "@")!)...].lowercased()
                if let required = state.emailDomain, domain != required { return errors.add("email", Failure.emailDomainMessage) }
                email = text
            }
        }

        private mutating func readWorkspaces(_ value: JSONValue?, state: PandaDocState, errors: inout FieldErrors) {
            guard let value else { return errors.add("workspaces", Failure.requiredMessage) }
            if value.isNull { return errors.add("workspaces", Failure.nullMessage) }
            guard let list = value.arrayValue else {
                return errors.add("workspaces", Failure.notListMessage(Body.pythonType(value)))
            }
            if list.isEmpty { return errors.add("workspaces", Failure.emptyListMessage) }
            for entry in list {
                guard let object = entry.objectValue else {
                    errors.add("workspaces", Failure.notDictionaryMessage(Body.pythonType(entry)))
                    continue
                }
                let item = Body(object: object)
                var workspaceID: String?
                switch item.value("workspace_id") {
                case nil: errors.add("workspace_id", Failure.requiredMessage)
                case let field?:
                    switch Body.string(field, allowBlank: false) {
                    case .failure(let message): errors.add("workspace_id", message.text)
                    case .success(let id):
                        if state.workspace(id) == nil { errors.add("workspace_id", Failure.workspaceNotFoundMessage(id)) } else { workspaceID = id }
                    }
                }
                var role: String?
                switch item.value("role") {
                case nil: errors.add("role", Failure.requiredMessage)
                case .null?: errors.add("role", Failure.nullMessage)
                case .string(let text)? where PandaDoc.roles.contains(text): role = text
                default: errors.add("role", Failure.invalidRoleMessage)
                }
                // The same workspace twice: the first entry wins.
                if let workspaceID, let role, !workspaces.contains(where: { $0.workspaceID == workspaceID }) {
                    workspaces.append((workspaceID, role))
                }
            }
        }
    }
}
