/// Header fields in arrival order, original case kept; lookups ignore case (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header line.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Room for `count` fields without reallocating (requests and responses carry a handful).
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field of this name.
    public mutating func remove(name: String) {
        fields.removeAll { $0.name.isEqualIgnoringASCIICase(name) }
    }

    // Lookups walk the fields by index: `for field in fields` copies each field out, a retain and
    // a release of its name and value per field passed over (callgrind: ~30 per request).

    /// The first value for `name`, compared case-insensitively.
    public subscript(_ name: String) -> String? {
        firstIndex(named: name).map { fields[$0].value }
    }

    /// Every value for `name`, in order (no allocation when there is none: the common case).
    public func values(for name: String) -> [String] {
        var values: [String] = []
        for index in fields.indices where field(index, isNamed: name) { values.append(fields[index].value) }
        return values
    }

    /// How many fields are named `name`.
    public func count(of name: String) -> Int {
        var count = 0
        for index in fields.indices where field(index, isNamed: name) { count += 1 }
        return count
    }

    /// Whether a field named `name` exists.
    public func contains(_ name: String) -> Bool { firstIndex(named: name) != nil }

    private func firstIndex(named name: String) -> Int? {
        for index in fields.indices where field(index, isNamed: name) { return index }
        return nil
    }

    /// Whether field `index` is called `name`. Decided inline where it can be: most fields a lookup
    /// passes over differ in length or else in their first letter (`User-Agent`, `Connection`), and
    /// the names clients usually send are the decoder's literals, so a lookup by the same literal
    /// finds the same small-string bits (`==` compares those first). The call into the byte
    /// comparison cost ~70 instructions a field and ~300 for a match, and a request looks up 5–6
    /// names over its 3–4 fields.
    @inline(__always)
    private func field(_ index: Int, isNamed name: String) -> Bool {
        guard fields[index].name.utf8.count == name.utf8.count else { return false }
        guard let first = fields[index].name.utf8.first, let other = name.utf8.first else { return true }  // both empty
        // ASCII letters fold to the same byte with 0x20 set; other bytes that match so are settled by the full comparison.
        guard first | 0x20 == other | 0x20 else { return false }
        return fields[index].name == name || fields[index].name.isEqualIgnoringASCIICase(name)
    }

    /// Comma-separated tokens across every field of `name`, lowercased and trimmed (e.g. `Connection`).
    public func tokens(for name: String) -> [String] {
        let values = values(for: name)
        guard !values.isEmpty else { return [] }
        return values.flatMap(Self.tokens(in:))
    }

    /// One value's comma-separated tokens, lowercased and trimmed, on `Character`s.
    private static func tokens(in value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingASCIIWhitespace().lowercasedASCII() }.filter { !$0.isEmpty }
    }

    /// Whether `token` (lowercase ASCII) is among ``tokens(for:)`` of `name`, without building that
    /// list: `wantsKeepAlive` asks on every request, and for `Connection: close` the split, trim and
    /// lowercase copies cost ~7 000 instructions (callgrind, issue 14). ASCII values are scanned on
    /// their bytes; a value with other bytes takes the `Character` path, so the answer is the same.
    public func hasToken(_ token: StaticString, for name: String) -> Bool {
        for index in fields.indices where field(index, isNamed: name) {
            var value = fields[index].value
            let found: Bool? = value.withUTF8 { bytes in
                guard bytes.isASCII else { return nil }
                var start = 0
                while start <= bytes.count {
                    let end = bytes.index(of: UInt8(ascii: ","), from: start) ?? bytes.count
                    let element = UnsafeBufferPointer(rebasing: bytes[bytes.trimmingOptionalWhitespace(start..<end)])
                    if element.isEqualIgnoringASCIICase(token) { return true }
                    start = end + 1
                }
                return false
            }
            if found ?? Self.tokens(in: value).contains(token.description) { return true }
        }
        return false
    }
}

extension String {
    /// ASCII-only case-insensitive comparison: header names are tokens, so Unicode folding would be
    /// wrong and slow. Compares contiguous UTF-8 directly (header lookups run several times a request).
    func isEqualIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let fast = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in lhs.isEqualIgnoringASCIICase(rhs) }
        }
        if let result = fast ?? nil { return result }
        return Substring(self).isEqualIgnoringASCIICase(Substring(other))
    }
}

extension StringProtocol {
    /// ASCII-only case-insensitive comparison for substrings (see the `String` overload).
    func isEqualIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var lhs = utf8.makeIterator()
        var rhs = other.utf8.makeIterator()
        while true {
            switch (lhs.next(), rhs.next()) {
            case (nil, nil): return true
            case let (a?, b?):
                if a == b { continue }
                if a | 0x20 == b | 0x20, (a | 0x20) >= UInt8(ascii: "a"), (a | 0x20) <= UInt8(ascii: "z") { continue }
                return false
            default: return false
            }
        }
    }

    func lowercasedASCII() -> String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    func trimmingASCIIWhitespace() -> Substring {
        let string = Substring(self)
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = string.firstIndex(where: { !isSpace($0) }) else { return string[string.endIndex...] }
        let last = string.lastIndex(where: { !isSpace($0) })!
        return string[first...last]
    }
}
