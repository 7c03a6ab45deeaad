public import HTTPCore

/// Users added, changed and deleted at runtime (`/__admin/vendors/{vendor}/users`). Bodies use the
/// vendor's own user shape; fields left out are generated the way `serve --users` makes them (an id
/// in the vendor's format, timestamps now). An optional `"understudy": {"removed": true}` member
/// marks a PandaDoc membership as removed.
extension UnderstudyApp {
    /// Why an admin user change was refused, with the status to answer.
    public struct UserChangeError: Error, Sendable {
        public var status: HTTPStatus
        public var message: String
    }

    /// Adds a user to `vendorID` from a partial vendor-shaped object.
    /// - Returns: the stored user as the vendor lists it.
    public func addUser(_ body: JSONValue, to vendorID: String) throws(UserChangeError) -> JSONValue {
        try addUser(body, to: vendorID, in: sessions.defaultSession)
    }

    /// Adds a user to `vendorID` in `session`.
    public func addUser(_ body: JSONValue, to vendorID: String, in session: Session) throws(UserChangeError) -> JSONValue {
        let record = try vendorRecord(vendorID, in: session)
        let vendor = record.api
        let (members, removed) = try splitMeta(body)
        var template: JSONValue
        var attempt = 0
        var taken: Bool
        var generatedID = ""
        repeat {
            // Runtime users get numbers far above any generated block, from their own seed.
            let number = Int(runtimeUserCounter.next()) + 100_000_000_000
            var person = SyntheticPerson(number: number, seed: 0xADD_ED05E7, idFormat: vendor.syntheticIDFormat, count: 1, createdAt: Self.unixNow())
            template = vendor.syntheticUser(&person, seed: record.seed)
            generatedID = person.id
            taken = record.store.snapshot().contains(id: person.id)
            attempt += 1
        } while taken && attempt < 8
        var user = try validated(vendor, merging: members, over: template)
        if user.id != generatedID { try checkIDFormat(user.id, of: vendor) }
        user.isHidden = removed ?? false
        guard record.store.append(user) else {
            throw UserChangeError(status: HTTPStatus(code: 409), message: "a \(vendorID) user with id '\(user.id)' already exists")
        }
        return user.document
    }

    /// Changes fields of an existing user; the id cannot change.
    public func updateUser(id: String, of vendorID: String, with body: JSONValue) throws(UserChangeError) -> JSONValue {
        try updateUser(id: id, of: vendorID, with: body, in: sessions.defaultSession)
    }

    /// Changes fields of an existing user in `session`.
    public func updateUser(id: String, of vendorID: String, with body: JSONValue, in session: Session) throws(UserChangeError) -> JSONValue {
        let record = try vendorRecord(vendorID, in: session)
        guard let current = record.store.snapshot().user(id: id) else {
            throw UserChangeError(status: .notFound, message: "no \(vendorID) user with id '\(id)'")
        }
        let (members, removed) = try splitMeta(body)
        var user = try validated(record.api, merging: members, over: current.document)
        guard user.id == id else { throw UserChangeError(status: .badRequest, message: "body: the user id cannot be changed") }
        user.isHidden = removed ?? current.isHidden
        guard record.store.replace(user) else {
            throw UserChangeError(status: .notFound, message: "no \(vendorID) user with id '\(id)'")
        }
        return user.document
    }

    /// Deletes a user; cursors already handed out keep working.
    public func deleteUser(id: String, of vendorID: String) throws(UserChangeError) {
        try deleteUser(id: id, of: vendorID, in: sessions.defaultSession)
    }

    /// Deletes a user in `session`.
    public func deleteUser(id: String, of vendorID: String, in session: Session) throws(UserChangeError) {
        let record = try vendorRecord(vendorID, in: session)
        guard record.store.remove(id: id) != nil else {
            throw UserChangeError(status: .notFound, message: "no \(vendorID) user with id '\(id)'")
        }
        record.api.userRemoved(id: id, state: record.state)
    }

    /// One stored user, as the vendor lists it.
    public func user(id: String, of vendorID: String) throws(UserChangeError) -> JSONValue {
        try user(id: id, of: vendorID, in: sessions.defaultSession)
    }

    /// One stored user of `session`, as the vendor lists it.
    public func user(id: String, of vendorID: String, in session: Session) throws(UserChangeError) -> JSONValue {
        let record = try vendorRecord(vendorID, in: session)
        guard let user = record.store.snapshot().user(id: id) else {
            throw UserChangeError(status: .notFound, message: "no \(vendorID) user with id '\(id)'")
        }
        return user.document
    }

    private func vendorRecord(_ vendorID: String, in session: Session) throws(UserChangeError) -> VendorRecord {
        guard let record = session.record(for: vendorID) else {
            throw UserChangeError(status: .notFound, message: "unknown vendor '\(vendorID)'; known: \(records.map(\.id).joined(separator: ", "))")
        }
        return record
    }

