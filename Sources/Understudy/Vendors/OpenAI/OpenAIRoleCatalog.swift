import Synchronization

/// One role of the organization's catalog (seed key `roles`), with its two wire shapes encoded once:
/// `Role` (in `user.role` answers) and `AssignedRoleDetails` (role-assignment list and retrieve).
struct OpenAIRole: Sendable {
    let id: String
    /// The legacy `role` value a predefined `Owner`/`Reader` role stands for; nil for custom roles.
    /// Assigning such a role sets the user's `role`; the user's `role` lists it as an assignment.
    let legacyRole: String?
    let roleJSON: [UInt8]
    let detailsJSON: [UInt8]

    static let seedKeys = [
        "object", "id", "name", "description", "permissions", "resource_type", "predefined_role",
        "created_at", "updated_at", "created_by", "created_by_user_obj", "metadata",
    ]

    init(from value: JSONValue, path: String) throws(SeedError) {
        let fields = try SeedFields(value, path: path)
        try fields.rejectUnknownKeys(Self.seedKeys)
        _ = try fields.oneOf("object", ["role"])
        let identifier = try fields.string("id")
        id = identifier
        let name = try fields.string("name")
        let description = try fields.nullableString("description")
        guard let permissionValues = fields.value("permissions")?.arrayValue else {
            throw SeedError(path: "\(path).permissions", problem: "expected an array of strings")
        }
        var permissions: [String] = []
        for (index, permission) in permissionValues.enumerated() {
            guard let text = permission.stringValue else {
                throw SeedError(path: "\(path).permissions[\(index)]", problem: "expected a string, found \(permission.typeName)")
            }
            permissions.append(text)
        }
        let resourceType = try fields.string("resource_type")
        let predefined = try fields.bool("predefined_role")
        for key in ["created_at", "updated_at"] {
            try OpenAIAdmin.check(fields.value(key) ?? .null, .nullableInteger, "\(path).\(key)")
        }
        let createdBy = try fields.nullableString("created_by", required: false)
        for key in ["created_by_user_obj", "metadata"] {
            let member = fields.value(key) ?? .null
            guard member.isNull || member.objectValue != nil else {
                throw SeedError(path: "\(path).\(key)", problem: "expected an object or null, found \(member.typeName)")
            }
        }
        let lowered = name.lowercased()
        legacyRole = predefined && OpenAIAdmin.storedRoles.contains(lowered) ? lowered : nil

        var role = JSONWriter()
        role.object { object in
            object.string("object", "role")
            object.string("id", identifier)
            object.string("name", name)
            object.optionalString("description", description)
            object.value("permissions", .array(permissions.map { .string($0) }))
            object.string("resource_type", resourceType)
            object.bool("predefined_role", predefined)
        }
        roleJSON = role.bytes
        // AssignedRoleDetails: every member is required, in the spec's example order.
        var details = JSONWriter()
        details.object { object in
            object.string("id", identifier)
            object.string("name", name)
            object.value("permissions", .array(permissions.map { .string($0) }))
            object.string("resource_type", resourceType)
            object.bool("predefined_role", predefined)
            object.optionalString("description", description)
            object.value("created_at", fields.value("created_at") ?? .null)
            object.value("updated_at", fields.value("updated_at") ?? .null)
            object.optionalString("created_by", createdBy)
            object.value("created_by_user_obj", fields.value("created_by_user_obj") ?? .null)
            object.value("metadata", fields.value("metadata") ?? .null)
            // Direct assignments are not inherited from a group (the spec example has null).
            object.null("assignment_sources")
        }
        detailsJSON = details.bytes
    }
}

/// The role catalog and every user's role assignments: OpenAI's `VendorState`. Explicit assignments
/// (custom roles) live here in assignment order; the predefined `Owner`/`Reader` role of a user is
/// derived from the user's own `role`, so the two can never disagree.
final class OpenAIRoles: VendorState {
    struct Assignment: Sendable, Equatable {
        var roleID: String
        /// Global, increasing: the list order, and what an `after` cursor resumes from.
        var sequence: Int
    }

