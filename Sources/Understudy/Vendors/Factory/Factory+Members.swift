public import HTTPCore

/// inviteUser and removeUser (vendor-notes/users-resource/factory.md §2, §3).
extension Factory {
    // MARK: - Invite or update a user

    /// `POST /api/v0/organization/users/invite`: always 200 with the outcome in `status` once the
    /// body is valid, even at the seat limit (docs).
    public func inviteUser(_ request: VendorRequest) -> HTTPResponse {
        do throws(Failure) {
            try Self.authorizeAdmin(request)
            let body = try InviteRequest(body: request.http.body)
            let outcome = request.state(as: FactoryState.self)
                .invite(email: body.email, role: body.role, store: request.store, createdAt: Self.now())
            return outcome.response()
        } catch {
            return error.response()
        }
    }

    /// `InviteUserRequestBody` (docs): `email` required, format email; `role` user|manager|owner,
    /// default `user`. Other members are ignored.
    struct InviteRequest {
        var email: String
        var role: Role

        init(body: [UInt8]) throws(Failure) {
            let json: JSONValue
            do { json = try JSONValue.parse(body) } catch { throw .invalidJSON }
            guard let members = json.objectValue else { throw .bodyNotObject }
            // A repeated key: the last wins, as with JSON.parse (ECMA-262) and Python's json.
            func member(_ name: String) -> JSONValue? { members.last { $0.0 == name }?.1 }
            guard let emailValue = member("email") else { throw .missingEmail }
            guard let email = emailValue.stringValue else { throw .emailNotString }
            guard Factory.isEmailAddress(email) else { throw .invalidEmail }
            self.email = email
            // The default applies when `role` is absent; `null` is not a role.
            if let roleValue = member("role") {
                guard let role = roleValue.stringValue.flatMap(Role.init(rawValue:)) else { throw .invalidRole }
                self.role = role
            } else {
                role = .user
            }
        }
    }

    /// `InviteUser200ResponseBody` (docs): `email`, `role`, `status`, and `error` only when status is
    /// `error` ("Error message if status is error"; the docs sample's `"<string>"` is a placeholder).
    struct InviteOutcome: Sendable, Equatable {
        enum Status: String, Sendable {
            case invited
            case alreadyMember = "already_member"
            case roleUpdated = "role_updated"
            case alreadyInvited = "already_invited"
            case error
        }

        /// As the request spelled it.
        var email: String
        var role: Role
        var status: Status
        var error: String?

        func response() -> HTTPResponse {
            var writer = JSONWriter()
            writer.object { root in
                root.string("email", email)
                root.string("role", role.rawValue)
                root.string("status", status.rawValue)
                if let error { root.string("error", error) }
            }
            return .json(.ok, writer.bytes)
        }
    }

    // MARK: - Remove a user

    /// `DELETE /api/v0/organization/users?email=`: 204 with no body for a member (membership deleted)
    /// or a pending invite (revoked, its seat freed); 404 for an email that is neither (infer).
    public func removeUser(_ request: VendorRequest) -> HTTPResponse {
        do throws(Failure) {
            try Self.authorizeAdmin(request)
            // The router matches the path only: `email` comes from the query; a repeated one, the first wins.
            guard let email = request.http.queryValue("email") else { throw .missingEmailQuery }
            guard Self.isEmailAddress(email) else { throw .invalidEmail }
            guard request.state(as: FactoryState.self).remove(email: email, store: request.store) else { throw .userNotFound }
            return HTTPResponse(status: .noContent, contentType: nil)
        } catch {
            return error.response()
        }
    }

    // MARK: - Shared checks

    /// Only Manager and Owner keys may call the Public API; "Members and guests will receive a 403
    /// Forbidden response" (note §1). Every kind of bad credential gets the one 401.
    static func authorizeAdmin(_ request: VendorRequest) throws(Failure) {
        switch request.authorize(schemes: ["Bearer"]) {
        case .missing, .wrongScheme, .unknownKey: throw .unauthorized
        case .member: throw .forbidden
        case .admin: break
        }
    }

    /// `format: email` as a mail server would take it: a dot-atom local part (RFC 5322 §3.2.3, at most
    /// 64 bytes) `@` a domain of at least two LDH labels (RFC 1035 §2.3.1, each 1–63 bytes, no leading
    /// or trailing hyphen), at most 254 bytes in all (RFC 5321 §4.5.3). ASCII only; no quoted local
    /// parts or address literals, which no invite form would produce.
    static func isEmailAddress(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else { return false }
        var previous: UInt8 = 0
        for byte in local {
            guard atext.contains(byte) || (byte == UInt8(ascii: ".") && previous != byte) else { return false }
            previous = byte
        }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        // A top-level domain is never all digits (`user@10.0.0.1` is an address literal without brackets).
        return !labels.last!.allSatisfy { (48...57).contains($0) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// RFC 5322 §3.2.3 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static let atext: Set<UInt8> = Set((48...57).map(UInt8.init) + (65...90).map(UInt8.init)
        + (97...122).map(UInt8.init) + Array("!#$%&'*+-/=?^_`{|}~".utf8))

    /// Now as an ISO 8601 UTC timestamp with milliseconds, the shape of every Factory timestamp.
    static func now() -> String {
        let time = SystemClock.wall()
        return ISO8601.format(seconds: time.seconds, milliseconds: time.nanoseconds / 1_000_000)
    }
}
