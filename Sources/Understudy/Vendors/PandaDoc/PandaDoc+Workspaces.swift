public import HTTPCore

extension PandaDoc {
    /// `count` bounds of `getWorkspacesList` (openapi.yaml: 1...100, default 50; `page` ≥ 1).
    static let maxWorkspaceCount = 100

    // MARK: - getWorkspacesList

    public func listWorkspaces(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            let query = try Query(request.http, maxCount: Self.maxWorkspaceCount, minCount: 1, minPage: 1, readsShowRemoved: false)
            let state = request.state(as: PandaDocState.self)
            let all = state.workspaces
            let start = min((query.page - 1) * query.count, all.count)
            let page = all[start..<min(start + query.count, all.count)]
            var writer = JSONWriter()
            // Key order of the spec's example: results, then total.
            writer.raw(#"{"results":["#)
            for (index, workspace) in page.enumerated() {
                if index > 0 { writer.comma() }
                writer.object { item in
                    item.string("id", workspace.id)
                    item.string("name", workspace.name)
                    item.string("owner", Self.ownerEmail(of: workspace, in: request.users))
                    item.string("date_created", workspace.dateCreated)
                }
            }
            writer.raw(#"],"total":"#)
            writer.int(all.count)
            writer.raw("}")
            return .json(.ok, writer.bytes)
        }
    }

    /// The workspace owner's email; with generated users, generated user 0 owns every workspace.
    static func ownerEmail(of workspace: Workspace, in users: UserStore.Snapshot) -> String {
        if let generated = users.generated, generated.count > 0 { return generated.user(0).email }
        return workspace.owner
    }

    static func isOwner(_ user: User, of workspace: Workspace, in users: UserStore.Snapshot) -> Bool {
        user.email.lowercased() == ownerEmail(of: workspace, in: users).lowercased()
    }

    // MARK: - Finding memberships

    /// The user holding the active membership `membershipID`, found without building generated users:
    /// runtime memberships are indexed, generated ones decode to their user, seeded and admin-added users
    /// are searched byte-wise in their stored JSON.
    static func holder(ofMembership membershipID: String, in users: UserStore.Snapshot, state: PandaDocState) -> User? {
        guard !membershipID.isEmpty else { return nil }
        for candidate in [state.runtimeOwner(ofMembership: membershipID), generatedOwner(ofMembership: membershipID, in: users)] {
            if let id = candidate, let stored = users.user(id: id), let user = User(stored), user.activeMembership(membershipID) != nil {
                return user
            }
        }
        var needle = JSONWriter()
        needle.raw(#""membership_id":"#)
        needle.string(membershipID)
        // Explicit users follow the generated block: their sequences start after the generated count.
        let start = users.generated.map { users.firstIndex(after: UInt64($0.count)) } ?? 0
        for index in start..<users.count {
            let stored = users.user(at: index)
            guard !stored.isRemoved, stored.json.contains(subsequence: needle.bytes), let user = User(stored),
                  user.activeMembership(membershipID) != nil else { continue }
            return user
        }
        return nil
    }

    // MARK: - addMember

    /// `POST /public/v1/workspaces/{workspace_id}/members`.
    public func addMember(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            let state = request.state(as: PandaDocState.self)
            let workspaceID = request.parameters["workspace_id"] ?? ""
            guard state.workspace(workspaceID) != nil else { throw .notFound }
            let body = try Body(request.http)
            var errors = FieldErrors()
            var userID: String?
            switch body.value("user_id") {
            case nil: errors.add("user_id", Failure.memberRequiredMessage)
            case let field?:
                switch Body.string(field, allowBlank: false) {
                case .failure(let message): errors.add("user_id", message.text)
                case .success(let id): userID = id
                }
            }
            var role: String?
            switch body.value("role") {
            case nil: errors.add("role", Failure.memberRequiredMessage)
            case .null?: errors.add("role", Failure.nullMessage)
            case .string(let text)? where PandaDoc.roles.contains(text): role = text
            default: errors.add("role", Failure.memberInvalidRoleMessage)
            }
            let now = PandaDocState.now()
            let (user, membership) = try request.store.update { (snapshot: inout UserStore.Snapshot) throws(Failure) -> (User, Membership) in
                var found: User?
                if let userID {
                    if let stored = snapshot.user(id: userID), let user = User(stored) {
                        if user.activeMembership(inWorkspace: workspaceID) != nil { errors.add("user_id", Failure.memberExistsMessage) }
                        found = user
                    } else {
                        errors.add("user_id", Failure.userMissingMessage)
                    }
                }
                try errors.check()
                guard var user = found, let role else { throw .fields(errors) }
                let membership = Membership(role: role, workspaceID: workspaceID, membershipID: state.makeIDs(1)[0])
                if user.isRemoved {
                    // Back from removed: only the new membership is active.
                    user.workspaces = [membership]
                    user.isRemoved = false
                } else {
                    user.workspaces.append(membership)
                }
                user.upgradeGuest(forRole: role)
                guard snapshot.replace(user.stored) else { throw .notFound }
                state.recordNewMemberships([membership], userID: user.userID, at: now)
                return (user, membership)
            }
            var writer = JSONWriter()
            writer.object { root in
                root.string("member_id", membership.membershipID)
                root.string("workspace_id", membership.workspaceID)
                root.string("role", membership.role)
                root.string("email", user.email)
                root.string("first_name", user.firstName)
                root.string("last_name", user.lastName)
            }
            return .json(.created, writer.bytes)
        }
    }

    // MARK: - removeMember

    /// `DELETE /public/v1/workspaces/{workspace_id}/members/{member_id}`: 204; the user is removed once no
    /// membership is left.
    public func removeMember(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            let state = request.state(as: PandaDocState.self)
            let workspaceID = request.parameters["workspace_id"] ?? ""
            let memberID = request.parameters["member_id"] ?? ""
            try request.store.update { (snapshot: inout UserStore.Snapshot) throws(Failure) in
                guard let workspace = state.workspace(workspaceID),
                      var user = Self.holder(ofMembership: memberID, in: snapshot, state: state),
                      user.activeMembership(memberID)?.workspaceID == workspaceID else {
                    throw .request(.notFound, Failure.memberOrWorkspaceMissingMessage)
                }
                if user.isOrganizationOwner || Self.isOwner(user, of: workspace, in: snapshot) {
                    throw .request(.badRequest, Failure.ownerRemovalMessage)
                }
                let remaining = user.workspaces.filter { $0.membershipID != memberID }
                // The last membership stays on show, marked removed, like the seeded removed users.
                if remaining.isEmpty { user.isRemoved = true } else { user.workspaces = remaining }
                guard snapshot.replace(user.stored) else { throw .request(.notFound, Failure.memberOrWorkspaceMissingMessage) }
            }
            return HTTPResponse(status: .noContent, contentType: nil)
        }
    }