    struct Assignments: Sendable {
        var byUser: [String: [Assignment]] = [:]
        /// The last sequence each role had for a user, kept after unassignment so a cursor naming it resumes.
        var cursorSequence: [String: [String: Int]] = [:]
        var nextSequence = 1

        mutating func assign(_ roleID: String, to userID: String) {
            guard byUser[userID]?.contains(where: { $0.roleID == roleID }) != true else { return }
            byUser[userID, default: []].append(Assignment(roleID: roleID, sequence: nextSequence))
            cursorSequence[userID, default: [:]][roleID] = nextSequence
            nextSequence += 1
        }

        mutating func unassign(_ roleID: String, from userID: String) {
            byUser[userID]?.removeAll { $0.roleID == roleID }
        }

        mutating func removeUser(_ userID: String) {
            byUser[userID] = nil
            cursorSequence[userID] = nil
        }
    }

    /// Catalog in seed order.
    let catalog: [OpenAIRole]
    private let indexByID: [String: Int]
    private let initial: Assignments
    private let current: Mutex<Assignments>

    /// Seed keys: `roles` (the catalog) and `roleAssignments` (`[{user_id, role_id}]`, in assignment order).
    init(seed: VendorSeed) throws(SeedError) {
        var catalog: [OpenAIRole] = []
        for (index, value) in (seed.extensionValue("roles")?.arrayValue ?? []).enumerated() {
            let role = try OpenAIRole(from: value, path: "$.roles[\(index)]")
            guard !catalog.contains(where: { $0.id == role.id }) else {
                throw SeedError(path: "$.roles[\(index)].id", problem: "duplicate role id '\(role.id)'")
            }
            catalog.append(role)
        }
        if let value = seed.extensionValue("roles"), value.arrayValue == nil {
            throw SeedError(path: "$.roles", problem: "expected an array, found \(value.typeName)")
        }
        self.catalog = catalog
        indexByID = Dictionary(catalog.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        if let value = seed.extensionValue("roleAssignments"), value.arrayValue == nil {
            throw SeedError(path: "$.roleAssignments", problem: "expected an array, found \(value.typeName)")
        }
        let userIDs = Set(seed.users.map(\.id))
        var assignments = Assignments()
        for (index, value) in (seed.extensionValue("roleAssignments")?.arrayValue ?? []).enumerated() {
            let path = "$.roleAssignments[\(index)]"
            let fields = try SeedFields(value, path: path)
            try fields.rejectUnknownKeys(["user_id", "role_id"])
            let userID = try fields.string("user_id")
            let roleID = try fields.string("role_id")
            guard userIDs.contains(userID) else { throw SeedError(path: "\(path).user_id", problem: "'\(userID)' is not a user in this file") }
            guard let role = indexByID[roleID].map({ catalog[$0] }) else {
                throw SeedError(path: "\(path).role_id", problem: "'\(roleID)' is not a role in $.roles")
            }
            guard role.legacyRole == nil else {
                throw SeedError(path: "\(path).role_id", problem: "'\(roleID)' is predefined: give the user \"role\": \"\(role.legacyRole!)\" instead")
            }
            assignments.assign(roleID, to: userID)
        }
        initial = assignments
        current = Mutex(assignments)
    }

    func reset() { current.withLock { $0 = initial } }

    func role(id: String) -> OpenAIRole? { indexByID[id].map { catalog[$0] } }

    /// The predefined role standing for a legacy `role` value (`owner` → `Owner`).
    func role(forLegacy legacy: String) -> OpenAIRole? { catalog.first { $0.legacyRole == legacy } }

    var snapshot: Assignments { current.withLock { $0 } }

    func update<Value: Sendable>(_ body: (inout Assignments) -> Value) -> Value { current.withLock { body(&$0) } }
}
