public import HTTPCore

extension PandaDoc {
    // MARK: - listMembers, detailsMember, detailsCurrentMember

    /// `GET /public/v1/members`: every active member of the key's workspace, in list order (`MemberListResponse`).
    /// With generated users this reads the whole population; it has no paging in the vendor's API either.
    public func listMembers(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            _ = try Self.authenticate(request)
            let state = request.state(as: PandaDocState.self)
            let workspaceID = Self.scope(of: request, state: state).workspaceID
            var writer = JSONWriter(capacity: 4096)
            writer.raw(#"{"results":["#)
            var first = true
            for stored in request.users.users where !stored.isRemoved {
                guard let user = User(stored), let membership = user.activeMembership(inWorkspace: workspaceID) else { continue }
                if !first { writer.comma() }
                first = false
                Self.writeMember(user, membership, state: state, to: &writer)
            }
            writer.raw("]}")
            return .json(.ok, writer.bytes)
        }
    }

    /// `GET /public/v1/members/{id}`: one active membership of the organization by membership id.
    public func detailsMember(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            _ = try Self.authenticate(request)
            let state = request.state(as: PandaDocState.self)
            let membershipID = request.parameters["id"] ?? ""
            guard let user = Self.holder(ofMembership: membershipID, in: request.users, state: state),
                  let membership = user.activeMembership(membershipID) else { throw .notFound }
            var writer = JSONWriter()
            Self.writeMember(user, membership, state: state, to: &writer)
            return .json(.ok, writer.bytes)
        }
    }

    /// `GET /public/v1/members/current`: the key owner's membership in the key's workspace.
    public func detailsCurrentMember(_ request: VendorRequest) -> HTTPResponse {
        Self.answer { () throws(Failure) in
            _ = try Self.authenticate(request)
            let state = request.state(as: PandaDocState.self)
            let scope = Self.scope(of: request, state: state)
            guard let stored = request.users.user(id: scope.userID), let user = User(stored),
                  let membership = user.activeMembership(inWorkspace: scope.workspaceID) else { throw .notFound }
            var writer = JSONWriter()
            Self.writeMember(user, membership, state: state, to: &writer)
            return .json(.ok, writer.bytes)
        }
    }

    /// Who the request's credential belongs to and which workspace it implies. `serve --any-key` credentials
    /// act as the first seeded key; with generated users the owner is generated user 0 in the first workspace.
    static func scope(of request: VendorRequest, state: PandaDocState) -> KeyScope {
        let scope = state.keyScope(forAuthorization: canonicalAuthorization(request)) ?? state.keyScopes.first
        let firstWorkspace = state.workspaces.first?.id ?? ""
        if let generated = request.users.generated, generated.count > 0, scope.map({ request.users.user(id: $0.userID) == nil }) ?? true {
            return KeyScope(authorization: "", userID: generated.user(0).id, workspaceID: firstWorkspace)
        }
        return scope ?? KeyScope(authorization: "", userID: "", workspaceID: firstWorkspace)
    }

    /// `MemberDetailsResponse`, keys in the schema's order.
    static func writeMember(_ user: User, _ membership: Membership, state: PandaDocState, to writer: inout JSONWriter) {
        // "The user's current active workspace": the first workspace the user is an active member of.
        let current = user.workspaces.first?.workspaceID ?? membership.workspaceID
        let dates = state.dates(membership.membershipID)
        writer.object { member in
            member.string("user_id", user.userID)
            member.string("membership_id", membership.membershipID)
            member.string("email", user.email)
            member.string("first_name", user.firstName)
            member.string("last_name", user.lastName)
            member.bool("is_active", true)
            member.string("workspace", current)
            member.string("workspace_name", state.workspace(current)?.name ?? "")
            member.bool("emails_verified", true)
            member.string("role", membership.role)
            member.string("user_license", user.license)
            member.string("date_created", dates.created)
            member.string("date_modified", dates.modified)
        }
    }
}
