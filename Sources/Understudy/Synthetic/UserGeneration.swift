/// `serve --users`: how many users to generate per vendor, and from which seed.
public struct UserGeneration: Sendable, Equatable {
    /// Users per vendor id; vendors not listed keep their seed users.
    public var counts: [String: Int]
    public var seed: UInt64

    public init(counts: [String: Int], seed: UInt64 = 1) {
        self.counts = counts
        self.seed = seed
    }

    /// Parses `1000` (every vendor) or `openai=1000000,factory=50`.
    public static func parseCounts(_ text: String, vendors: [String]) -> [String: Int]? {
        if let all = Int(text) {
            guard all >= 0 else { return nil }
            return Dictionary(uniqueKeysWithValues: vendors.map { ($0, all) })
        }
        var counts: [String: Int] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, vendors.contains(String(parts[0])), let count = Int(parts[1]), count >= 0 else { return nil }
            counts[String(parts[0])] = count
        }
        return counts.isEmpty ? nil : counts
    }

    /// Largest supported count per vendor: ids and sequence numbers stay well inside their ranges.
    public static let maximumCount = 100_000_000
}

extension VendorAPI {
    /// Generated user `number` of `count`, validated by the vendor's own seed reader.
    func generatedUser(_ number: Int, count: Int, seed: UInt64, vendorSeed: VendorSeed) throws(SeedError) -> StoredUser {
        var person = SyntheticPerson(number: number, seed: seed, idFormat: syntheticIDFormat, count: count)
        return try makeUser(from: syntheticUser(&person, seed: vendorSeed), path: "generated[\(number)]")
    }

    /// The generated block for `serve --users`, after checking the first and last users validate.
    func makeGeneratedUsers(count: Int, seed: UInt64, vendorSeed: VendorSeed) throws(SeedError) -> GeneratedUsers {
        for number in Set([0, max(count - 1, 0)]) where count > 0 {
            _ = try generatedUser(number, count: count, seed: seed, vendorSeed: vendorSeed)
        }
        let vendor = self
        return GeneratedUsers(count: count, seed: seed, idFormat: syntheticIDFormat, removedShare: syntheticRemovedShare) { number in
            // Validated above for this vendor's generator; a failure here would be a generator bug,
            // answered with the first user rather than a crash.
            (try? vendor.generatedUser(number, count: count, seed: seed, vendorSeed: vendorSeed))
                ?? StoredUser(id: "invalid-\(number)", email: "", json: Array("{}".utf8))
        }
    }
}
