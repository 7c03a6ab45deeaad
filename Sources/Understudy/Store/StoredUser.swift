/// One user as a vendor lists it: its wire JSON encoded once, plus the few traits that list
/// filters need, so serving a page is a copy of cached bytes.
public struct StoredUser: Sendable {
    /// The vendor's id for the user (`user-…`, `US…`, …).
    public var id: String
    public var email: String
    /// Compact JSON of the user object, fields in the vendor's order.
    public var json: [UInt8]
    /// 1Password's `SUSPENDED` state.
    public var isSuspended: Bool
    /// PandaDoc's removed membership (hidden by `show_removed=false`).
    public var isRemoved: Bool

    public init(id: String, email: String, json: [UInt8], isSuspended: Bool = false, isRemoved: Bool = false) {
        self.id = id
        self.email = email
        self.json = json
        self.isSuspended = isSuspended
        self.isRemoved = isRemoved
    }

    /// The stored object parsed back, for the admin API.
    public var document: JSONValue { (try? JSONValue.parse(json)) ?? .null }
}
