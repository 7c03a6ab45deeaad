/// One user as a vendor lists it: its wire JSON encoded once, plus the few flags its list filters
/// need, so serving a page is a copy of cached bytes.
public struct StoredUser: Sendable {
    /// The vendor's id for the user (`user-…`, `US…`, …).
    public var id: String
    public var email: String
    /// Compact JSON of the user object, fields in the vendor's order.
    public var json: [UInt8]
    /// What the vendor's filters look at. The store knows only ``UserFlags/hidden``; each vendor
    /// defines its own flags (and names for them) in its own files.
    public var flags: UserFlags

    public init(id: String, email: String, json: [UInt8], flags: UserFlags = []) {
        self.id = id
        self.email = email
        self.json = json
        self.flags = flags
    }

    /// Left out of the vendor's filtered listing; the store ranks hidden users so a deep filtered
    /// page is a binary search, not a scan (PandaDoc's removed memberships).
    public var isHidden: Bool {
        get { flags.contains(.hidden) }
        set { if newValue { flags.insert(.hidden) } else { flags.remove(.hidden) } }
    }

    /// The stored object parsed back, for the admin API.
    public var document: JSONValue { (try? JSONValue.parse(json)) ?? .null }
}

/// Per-user flags for list filters. Bit 0 is the store's own (``hidden``); vendors declare theirs
/// from bit 1 up, next to the code that uses them (`UserFlags.suspended` in OnePassword/).
public struct UserFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// See ``StoredUser/isHidden``.
    public static let hidden = UserFlags(rawValue: 1 << 0)
}
