/// Credentials derived from a vendor's seeded ones: session credentials (bound to one session) and
/// magic credentials (a fixed failure, for SDKs that can change only their key).
enum DerivedCredentials {
    /// `Bearer sk-admin-understudy-test` → (`Bearer `, `sk-admin-understudy`): the scheme and the key
    /// without its last `-` part, so derived keys keep the vendor's shape (`sk-admin-…`, `openphone-…`).
    static func stem(of authorization: String) -> (scheme: String, keyStem: String) {
        let (scheme, key): (Substring, Substring) = if let space = authorization.firstIndex(of: " ") {
            (authorization[...space], authorization[authorization.index(after: space)...])
        } else {
            ("", Substring(authorization))
        }
        let stem = key.lastIndex(of: "-").map { key[..<$0] } ?? key
        return (String(scheme), String(stem))
    }

    /// One credential per role the seeds have (admin first), bound to the session `name`. The key is
    /// a hash of vendor, role and name: the same name gets the same keys on any machine.
    static func session(_ name: String, seed: VendorSeed, vendor: String) -> [VendorSeed.Credential] {
        var result: [VendorSeed.Credential] = []
        for role in [CredentialRole.admin, .member] {
            guard let template = seed.credential(for: role) else { continue }
            let (scheme, stem) = stem(of: template.authorization)
            let digest = VendorNumbers.splitMix64(fnv1a("\(vendor)\u{0}\(role.rawValue)\u{0}\(name)"))
            result.append(.init(authorization: "\(scheme)\(stem)-s\(hex16(digest))", role: role))
        }
        return result
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }

    static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A credential that always fails the same way (like a payment provider's test cards), in every
/// session and whatever `--any-key` says.
public struct MagicCredential: Sendable, Equatable {
    /// The full `Authorization` value to send.
    public var authorization: String
    /// `401`, `403`, `429`, `500`, `503` or `delay-2s`.
    public var effect: String
    public var description: String
    /// The status the vendor answers with, or nil for the delayed success.
    var status: Int?
    var delayMilliseconds: Int?

    /// The effects, in listing order: `(suffix, status, delay, description)`.
    static let kinds: [(String, Int?, Int?, String)] = [
        ("401", 401, nil, "always the vendor's 401"),
        ("403", 403, nil, "always the vendor's 403"),
        ("429", 429, nil, "always the vendor's 429, with its rate-limit headers (and Retry-After: 1 where the vendor sends one)"),
        ("500", 500, nil, "always the vendor's 500"),
        ("503", 503, nil, "always the vendor's 503"),
        ("delay-2s", nil, 2000, "answers as the vendor's admin key would, 2 s late"),
    ]

    /// A vendor's magic credentials, derived from its first admin credential:
    /// `Bearer sk-admin-understudy-test` → `Bearer sk-admin-understudy-magic-429`.
    static func all(for seed: VendorSeed) -> [MagicCredential] {
        guard let template = seed.credential(for: .admin) else { return [] }
        let (scheme, stem) = DerivedCredentials.stem(of: template.authorization)
        return kinds.map { suffix, status, delay, description in
            MagicCredential(authorization: "\(scheme)\(stem)-magic-\(suffix)", effect: suffix, description: description,
                            status: status, delayMilliseconds: delay)
        }
    }

    var listing: JSONValue {
        .object([("authorization", .string(authorization)), ("effect", .string(effect)), ("description", .string(description))])
    }
}
