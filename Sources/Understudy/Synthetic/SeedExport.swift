/// `understudy seeds export`: generated users written as `Seeds/`-format files a team can commit and edit.
public enum SeedExport {
    /// The seed file text for one vendor: credentials and accounts from the current seeds, users generated.
    public static func fileText(for vendor: any VendorAPI, seed vendorSeed: VendorSeed, count: Int, generationSeed: UInt64) throws(SeedError) -> String {
        let generated = try vendor.makeGeneratedUsers(count: count, seed: generationSeed, vendorSeed: vendorSeed)
        var members: [(String, JSONValue)] = [
            ("vendor", .string(vendor.id)),
            ("credentials", .array(vendorSeed.credentials.map {
                .object([("authorization", .string($0.authorization)), ("role", .string($0.role.rawValue))])
            })),
        ]
        if !vendorSeed.accounts.isEmpty { members.append(("accounts", .array(vendorSeed.accounts.map(JSONValue.string)))) }
        if vendor.syntheticRemovedShare > 0 {
            members.append(("removedUserIds", .array(generated.removedNumbers.map { .string(generated.user($0).id) })))
        }
        members.append(("users", .array((0..<count).map { generated.user($0).document })))
        return JSONValue.object(members).prettyText
    }
}