    // MARK: - changeMemberRole

    /// `PATCH /public/v1/workspaces/{workspace_id}/members/{member_id}/role`.
    public func changeMemberRole(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            try Self.authenticateAdmin(request)
            let state = request.state(as: PandaDocState.self)
            let workspaceID = request.parameters["workspace_id"] ?? ""
            let memberID = request.parameters["member_id"] ?? ""
            let now = PandaDocState.now()
            let (user, role) = try request.store.update { (snapshot: inout UserStore.Snapshot) throws(Failure) -> (User, String) in
                // DRF's get_object() runs before the body is parsed.
                guard let workspace = state.workspace(workspaceID),
                      var user = Self.holder(ofMembership: memberID, in: snapshot, state: state),
                      let current = user.activeMembership(memberID), current.workspaceID == workspaceID else { throw .notFound }
                let role = try Self.readRole(try Body(request.http), workspace: workspace)
                if Self.isOwner(user, of: workspace, in: snapshot) { throw .request(.badRequest, Failure.ownerRoleMessage) }
                if current.role == "Admin", role != "Admin",
                   !Self.hasOtherAdmin(workspace, besides: user.userID, in: snapshot) {
                    throw .request(.badRequest, Failure.lastAdminMessage)
                }
                guard let position = user.workspaces.firstIndex(where: { $0.membershipID == memberID }) else { throw .notFound }
                user.workspaces[position].role = role
                user.upgradeGuest(forRole: role)
                guard snapshot.replace(user.stored) else { throw .notFound }
                state.touch(memberID, at: now)
                return (user, role)
            }
            var writer = JSONWriter()
            writer.object { root in
                root.string("member_id", memberID)
                root.string("workspace_id", workspaceID)
                root.string("role", role)
                root.string("email", user.email)
            }
            return .json(.ok, writer.bytes)
        }
    }

    /// `UpdateMemberRoleRequest.role`: a built-in role or one of the workspace's custom roles.
    static func readRole(_ body: Body, workspace: Workspace) throws(Failure) -> String {
        var errors = FieldErrors()
        guard let field = body.value("role") else {
            errors.add("role", Failure.requiredMessage)
            throw .fields(errors)
        }
        switch Body.string(field, allowBlank: false) {
        case .failure(let message): errors.add("role", message.text)
        case .success(let role):
            if roles.contains(role) || workspace.customRoles.contains(role) { return role }
            errors.add("role", Failure.unknownRoleMessage(role, workspace: workspace.id))
        }
        throw .fields(errors)
    }

    /// Whether an Admin other than `userID` remains in the workspace. The owner is an Admin who can be
    /// neither demoted nor removed, so it answers without a scan; only an owner who is not an Admin there
    /// (possible through the admin API) makes this look at every user.
    static func hasOtherAdmin(_ workspace: Workspace, besides userID: String, in users: UserStore.Snapshot) -> Bool {
        let ownerEmail = ownerEmail(of: workspace, in: users).lowercased()
        if let index = users.page(from: 0, limit: 1, emails: [ownerEmail]).indices.first, let owner = User(users.user(at: index)),
           owner.userID != userID, owner.activeMembership(inWorkspace: workspace.id)?.role == "Admin" {
            return true
        }
        return users.users.contains { stored in
            guard stored.id != userID, !stored.isRemoved, let user = User(stored) else { return false }
            return user.activeMembership(inWorkspace: workspace.id)?.role == "Admin"
        }
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes (a plain scan; stored users are a few hundred bytes).
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var index = 0
        while index <= count - needle.count {
            if self[index] == first, self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
