public import HTTPCore

/// The user role-assignment sub-resource, `/v1/organization/users/{user_id}/roles[/{role_id}]`
/// (spec 2.3.0 `list-user-role-assignments`, `assign-user-role`, `retrieve-user-role`, `unassign-user-role`).
extension OpenAIAdmin {
    /// `{"object":"list","data":[AssignedRoleDetails],"has_more","next"}`; `next` is the last role's id
    /// and resumes as `after`, even once that role is unassigned.
    public func listRoleAssignments(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request)
            let userID = request.parameters["user_id"] ?? ""
            let roles = request.state(as: OpenAIRoles.self)
            var limit = try readLimit(request.http.queryValue("limit"), range: 0...1000, empty: 1000)
            if limit == 0 { limit = 1000 }
            let order = request.http.queryValue("order").flatMap { $0.isEmpty ? nil : $0 } ?? "asc"
            guard order == "asc" || order == "desc" else { throw .invalidValue(param: "order", value: order, supported: ["asc", "desc"]) }
            guard let user = request.users.user(id: userID) else { throw .userNotFound(userID) }
            let assignments = roles.snapshot
            var entries = Self.assignedRoles(of: user, roles: roles, assignments: assignments)
            if order == "desc" { entries.reverse() }
            if let after = request.http.queryValue("after"), !after.isEmpty {
                let sequence: Int
                if roles.role(id: after)?.legacyRole != nil {
                    sequence = 0
                } else if let known = assignments.cursorSequence[userID]?[after] {
                    sequence = known
                } else {
                    throw .unknownRoleCursor(after)
                }
                entries = entries.filter { order == "asc" ? $0.sequence > sequence : $0.sequence < sequence }
            }
            let page = entries.prefix(limit)
            let hasMore = entries.count > limit
            var writer = JSONWriter(capacity: 64 + page.count * 384)
            writer.raw(#"{"object":"list","data":["#)
            for (position, entry) in page.enumerated() {
                if position > 0 { writer.comma() }
                writer.raw(entry.role.detailsJSON)
            }
            writer.raw(#"],"has_more":"#)
            writer.bool(hasMore)
            writer.raw(#","next":"#)
            writer.optionalString(hasMore ? page.last?.role.id : nil)
            writer.raw("}")
            return .json(.ok, writer.bytes)
        }
    }

    /// `{"object":"user.role","user":User,"role":Role}`. A predefined `Owner`/`Reader` role sets the
    /// user's `role`; a custom role is added once (assigning it again answers the same).
    public func assignRole(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request, scope: Failure.writeScope)
            let userID = request.parameters["user_id"] ?? ""
            let roles = request.state(as: OpenAIRoles.self)
            let body = try Self.jsonObjectBody(request)
            guard let value = Self.member("role_id", of: body), !value.isNull else { throw .missingParameter("role_id") }
            guard let roleID = value.stringValue else { throw .invalidType(param: "role_id", expected: "a string", got: Self.article(value)) }
            guard let role = roles.role(id: roleID) else { throw .unknownRoleID(roleID) }
            let user = try request.store.update { snapshot throws(Failure) -> StoredUser in
                guard let current = snapshot.user(id: userID) else { throw .userNotFound(userID) }
                guard let legacy = role.legacyRole else {
                    roles.update { $0.assign(roleID, to: userID) }
                    return current
                }
                guard Self.legacyRole(of: current) != legacy else { return current }
                try Self.checkOwnerRemains(current, becoming: legacy, in: snapshot, param: "role_id")
                guard let replaced = Self.replacing([("role", .string(legacy))], in: current, vendor: self) else {
                    throw .status(.internalServerError)
                }
                _ = snapshot.replace(replaced)
                return replaced
            }
            var writer = JSONWriter(capacity: 64 + user.json.count + role.roleJSON.count)
            writer.raw(#"{"object":"user.role","user":"#)
            writer.raw(user.json)
            writer.raw(#","role":"#)
            writer.raw(role.roleJSON)
            writer.raw("}")
            return .json(.ok, writer.bytes)
        }
    }

    public func retrieveRoleAssignment(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request)
            let (userID, roleID) = (request.parameters["user_id"] ?? "", request.parameters["role_id"] ?? "")
            let roles = request.state(as: OpenAIRoles.self)
            guard let user = request.users.user(id: userID) else { throw .userNotFound(userID) }
            guard let role = roles.role(id: roleID) else { throw .roleNotFound(roleID) }
            guard Self.assignedRoles(of: user, roles: roles, assignments: roles.snapshot).contains(where: { $0.role.id == roleID }) else {
                throw .roleNotAssigned(role: roleID, user: userID)
            }
            return .json(.ok, role.detailsJSON)
        }
    }

    /// `{"object":"user.role.deleted","deleted":true}`. The role a user's `role` names cannot be
    /// unassigned (400): the user would be left without an organization role.
    public func unassignRole(_ request: VendorRequest) -> HTTPResponse {
        serve(request) { request throws(Failure) in
            try requireAdmin(request, scope: Failure.writeScope)
            let (userID, roleID) = (request.parameters["user_id"] ?? "", request.parameters["role_id"] ?? "")
            let roles = request.state(as: OpenAIRoles.self)
            try request.store.update { snapshot throws(Failure) in
                guard let user = snapshot.user(id: userID) else { throw .userNotFound(userID) }
                guard let role = roles.role(id: roleID) else { throw .roleNotFound(roleID) }
                if let legacy = role.legacyRole {
                    if Self.legacyRole(of: user) == legacy { throw .baseRoleUnassign(roleID) }
                    throw .roleNotAssigned(role: roleID, user: userID)
                }
                let removed = roles.update { assignments -> Bool in
                    guard assignments.byUser[userID]?.contains(where: { $0.roleID == roleID }) == true else { return false }
                    assignments.unassign(roleID, from: userID)
                    return true
                }
                guard removed else { throw .roleNotAssigned(role: roleID, user: userID) }
            }
            return .json(.ok, Array(#"{"object":"user.role.deleted","deleted":true}"#.utf8))
        }
    }

    /// A user's roles in assignment order: the predefined role its `role` names first, then custom ones.
    static func assignedRoles(
        of user: StoredUser, roles: OpenAIRoles, assignments: OpenAIRoles.Assignments
    ) -> [(role: OpenAIRole, sequence: Int)] {
        var entries: [(role: OpenAIRole, sequence: Int)] = []
        if let legacy = legacyRole(of: user), let base = roles.role(forLegacy: legacy) { entries.append((base, 0)) }
        for assignment in assignments.byUser[user.id] ?? [] {
            if let role = roles.role(id: assignment.roleID) { entries.append((role, assignment.sequence)) }
        }
        return entries
    }
}
