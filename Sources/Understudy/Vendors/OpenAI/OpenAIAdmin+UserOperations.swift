public import HTTPCore

/// `GET`, `POST` (modify) and `DELETE /v1/organization/users/{user_id}` (spec 2.3.0
/// `retrieve-user`, `modify-user`, `delete-user`).
extension OpenAIAdmin {
    public func retrieveUser(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request)
            let userID = request.parameters["user_id"] ?? ""
            guard let user = request.users.user(id: userID) else { throw .userNotFound(userID) }
            return .json(.ok, user.json)
        }
    }

    /// Only the supplied keys change; the SDK's `users.update(user_id)` with no kwargs sends `{}`,
    /// answered with the user unchanged (vendor-notes/users-resource/openai.md §3).
    public func modifyUser(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request, scope: Failure.writeScope)
            let userID = request.parameters["user_id"] ?? ""
            let roles = request.state(as: OpenAIRoles.self)
            let body = try Self.jsonObjectBody(request)
            var legacyRole: String?
            var customRoleID: String?
            var changes: [(String, JSONValue)] = []
            if let value = Self.member("role", of: body), !value.isNull {
                guard let role = value.stringValue else { throw .invalidType(param: "role", expected: "a string", got: Self.article(value)) }
                // The request body's description says "one of `owner` or `member`": member is the old name of reader.
                let stored = role == "member" ? "reader" : role
                guard Self.storedRoles.contains(stored) else { throw .invalidValue(param: "role", value: role, supported: Self.storedRoles) }
                legacyRole = stored
            }
            if let value = Self.member("role_id", of: body), !value.isNull {
                guard let roleID = value.stringValue else { throw .invalidType(param: "role_id", expected: "a string", got: Self.article(value)) }
                guard let role = roles.role(id: roleID) else { throw .unknownRoleID(roleID) }
                if let legacy = role.legacyRole { legacyRole = legacy } else { customRoleID = roleID }
            }
            for key in ["technical_level", "developer_persona"] {
                guard let value = Self.member(key, of: body) else { continue }
                guard value.isNull || value.stringValue != nil else {
                    throw .invalidType(param: key, expected: "a string", got: Self.article(value))
                }
                changes.append((key, value))
            }
            let user = try request.store.update { snapshot throws(Failure) -> StoredUser in
                guard let current = snapshot.user(id: userID) else { throw .userNotFound(userID) }
                if let legacyRole {
                    try Self.checkOwnerRemains(current, becoming: legacyRole, in: snapshot, param: "role")
                    changes.append(("role", .string(legacyRole)))
                }
                var updated = current
                if !changes.isEmpty {
                    guard let replaced = Self.replacing(changes, in: current, vendor: self) else { throw .status(.internalServerError) }
                    _ = snapshot.replace(replaced)
                    updated = replaced
                }
                if let customRoleID { roles.update { $0.assign(customRoleID, to: userID) } }
                return updated
            }
            return .json(.ok, user.json)
        }
    }

    /// Deleting a user also removes their role assignments.
    public func deleteUser(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request, scope: Failure.writeScope)
            let userID = request.parameters["user_id"] ?? ""
            let roles = request.state(as: OpenAIRoles.self)
            try request.store.update { snapshot throws(Failure) in
                guard let current = snapshot.user(id: userID) else { throw .userNotFound(userID) }
                try Self.checkOwnerRemains(current, becoming: nil, in: snapshot, param: nil)
                _ = snapshot.remove(id: userID)
                roles.update { $0.removeUser(userID) }
            }
            var writer = JSONWriter(capacity: 96)
            writer.object { deleted in
                deleted.string("object", "organization.user.deleted")
                deleted.string("id", userID)
                deleted.bool("deleted", true)
            }
            return .json(.ok, writer.bytes)
        }
    }

    /// The admin API deleted a user: its role assignments go too, as with `delete-user`.
    public func userRemoved(id: String, state: (any VendorState)?) {
        (state as? OpenAIRoles)?.update { $0.removeUser(id) }
    }

    /// The magic 429 credential sends `Retry-After: 1`, as every OpenAI 429 here does.
    public var sendsRetryAfter: Bool { true }

    // MARK: - Shared by the write operations

    /// Refuses to leave the organization without an owner: `user` stops being one (demoted to
    /// `becoming`, or deleted when nil) while nobody else is. Scans only until another owner shows
    /// up, so generated populations (owner first) answer at once.
    static func checkOwnerRemains(_ user: StoredUser, becoming role: String?, in snapshot: UserStore.Snapshot, param: String?) throws(Failure) {
        guard isOwner(user), role != "owner" else { return }
        for index in 0..<snapshot.count where snapshot.id(at: index) != user.id {
            if isOwner(snapshot.user(at: index)) { return }
        }
        throw .lastOwner(param: param)
    }

    /// The request body as a JSON object's members; an empty body counts as `{}`.
    static func jsonObjectBody(_ request: VendorRequest) throws(Failure) -> [(String, JSONValue)] {
        let body = request.http.body
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return [] }
        guard let value = try? JSONValue.parse(Array(body)) else { throw .invalidJSON }
        guard let members = value.objectValue else { throw .bodyNotObject(article(value)) }
        return members
    }

    /// A body member; with duplicate keys the last one wins, as JSON parsers commonly do.
    static func member(_ key: String, of members: [(String, JSONValue)]) -> JSONValue? {
        members.last { $0.0 == key }?.1
    }

    /// How OpenAI's validator names a JSON type in "expected …, but got … instead".
    static func article(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: value.intValue != nil ? "an integer" : "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The user's legacy organization role, from the encoded bytes.
    static func legacyRole(of user: StoredUser) -> String? {
        if isOwner(user) { return "owner" }
        return user.json.firstRange(of: readerMarker) != nil ? "reader" : nil
    }

    private static let readerMarker = Array(#""role":"reader","added_at":"#.utf8)
}
