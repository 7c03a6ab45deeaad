/// Helpers vendors use to read and validate seed objects with precise error paths.
public struct SeedFields {
    public let object: [(String, JSONValue)]
    public let path: String

    /// Wraps `value`, which must be an object.
    public init(_ value: JSONValue, path: String) throws(SeedError) {
        guard let members = value.objectValue else {
            throw SeedError(path: path, problem: "expected an object, found \(value.typeName)")
        }
        object = members
        self.path = path
    }

    public func value(_ key: String) -> JSONValue? { object.first { $0.0 == key }?.1 }

    public func string(_ key: String) throws(SeedError) -> String {
        guard let value = value(key) else { throw SeedError(path: "\(path).\(key)", problem: "missing required string") }
        guard let text = value.stringValue else {
            throw SeedError(path: "\(path).\(key)", problem: "expected a string, found \(value.typeName)")
        }
        return text
    }

    /// A string that may be `null`; missing counts as an error when `required`.
    public func nullableString(_ key: String, required: Bool = true) throws(SeedError) -> String? {
        guard let value = value(key) else {
            if required { throw SeedError(path: "\(path).\(key)", problem: "missing (use null for no value)") }
            return nil
        }
        if value.isNull { return nil }
        guard let text = value.stringValue else {
            throw SeedError(path: "\(path).\(key)", problem: "expected a string or null, found \(value.typeName)")
        }
        return text
    }

    /// A string that may be absent (but not null).
    public func optionalString(_ key: String) throws(SeedError) -> String? {
        guard let value = value(key) else { return nil }
        guard let text = value.stringValue else {
            throw SeedError(path: "\(path).\(key)", problem: "expected a string, found \(value.typeName)")
        }
        return text
    }

    public func int(_ key: String) throws(SeedError) -> Int {
        guard let value = value(key) else { throw SeedError(path: "\(path).\(key)", problem: "missing required integer") }
        guard let number = value.intValue else {
            throw SeedError(path: "\(path).\(key)", problem: "expected an integer, found \(value.typeName)")
        }
        return number
    }

    public func bool(_ key: String) throws(SeedError) -> Bool {
        guard let value = value(key) else { throw SeedError(path: "\(path).\(key)", problem: "missing required boolean") }
        guard let flag = value.boolValue else {
            throw SeedError(path: "\(path).\(key)", problem: "expected a boolean, found \(value.typeName)")
        }
        return flag
    }

    /// A string that must be one of `allowed`.
    public func oneOf(_ key: String, _ allowed: [String]) throws(SeedError) -> String {
        let text = try string(key)
        guard allowed.contains(text) else {
            throw SeedError(path: "\(path).\(key)", problem: "'\(text)' is not one of \(allowed.joined(separator: ", "))")
        }
        return text
    }

    /// A UTC timestamp string in exactly `format`, where `YYYY-MM-DDTHH:MM:SS` and `sss` stand for digits
    /// (e.g. `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.sssZ`).
    public func timestamp(_ key: String, format: String) throws(SeedError) -> String {
        let text = try string(key)
        // Byte by byte with no allocation: every generated user (`serve --users`) passes through here per page.
        func isPlaceholder(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "Y"), UInt8(ascii: "M"), UInt8(ascii: "D"), UInt8(ascii: "H"), UInt8(ascii: "S"), UInt8(ascii: "s"): true
            default: false
            }
        }
        func fits(_ text: UnsafeBufferPointer<UInt8>, _ format: UnsafeBufferPointer<UInt8>) -> Bool {
            text.count == format.count && zip(text, format).allSatisfy { byte, expected in
                isPlaceholder(expected) ? (48...57).contains(byte) : byte == expected
            }
        }
        // On contiguous bytes (a zip of two UTF8Views was 2 % of start-up); a bridged string takes copies.
        let contiguous = text.utf8.withContiguousStorageIfAvailable { lhs in format.utf8.withContiguousStorageIfAvailable { fits(lhs, $0) } }
        let matches = (contiguous ?? nil) ?? Array(text.utf8).withUnsafeBufferPointer { lhs in Array(format.utf8).withUnsafeBufferPointer { fits(lhs, $0) } }
        guard matches else { throw SeedError(path: "\(path).\(key)", problem: "'\(text)' is not \(format)") }
        return text
    }

    /// Rejects keys outside `allowed`, so a typo in a seed file is caught instead of ignored.
    public func rejectUnknownKeys(_ allowed: [String]) throws(SeedError) {
        for (key, _) in object where !allowed.contains(key) {
            throw SeedError(path: "\(path).\(key)", problem: "unknown field (allowed: \(allowed.joined(separator: ", ")))")
        }
    }
}

