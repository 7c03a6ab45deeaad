extension OpenAIAdmin {
    /// The 2.3.0 `User` members in the order they are encoded (the spec's property order).
    static let userKeys = [
        "object", "id", "name", "email", "role", "added_at", "is_default", "created", "user", "is_service_account",
        "is_scale_tier_authorized_purchaser", "is_scim_managed", "api_key_last_used_at", "technical_level",
        "developer_persona", "projects",
    ]

    /// Roles a stored user may carry: spec 2.3.0 documents "`owner` or `reader`".
    static let storedRoles = ["owner", "reader"]

    // MARK: - Seeds and the admin API

    /// Validates a 2.3.0 `User` (seed file, generated user or admin API body) and encodes it once.
    /// Only `object`, `id` and `added_at` are required; every other member is written when present,
    /// `null` where the spec allows it, always in ``userKeys`` order.
    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(Self.userKeys)
        _ = try fields.oneOf("object", ["organization.user"])
        let id = try fields.string("id")
        _ = try fields.int("added_at")
        let email = try fields.nullableString("email", required: false)
        if let role = try fields.nullableString("role", required: false), !Self.storedRoles.contains(role) {
            throw SeedError(path: "\(path).role", problem: "'\(role)' is not one of owner, reader")
        }
        var writer = JSONWriter(capacity: 512)
        var problem: SeedError?
        writer.object { user in
            do throws(SeedError) {
                for key in Self.userKeys {
                    guard let value = fields.value(key) else { continue }
                    let place = "\(path).\(key)"
                    switch key {
                    case "object", "id": break
                    case "name", "email", "role", "technical_level", "developer_persona": try Self.check(value, .nullableString, place)
                    case "added_at", "created": try Self.check(value, .integer, place)
                    case "is_default", "is_service_account", "is_scim_managed": try Self.check(value, .boolean, place)
                    case "is_scale_tier_authorized_purchaser": try Self.check(value, .nullableBoolean, place)
                    case "api_key_last_used_at": try Self.check(value, .nullableInteger, place)
                    case "user": try Self.checkNestedUser(value, place)
                    default: try Self.checkProjects(value, place)
                    }
                    user.value(key, value)
                }
            } catch {
                problem = error
            }
        }
        if let problem { throw problem }
        return StoredUser(id: id, email: email?.lowercased() ?? "", json: writer.bytes)
    }

    enum FieldType: String {
        case nullableString = "a string or null"
        case integer = "an integer"
        case nullableInteger = "an integer or null"
        case boolean = "a boolean"
        case nullableBoolean = "a boolean or null"
    }

    static func check(_ value: JSONValue, _ type: FieldType, _ path: String) throws(SeedError) {
        let ok = switch type {
        case .nullableString: value.isNull || value.stringValue != nil
        case .integer: value.intValue != nil
        case .nullableInteger: value.isNull || value.intValue != nil
        case .boolean: value.boolValue != nil
        case .nullableBoolean: value.isNull || value.boolValue != nil
        }
        guard ok else { throw SeedError(path: path, problem: "expected \(type.rawValue), found \(value.typeName)") }
    }

    /// `user`: `{object:"user", id, email?, name?, picture?, enabled?, banned?, banned_at?}` (spec 2.3.0).
    static func checkNestedUser(_ value: JSONValue, _ path: String) throws(SeedError) {
        let fields = try SeedFields(value, path: path)
        try fields.rejectUnknownKeys(["object", "id", "email", "name", "picture", "enabled", "banned", "banned_at"])
        _ = try fields.oneOf("object", ["user"])
        _ = try fields.string("id")
        for key in ["email", "name", "picture"] { if let member = fields.value(key) { try check(member, .nullableString, "\(path).\(key)") } }
        for key in ["enabled", "banned"] { if let member = fields.value(key) { try check(member, .nullableBoolean, "\(path).\(key)") } }
        if let member = fields.value("banned_at") { try check(member, .nullableInteger, "\(path).banned_at") }
    }

    /// `projects`: `null` or `{object:"list", data:[{id, name, role}]}`, each item member a nullable string.
    static func checkProjects(_ value: JSONValue, _ path: String) throws(SeedError) {
        if value.isNull { return }
        let fields = try SeedFields(value, path: path)
        try fields.rejectUnknownKeys(["object", "data"])
        _ = try fields.oneOf("object", ["list"])
        guard let items = fields.value("data")?.arrayValue else {
            throw SeedError(path: "\(path).data", problem: "expected an array of projects")
        }
        for (index, item) in items.enumerated() {
            let project = try SeedFields(item, path: "\(path).data[\(index)]")
            try project.rejectUnknownKeys(["id", "name", "role"])
            for key in ["id", "name", "role"] {
                if let member = project.value(key) { try check(member, .nullableString, "\(project.path).\(key)") }
            }
        }
    }

    /// The user's organization role read straight from its pre-encoded bytes (no parse): the
    /// top-level `role` is always followed by the required `added_at`, which a project's `role` never is.
    static func isOwner(_ user: StoredUser) -> Bool {
        user.json.firstRange(of: ownerMarker) != nil
    }

    private static let ownerMarker = Array(#""role":"owner","added_at":"#.utf8)

    /// The stored user with some top-level members replaced, re-validated and re-encoded.
    static func replacing(_ members: [(String, JSONValue)], in user: StoredUser, vendor: OpenAIAdmin) -> StoredUser? {
        var document = user.document.objectValue ?? []
        for (key, value) in members {
            if let index = document.firstIndex(where: { $0.0 == key }) { document[index].1 = value } else { document.append((key, value)) }
        }
        return try? vendor.makeUser(from: .object(document), path: "user")
    }

    // MARK: - Generated users

    public var syntheticIDFormat: SyntheticIDFormat {
        SyntheticIDFormat(prefix: "user-", alphabet: SyntheticIDFormat.base62, length: 24)
    }

    /// A realistic mix, cheap to build: mostly readers with an owner first and a few more owners;
    /// about 3 % service accounts (no email, no picture, never SCIM); about a third SCIM-managed;
    /// most users in one to three of a fixed set of projects.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let isOwner = person.number == 0 || person.chance(0.06)
        let isServiceAccount = person.number != 0 && person.chance(0.03)
        let name = isServiceAccount ? "svc-\(person.lastName.lowercasedASCII)-\(person.number)" : "\(person.firstName) \(person.lastName)"
        let email: JSONValue = isServiceAccount ? .null : .string(person.email)
        let created = max(person.createdAt - person.next(86_400 * 30), 0)
        let lastKeyUse = person.chance(0.4) ? JSONValue.null : Self.number(person.later(by: 30_000_000))
        let isSCIM = !isServiceAccount && person.chance(0.35)
        let picture: JSONValue = isServiceAccount ? .null : .string("https://s.gravatar.com/avatar/\(person.id.dropFirst(5).lowercased())?s=480&r=pg&d=identicon")
        var projects: [JSONValue] = []
        for index in 0..<(isServiceAccount ? 1 : person.next(4)) {
            let project = Self.syntheticProjects[(person.next(Self.syntheticProjects.count) + index) % Self.syntheticProjects.count]
            guard !projects.contains(where: { $0["id"]?.stringValue == project.id }) else { continue }
            let role = isOwner || person.chance(0.2) ? "owner" : "member"
            projects.append(.object([("id", .string(project.id)), ("name", .string(project.name)), ("role", .string(role))]))
        }
        let levels = ["beginner", "intermediate", "advanced"]
        let personas = ["builder", "researcher", "data_scientist", "product_manager"]
        return .object([
            ("object", .string("organization.user")),
            ("id", .string(person.id)),
            ("name", .string(name)),
            ("email", email),
            ("role", .string(isOwner ? "owner" : "reader")),
            ("added_at", Self.number(person.createdAt)),
            ("is_default", .bool(person.number == 0)),
            ("created", Self.number(created)),
            ("user", .object([
                ("object", .string("user")), ("id", .string(person.id)), ("email", email), ("name", .string(name)),
                ("picture", picture), ("enabled", .bool(true)), ("banned", .bool(false)), ("banned_at", .null),
            ])),
            ("is_service_account", .bool(isServiceAccount)),
            ("is_scale_tier_authorized_purchaser", isOwner ? .bool(person.chance(0.5)) : .null),
            ("is_scim_managed", .bool(isSCIM)),
            ("api_key_last_used_at", lastKeyUse),
            ("technical_level", isServiceAccount || person.chance(0.5) ? .null : .string(levels[person.next(levels.count)])),
            ("developer_persona", isServiceAccount || person.chance(0.5) ? .null : .string(personas[person.next(personas.count)])),
            ("projects", .object([("object", .string("list")), ("data", .array(projects))])),
        ])
    }

    static func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }

    static let syntheticProjects: [(id: String, name: String)] = [
        ("proj_Kq8s2XbN4vTzL0pWcR7yHd3M", "Default project"),
        ("proj_9fGtY3uVn6QeZr1AkP5sJw2B", "Support Assistant"),
        ("proj_Xa4LmC7oD2hKy8TqB0vFe6Rn", "Search Relevance"),
        ("proj_T3wPz9NcQ1jGv5Ys8KbH0dLm", "Data Platform"),
        ("proj_bH6rE2kWs9XyU4fMa7CqN1Zt", "Internal Tools"),
    ]
}
