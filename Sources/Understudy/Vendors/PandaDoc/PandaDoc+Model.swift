extension PandaDoc {
    /// One workspace membership as `ListUsersResponse.results[].workspaces[]` shows it.
    struct Membership: Sendable, Equatable {
        var role: String
        var workspaceID: String
        var membershipID: String
    }

    /// A user in the `ListUsersResponse` item shape, decoded from (and encoded back to) its stored JSON.
    struct User: Sendable {
        var userID: String
        var email: String
        var firstName: String
        var lastName: String
        var phoneNumber: String
        var license: String
        var isOrganizationOwner: Bool
        /// Active memberships, or the ones it was removed from when ``isRemoved``.
        var workspaces: [Membership]
        var isRemoved: Bool

        /// The active membership with this id (none for a removed user).
        func activeMembership(_ membershipID: String) -> Membership? {
            isRemoved ? nil : workspaces.first { $0.membershipID == membershipID }
        }

        func activeMembership(inWorkspace workspaceID: String) -> Membership? {
            isRemoved ? nil : workspaces.first { $0.workspaceID == workspaceID }
        }

        /// Decodes a stored user; nil only if the bytes were not written by ``stored``.
        init?(_ stored: StoredUser) {
            guard let document = try? JSONValue.parse(stored.json), let object = document.objectValue else { return nil }
            func string(_ key: String) -> String { object.first { $0.0 == key }?.1.stringValue ?? "" }
            userID = string("user_id")
            email = string("email")
            firstName = string("first_name")
            lastName = string("last_name")
            phoneNumber = string("phone_number")
            license = string("license")
            isOrganizationOwner = object.first { $0.0 == "is_organization_owner" }?.1.boolValue ?? false
            workspaces = (object.first { $0.0 == "workspaces" }?.1.arrayValue ?? []).map { entry in
                Membership(role: entry["role"]?.stringValue ?? "", workspaceID: entry["workspace_id"]?.stringValue ?? "",
                           membershipID: entry["membership_id"]?.stringValue ?? "")
            }
            isRemoved = stored.isRemoved
        }

        init(userID: String, email: String, firstName: String, lastName: String, phoneNumber: String, license: String,
             isOrganizationOwner: Bool, workspaces: [Membership], isRemoved: Bool = false) {
            self.userID = userID
            self.email = email
            self.firstName = firstName
            self.lastName = lastName
            self.phoneNumber = phoneNumber
            self.license = license
            self.isOrganizationOwner = isOrganizationOwner
            self.workspaces = workspaces
            self.isRemoved = isRemoved
        }

        /// Encoded in the key order of the doc example: user fields, then workspaces as role, workspace_id, membership_id.
        var stored: StoredUser {
            var writer = JSONWriter()
            writer.object { user in
                user.string("user_id", userID)
                user.string("email", email)
                user.string("first_name", firstName)
                user.string("last_name", lastName)
                user.string("phone_number", phoneNumber)
                user.string("license", license)
                user.bool("is_organization_owner", isOrganizationOwner)
                var list = JSONWriter()
                list.raw("[")
                for (index, workspace) in workspaces.enumerated() {
                    if index > 0 { list.comma() }
                    list.object { member in
                        member.string("role", workspace.role)
                        member.string("workspace_id", workspace.workspaceID)
                        member.string("membership_id", workspace.membershipID)
                    }
                }
                list.raw("]")
                user.raw("workspaces", list.bytes)
            }
            return StoredUser(id: userID, email: email.lowercased(), json: writer.bytes, flags: isRemoved ? .hidden : [])
        }

        /// Per the changeMemberRole rule (spec v7.26.0): a Guest promoted beyond Collaborator becomes Full.
        mutating func upgradeGuest(forRole role: String) {
            if license == "Guest", role != "Collaborator" { license = "Full" }
        }
    }

    /// A seeded workspace (`GET /public/v1/workspaces` item, plus the custom roles it defines).
    struct Workspace: Sendable {
        var id: String
        var name: String
        /// The owner's email, as the list shows it.
        var owner: String
        var dateCreated: String
        var customRoles: [String]
    }

    /// Who a credential belongs to and the workspace it implies (seed `apiKeys`).
    struct KeyScope: Sendable {
        var authorization: String
        var userID: String
        var workspaceID: String
    }
}
