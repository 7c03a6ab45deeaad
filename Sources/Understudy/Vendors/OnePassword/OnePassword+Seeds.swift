extension OnePassword {
    // MARK: - Generated users

    /// About 1 in 8 suspended, as in the default seeds.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let account = seed.accounts.first ?? "UNDERSTUDYTESTACCOUNT00001"
        return .object([
            ("id", .string(person.id)),
            ("email", .string(person.email)),
            ("display_name", .string("\(person.firstName) \(person.lastName)")),
            ("state", .string(person.number != 0 && person.chance(0.12) ? "SUSPENDED" : "ACTIVE")),
            ("create_time", .string(SyntheticPerson.iso8601(person.createdAt))),
            ("path", .string("accounts/\(account)/users/\(person.id)")),
        ])
    }

    // MARK: - Seeds

    public func makeUser(from object: JSONValue, path: String) throws(SeedError) -> StoredUser {
        let fields = try SeedFields(object, path: path)
        try fields.rejectUnknownKeys(["id", "email", "display_name", "state", "create_time", "path"])
        let id = try fields.string("id")
        // 26-character uppercase base32 ids, like the doc's IR7VJHJ36JHINBFAD7V2T5MP3E (vendor-notes §3).
        guard id.utf8.count == 26, id.utf8.allSatisfy({ (65...90).contains($0) || (50...55).contains($0) }) else {
            throw SeedError(path: "\(path).id", problem: "'\(id)' is not a 26-character 1Password id (A-Z, 2-7)")
        }
        let email = try fields.string("email")
        let displayName = try fields.string("display_name")
        let state = try fields.oneOf("state", ["ACTIVE", "SUSPENDED"])
        // RFC 3339 in UTC with whole seconds, as the docs' examples.
        let createTime = try fields.timestamp("create_time", format: "YYYY-MM-DDTHH:MM:SSZ")
        let userPath = try fields.string("path")
        // Split on bytes: Character-level splitting cost a fifth of every generated page (`serve --users`).
        let parts = userPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].elementsEqual("accounts".utf8), !parts[1].isEmpty, parts[2].elementsEqual("users".utf8),
              parts[3].elementsEqual(id.utf8) else {
            throw SeedError(path: "\(path).path", problem: "'\(userPath)' is not accounts/<account_id>/users/\(id)")
        }
        var writer = JSONWriter()
        writer.object { user in
            user.string("id", id)
            user.string("email", email)
            user.string("display_name", displayName)
            user.string("state", state)
            user.string("create_time", createTime)
            user.string("path", userPath)
        }
        return StoredUser(id: id, email: email.lowercased(), json: writer.bytes, flags: state == "SUSPENDED" ? .suspended : [])
    }

    // MARK: - OAuth clients and owners

    public var seedKeys: [String] { ["oauthClients", "ownerIds"] }

    /// Reads `oauthClients` (`[{"client_id","client_secret","scopes":[…]}]`, scopes as 1Password's UI names
    /// them) and `ownerIds` (ids of seeded users who own the account).
    public func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)? {
        var clients: [OAuthClient] = []
        if let value = seed.extensionValue("oauthClients") {
            guard let entries = value.arrayValue else {
                throw SeedError(path: "$.oauthClients", problem: "expected an array, found \(value.typeName)")
            }
            for (index, entry) in entries.enumerated() {
                let path = "$.oauthClients[\(index)]"
                let fields = try SeedFields(entry, path: path)
                try fields.rejectUnknownKeys(["client_id", "client_secret", "scopes"])
                let id = try fields.string("client_id")
                guard !id.isEmpty, !clients.contains(where: { $0.id == id }) else {
                    throw SeedError(path: "\(path).client_id", problem: "'\(id)' is empty or not unique")
                }
                guard let scopes = fields.value("scopes")?.arrayValue else {
                    throw SeedError(path: "\(path).scopes", problem: "missing array of scopes")
                }
                var permissions: Set<Permission> = []
                for (number, scope) in scopes.enumerated() {
                    guard let permission = scope.stringValue.flatMap(Permission.init(rawValue:)) else {
                        throw SeedError(path: "\(path).scopes[\(number)]", problem: "not one of \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    permissions.insert(permission)
                }
                clients.append(OAuthClient(id: id, secret: try fields.string("client_secret"), permissions: permissions))
            }
        }
        var owners: Set<String> = []
        if let value = seed.extensionValue("ownerIds") {
            guard let entries = value.arrayValue else {
                throw SeedError(path: "$.ownerIds", problem: "expected an array, found \(value.typeName)")
            }
            for (index, entry) in entries.enumerated() {
                guard let id = entry.stringValue, seed.users.contains(where: { $0.id == id }) else {
                    throw SeedError(path: "$.ownerIds[\(index)]", problem: "not the id of a seeded user")
                }
                owners.insert(id)
            }
        }
        return OnePasswordState(clients: clients, ownerIDs: owners, tokenTTL: context.tokenTTL)
    }

    /// The OAuth clients (id, secret, scopes), the owners and the token lifetime, for black-box tests.
    public func adminSummary(seed: VendorSeed, state: (any VendorState)?) -> [(String, JSONValue)] {
        guard let state = state as? OnePasswordState else { return [] }
        let clients = JSONValue.array(state.clients.map { client in
            .object([
                ("client_id", .string(client.id)),
                ("client_secret", .string(client.secret)),
                ("scopes", .array(Permission.allCases.filter(client.permissions.contains).map { .string($0.rawValue) })),
            ])
        })
        let owners = seed.users.map(\.id).filter(state.ownerIDs.contains)
        return [
            ("oauthClients", clients),
            ("ownerIds", .array(owners.map { .string($0) })),
            ("tokenTTL", .number(Double(state.tokenTTL), text: String(state.tokenTTL))),
        ]
    }
}
