/// The values of a route's `{name}` segments, by name (`request.parameters["user"]`).
///
/// A pattern has at most a few parameters, so they are kept as pairs in route order and found by a
/// linear scan: a `[String: String]` hashed every name on insert and on each lookup, which cost
/// ~2 600 instructions of a 1Password page (callgrind, issue 14), for a path with one parameter.
public struct RouteParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var pairs: [(name: String, value: String)]

    /// No parameters (a literal route); makes no allocation.
    public init() { pairs = [] }

    init(reservingCapacity capacity: Int) {
        pairs = []
        pairs.reserveCapacity(capacity)
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        pairs = []
        for (name, value) in elements { self[name] = value }
    }

    /// The value of parameter `name`, or nil when the route has none by that name. Setting replaces
    /// an existing value in place, and `nil` removes it.
    public subscript(name: String) -> String? {
        get {
            for pair in pairs where pair.name == name { return pair.value }
            return nil
        }
        set {
            if let index = pairs.firstIndex(where: { $0.name == name }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append((name, newValue))
            }
        }
    }

    /// Appends a parameter the caller knows is not there yet (a pattern's names are distinct).
    mutating func appendNew(name: String, value: String) { pairs.append((name, value)) }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    /// Equal when they hold the same names with the same values, in any order (as dictionaries are).
    public static func == (lhs: RouteParameters, rhs: RouteParameters) -> Bool {
        lhs.pairs.count == rhs.pairs.count && lhs.pairs.allSatisfy { rhs[$0.name] == $0.value }
    }
}