    /// Admin bodies (a user, a fault rule) are a few hundred bytes; 64 KiB is far beyond any of
    /// them and bounds what one admin request can cost on the event loop before any parsing.
    public static let maxAdminBodyBytes = 64 * 1024

    /// Why an admin body was refused before or while parsing.
    public struct AdminBodyError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// An admin body parsed strictly (duplicate keys and invalid UTF-8 refused), after a size check.
    static func parseAdminBody(_ body: [UInt8]) throws(AdminBodyError) -> JSONValue {
        guard body.count <= maxAdminBodyBytes else {
            throw AdminBodyError(description: "\(body.count) bytes is over the \(maxAdminBodyBytes / 1024) KiB limit for admin bodies")
        }
        do { return try JSONValue.parseStrictly(body) } catch { throw AdminBodyError(description: error.description) }
    }

    /// A user object has a few dozen fields at most; more is refused before any validation, so
    /// one request cannot buy seconds of work on the event loop (issue 11: 95 000 keys took 19 s).
    static let maxBodyMembers = 256

    /// Ids supplied in a body must look like the vendor's own (its `syntheticIDFormat`: prefix and
    /// alphabet), so `user-\r\nX` or `../../etc/passwd` never become ids. The length is free up to
    /// 64 characters: vendors document patterns, not lengths (Quo: `^US(.*)$`, its docs' `US123abc`),
    /// and a test that seeds an id from its own fixtures must not be refused.
    private func checkIDFormat(_ id: String, of vendor: any VendorAPI) throws(UserChangeError) {
        guard !Self.hasIDFormat(id, vendor.syntheticIDFormat) else { return }
        let format = vendor.syntheticIDFormat
        let shape = format.prefix.isEmpty ? "" : "'\(format.prefix)' then "
        throw UserChangeError(
            status: .badRequest,
            message: "body.id: '\(id)' is not a \(vendor.id) id (\(shape)1 to \(Self.maxIDBodyLength) characters of \(String(decoding: format.alphabet, as: UTF8.self)))"
        )
    }

    static let maxIDBodyLength = 64

    /// Whether `id` is the format's prefix followed by 1 to 64 characters of its alphabet.
    static func hasIDFormat(_ id: String, _ format: SyntheticIDFormat) -> Bool {
        let utf8 = Array(id.utf8)
        let prefix = Array(format.prefix.utf8)
        guard utf8.count > prefix.count, utf8.count <= prefix.count + maxIDBodyLength, utf8.starts(with: prefix) else { return false }
        var allowed = [Bool](repeating: false, count: 256)
        for byte in format.alphabet { allowed[Int(byte)] = true }
        return utf8[prefix.count...].allSatisfy { allowed[Int($0)] }
    }

    private func splitMeta(_ body: JSONValue) throws(UserChangeError) -> ([(String, JSONValue)], Bool?) {
        guard let members = body.objectValue else {
            throw UserChangeError(status: .badRequest, message: "body: expected a JSON object in the vendor's user shape")
        }
        guard members.count <= Self.maxBodyMembers else {
            throw UserChangeError(status: .badRequest, message: "body: at most \(Self.maxBodyMembers) members, got \(members.count)")
        }
        var removed: Bool?
        if let meta = body["understudy"] {
            guard let flag = meta["removed"]?.boolValue, meta.objectValue?.count == 1 else {
                throw UserChangeError(status: .badRequest, message: #"body.understudy: expected {"removed": true|false}"#)
            }
            removed = flag
        }
        return (members.filter { $0.0 != "understudy" }, removed)
    }

    /// The template's members in order, each replaced by the body's value when given, then the
    /// body's other members; the vendor's seed validation decides what is acceptable.
    private func validated(_ vendor: any VendorAPI, merging members: [(String, JSONValue)], over template: JSONValue) throws(UserChangeError) -> StoredUser {
        // One pass with a position table: a body of many keys costs linear time, not quadratic
        // (issue 11: 95 000 keys took 19 s on the event loop with a `firstIndex` per key).
        var merged = template.members
        var positions: [String: Int] = [:]
        positions.reserveCapacity(merged.count + members.count)
        for (position, member) in merged.enumerated() where positions[member.0] == nil { positions[member.0] = position }
        for (key, value) in members {
            if let position = positions[key] {
                merged[position].1 = value
            } else {
                positions[key] = merged.count
                merged.append((key, value))
            }
        }
        do {
            return try vendor.makeUser(from: .object(merged), path: "body")
        } catch {
            throw UserChangeError(status: .badRequest, message: "\(error.path): \(error.problem)")
        }
    }

    static func unixNow() -> Int {
        SystemClock.wall().seconds
    }
}

extension JSONValue {
    /// The members of an object (empty for anything else).
    var members: [(String, JSONValue)] { objectValue ?? [] }
}
