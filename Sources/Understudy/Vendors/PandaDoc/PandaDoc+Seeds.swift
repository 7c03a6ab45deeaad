extension PandaDoc {
    // MARK: - Seed keys and state

    /// `organization` (`{"name","email_domain"}`), `workspaces` (`[{"id","name","owner","date_created","custom_roles"}]`)
    /// and `apiKeys` (`[{"authorization","user_id","workspace_id"}]`); all optional, so an exported seed still loads.
    public var seedKeys: [String] { ["organization", "workspaces", "apiKeys"] }

    public func makeState(seed: VendorSeed, context: VendorContext) throws(SeedError) -> (any VendorState)? {
        var emailDomain: String?
        if let value = seed.extensionValue("organization") {
            let organization = try SeedFields(value, path: "$.organization")
            try organization.rejectUnknownKeys(["name", "email_domain"])
            _ = try organization.optionalString("name")
            emailDomain = try organization.optionalString("email_domain")?.lowercased()
        }
        var workspaces: [Workspace] = []
        for (index, entry) in try Self.seedArray(seed, "workspaces").enumerated() {
            let fields = try SeedFields(entry, path: "$.workspaces[\(index)]")
            try fields.rejectUnknownKeys(["id", "name", "owner", "date_created", "custom_roles"])
            var customRoles: [String] = []
            for (number, role) in (fields.value("custom_roles")?.arrayValue ?? []).enumerated() {
                guard let name = role.stringValue, !name.isEmpty, !Self.roles.contains(name) else {
                    throw SeedError(path: "$.workspaces[\(index)].custom_roles[\(number)]", problem: "expected a new role name")
                }
                customRoles.append(name)
            }
            let workspace = Workspace(
                id: try fields.string("id"), name: try fields.string("name"), owner: try fields.string("owner"),
                dateCreated: try fields.timestamp("date_created", format: "YYYY-MM-DDTHH:MM:SS.ssssssZ"), customRoles: customRoles)
            guard !workspaces.contains(where: { $0.id == workspace.id }) else {
                throw SeedError(path: "$.workspaces[\(index)].id", problem: "duplicate workspace id '\(workspace.id)'")
            }
            workspaces.append(workspace)
        }
        var keyScopes: [KeyScope] = []
        for (index, entry) in try Self.seedArray(seed, "apiKeys").enumerated() {
            let path = "$.apiKeys[\(index)]"
            let fields = try SeedFields(entry, path: path)
            try fields.rejectUnknownKeys(["authorization", "user_id", "workspace_id"])
            let scope = KeyScope(authorization: try fields.string("authorization"), userID: try fields.string("user_id"),
                                 workspaceID: try fields.string("workspace_id"))
            guard seed.role(forAuthorization: scope.authorization) != nil else {
                throw SeedError(path: "\(path).authorization", problem: "not one of the credentials")
            }
            guard workspaces.contains(where: { $0.id == scope.workspaceID }) else {
                throw SeedError(path: "\(path).workspace_id", problem: "'\(scope.workspaceID)' is not a seeded workspace")
            }
            guard let user = seed.users.first(where: { $0.id == scope.userID }).flatMap(User.init),
                  user.activeMembership(inWorkspace: scope.workspaceID) != nil else {
                throw SeedError(path: "\(path).user_id", problem: "'\(scope.userID)' is not an active member of \(scope.workspaceID)")
            }
            keyScopes.append(scope)
        }
        return PandaDocState(emailDomain: emailDomain, workspaces: workspaces, keyScopes: keyScopes)
    }

    private static func seedArray(_ seed: VendorSeed, _ key: String) throws(SeedError) -> [JSONValue] {
        guard let value = seed.extensionValue(key) else { return [] }
        guard let elements = value.arrayValue else {
            throw SeedError(path: "$.\(key)", problem: "expected an array, found \(value.typeName)")
        }
        return elements
    }

    public func adminSummary(seed: VendorSeed, state: (any VendorState)?) -> [(String, JSONValue)] {
        guard let state = state as? PandaDocState else { return [] }
        return [
            ("email_domain", state.emailDomain.map(JSONValue.string) ?? .null),
            ("workspaces", .array(state.workspaces.map { workspace in
                .object([
                    ("id", .string(workspace.id)), ("name", .string(workspace.name)), ("owner", .string(workspace.owner)),
                    ("date_created", .string(workspace.dateCreated)),
                    ("custom_roles", .array(workspace.customRoles.map(JSONValue.string))),
                ])
            })),
            ("api_keys", .array(state.keyScopes.map { scope in
                .object([("authorization", .string(scope.authorization)), ("user_id", .string(scope.userID)),
                         ("workspace_id", .string(scope.workspaceID))])
            })),
        ]
    }

    // MARK: - Generated users

    /// shortuuid-style 22-character ids (vendor-notes/pandadoc.md §3).
    public var syntheticIDFormat: SyntheticIDFormat { Self.runtimeIDFormat }
    static let runtimeIDFormat = SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base57, length: 22)

    /// Generated membership ids are `id(for: base + 2 * user number + index)`, so they decode back to their user.
    static let generatedMembershipBase = 2_000_000_000

    /// The generated user holding a generated membership id, if it is one.
    static func generatedOwner(ofMembership id: String, in users: UserStore.Snapshot) -> String? {
        guard let generated = users.generated,
              let number = runtimeIDFormat.number(of: id, seed: generated.seed, count: generatedMembershipBase + 2 * generated.count),
              number >= generatedMembershipBase else { return nil }
        return runtimeIDFormat.id(for: (number - generatedMembershipBase) / 2, seed: generated.seed)
    }

    /// Workspaces are the seeded ones (so every member operation works on generated users); user 0 is the
    /// organization owner and an Admin of every workspace; Guests only ever hold the Collaborator role.
    public func syntheticUser(_ person: inout SyntheticPerson, seed: VendorSeed) -> JSONValue {
        let idFormat = syntheticIDFormat
        var workspaceIDs = (seed.extensionValue("workspaces")?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        if workspaceIDs.isEmpty { workspaceIDs = (0..<3).map { idFormat.id(for: 1_000_000_000 + $0, seed: person.seed) } }
        let licenses = ["Full", "Full", "Full", "eSign", "Read-only", "Creator"]
        let isOwner = person.number == 0
        let count = isOwner ? workspaceIDs.count : min(person.chance(0.2) ? 2 : 1, workspaceIDs.count)
        var roles: [String] = []
        var workspaces: [JSONValue] = []
        for index in 0..<count {
            let role = isOwner ? "Admin" : Self.roles[person.next(Self.roles.count)]
            roles.append(role)
            workspaces.append(.object([
                ("role", .string(role)),
                ("workspace_id", .string(workspaceIDs[(person.number + index) % workspaceIDs.count])),
                ("membership_id", .string(idFormat.id(for: Self.generatedMembershipBase + person.number * 2 + index, seed: person.seed))),
            ]))
        }
        let phone = person.chance(0.2) ? "" : "+1\(String(2_000_000_000 + person.next(7_999_999_999)))"
        var license = isOwner ? "Full" : licenses[person.next(licenses.count)]
        if !isOwner, roles.allSatisfy({ $0 == "Collaborator" }), person.chance(0.5) { license = "Guest" }
        return .object([
            ("user_id", .string(person.id)),
            ("email", .string(person.email)),
            ("first_name", .string(person.firstName)),
            ("last_name", .string(person.lastName)),
            ("phone_number", .string(phone)),
            ("license", .string(license)),
            ("is_organization_owner", .bool(isOwner)),
            ("workspaces", .array(workspaces)),
        ])
    }

    /// About 1 in 10, like the default seeds' removed memberships.
    public var syntheticRemovedShare: Double { 0.1 }

    // MARK: - Seed users

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
        var workspaces: [Membership] = []
        for (index, entry) in workspaceList.enumerated() {
            let workspace = try SeedFields(entry, path: "\(path).workspaces[\(index)]")
            try workspace.rejectUnknownKeys(["role", "workspace_id", "membership_id"])
            // Custom role names are valid too (changeMemberRole); they show as plain strings.
            let role = try workspace.string("role")
            guard !role.isEmpty else { throw SeedError(path: "\(path).workspaces[\(index)].role", problem: "empty role") }
            workspaces.append(Membership(role: role, workspaceID: try workspace.string("workspace_id"),
                                         membershipID: try workspace.string("membership_id")))
        }
        return User(userID: userID, email: email, firstName: firstName, lastName: lastName, phoneNumber: phone,
                    license: license, isOrganizationOwner: isOwner, workspaces: workspaces).stored
    }
}
