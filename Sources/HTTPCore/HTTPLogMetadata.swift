/// A few key/value fields for access logs and journals. The first two live inline, so tagging
/// a response (`vendor`, `fault`) costs no allocation on the hot path.
public struct HTTPLogMetadata: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var first: (key: String, value: String)?
    private var second: (key: String, value: String)?
    private var others: [String: String] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: String) -> String? {
        get {
            if Self.matches(first, key) { return first!.value }
            if Self.matches(second, key) { return second!.value }
            return others[key]
        }
        set {
            if first?.key == key { first = newValue.map { (key, $0) }; return }
            if second?.key == key { second = newValue.map { (key, $0) }; return }
            guard let newValue else { others[key] = nil; return }
            if first == nil { first = (key, newValue) } else if second == nil { second = (key, newValue) } else { others[key] = newValue }
        }
    }

    /// Whether `pair` holds `key`, read in place: `if let pair` copied the pair out, a retain and
    /// a release of its key and value for every field a lookup passes over.
    private static func matches(_ pair: borrowing (key: String, value: String)?, _ key: String) -> Bool {
        switch pair {
        case .some(let stored): stored.key == key
        case .none: false
        }
    }

    public var isEmpty: Bool { first == nil && second == nil && others.isEmpty }

    public static func == (lhs: HTTPLogMetadata, rhs: HTTPLogMetadata) -> Bool {
        lhs.dictionary == rhs.dictionary
    }

    /// Every field, as a dictionary.
    public var dictionary: [String: String] {
        var all = others
        if let first { all[first.key] = first.value }
        if let second { all[second.key] = second.value }
        return all
    }
}