extension VendorSeed {
    /// Parses a seed file: `{"vendor", "credentials", "accounts"?, "removedUserIds"?, "users"}`.
    public static func read(_ text: String, file: String, vendor: any VendorAPI) throws(SeedError) -> VendorSeed {
        let root: JSONValue
        do { root = try JSONValue.parseStrictly(text) } catch {
            throw SeedError(file: file, path: "$", problem: error.description)
        }
        do {
            return try read(root, vendor: vendor)
        } catch {
            var located = error
            located.file = file
            throw located
        }
    }

    private static func read(_ root: JSONValue, vendor: any VendorAPI) throws(SeedError) -> VendorSeed {
        let fields = try SeedFields(root, path: "$")
        try fields.rejectUnknownKeys(["vendor", "credentials", "accounts", "removedUserIds", "users"] + vendor.seedKeys)
        let name = try fields.string("vendor")
        guard name == vendor.id else {
            throw SeedError(path: "$.vendor", problem: "file is for '\(name)', expected '\(vendor.id)'")
        }
        var credentials: [Credential] = []
        for (index, entry) in try array(fields, "credentials").enumerated() {
            let credential = try SeedFields(entry, path: "$.credentials[\(index)]")
            try credential.rejectUnknownKeys(["authorization", "role"])
            let role = try credential.oneOf("role", ["admin", "member"])
            credentials.append(Credential(authorization: try credential.string("authorization"), role: CredentialRole(rawValue: role)!))
        }
        var accounts: [String] = []
        if fields.value("accounts") != nil {
            for (index, entry) in try array(fields, "accounts").enumerated() {
                guard let account = entry.stringValue else {
                    throw SeedError(path: "$.accounts[\(index)]", problem: "expected a string, found \(entry.typeName)")
                }
                accounts.append(account)
            }
        }
        var removed: Set<String> = []
        if fields.value("removedUserIds") != nil {
            for (index, entry) in try array(fields, "removedUserIds").enumerated() {
                guard let id = entry.stringValue else {
                    throw SeedError(path: "$.removedUserIds[\(index)]", problem: "expected a string, found \(entry.typeName)")
                }
                removed.insert(id)
            }
        }
        var users: [StoredUser] = []
        var seen: Set<String> = []
        for (index, entry) in try array(fields, "users").enumerated() {
            let path = "$.users[\(index)]"
            var user = try vendor.makeUser(from: entry, path: path)
            // `removedUserIds`: the users a vendor's filter hides (PandaDoc's removed memberships).
            user.isHidden = removed.contains(user.id)
            guard seen.insert(user.id).inserted else { throw SeedError(path: path, problem: "duplicate user id '\(user.id)'") }
            users.append(user)
        }
        for id in removed where !seen.contains(id) {
            throw SeedError(path: "$.removedUserIds", problem: "'\(id)' is not a user in this file")
        }
        let extensions = fields.object.filter { vendor.seedKeys.contains($0.0) }
        return VendorSeed(credentials: credentials, accounts: accounts, users: users, extensions: extensions)
    }

    private static func array(_ fields: SeedFields, _ key: String) throws(SeedError) -> [JSONValue] {
        guard let value = fields.value(key) else { throw SeedError(path: "$.\(key)", problem: "missing required array") }
        guard let elements = value.arrayValue else {
            throw SeedError(path: "$.\(key)", problem: "expected an array, found \(value.typeName)")
        }
        return elements
    }
}
