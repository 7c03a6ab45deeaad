import HTTPCore

/// Builds compact JSON straight into bytes. Vendors use it to pre-encode users once and to
/// write envelopes; nothing here goes through Foundation.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Appends bytes that are already valid JSON (e.g. a pre-encoded user).
    public mutating func raw(_ json: some Sequence<UInt8>) { bytes.append(contentsOf: json) }

    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            // A plain index loop: `enumerated()` with `where` cost ~40 instructions a byte (callgrind).
            // Eight bytes at a time while none of them needs escaping: ids and names never do, and
            // the byte loop cost ~10 instructions a byte (~700 for an OpenAI page's two ids).
            var index = 0
            while index < utf8.count {
                if index + 8 <= utf8.count,
                   !Self.mayNeedEscaping(UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = utf8[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<(index - 1)]))
                runStart = index
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
                case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, `"` or a backslash (exact; bytes of 0x80 and
    /// up never count), with the core's whole-word byte tests.
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        UInt64.hasByte(below: 0x20, in: word) || UInt64.hasByte(UInt8(ascii: "\""), in: word)
            || UInt64.hasByte(UInt8(ascii: "\\"), in: word)
    }

    public mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    public mutating func int(_ value: Int) {
        // Digits written on the stack: `String(value)` went through the generic description
        // (~200 instructions for OpenPhone's `totalItems` on every page, callgrind).
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in  // Int.min has 19 digits
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    public mutating func null() { raw("null") }

    /// Writes `"key":` (the key must not need escaping beyond what ``string(_:)`` does).
    public mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// Writes an object from ordered members, calling `body` between the braces.
    public mutating func object(_ body: (inout JSONObjectWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        var members = JSONObjectWriter(writer: self)
        bytes = []  // Leaves `members` the only owner, so appends do not copy the buffer.
        body(&members)
        self = members.writer
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(_, let text): bytes.append(contentsOf: text.utf8)
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { comma() }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, (name, member)) in members.enumerated() {
                if index > 0 { comma() }
                key(name)
                self.value(member)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}

/// Writes the members of one object, inserting commas.
public struct JSONObjectWriter {
    var writer: JSONWriter
    private var isFirst = true

    init(writer: JSONWriter) { self.writer = writer }

    private mutating func next(_ name: String) {
        if !isFirst { writer.comma() }
        isFirst = false
        writer.key(name)
    }

    public mutating func string(_ name: String, _ value: String) { next(name); writer.string(value) }
    public mutating func optionalString(_ name: String, _ value: String?) { next(name); writer.optionalString(value) }
    public mutating func int(_ name: String, _ value: Int) { next(name); writer.int(value) }
    public mutating func bool(_ name: String, _ value: Bool) { next(name); writer.bool(value) }
    public mutating func null(_ name: String) { next(name); writer.null() }
    public mutating func value(_ name: String, _ value: JSONValue) { next(name); writer.value(value) }
    public mutating func raw(_ name: String, _ json: some Sequence<UInt8>) { next(name); writer.raw(json) }
    public mutating func object(_ name: String, _ body: (inout JSONObjectWriter) -> Void) {
        next(name)
        writer.object(body)
    }
}

extension JSONValue {
    /// Indented JSON (2 spaces, `"key": value`, empty containers as `[]`/`{}`), ending in a newline:
    /// the format of the files in `Seeds/`.
    public var prettyText: String {
        var writer = JSONWriter()
        Self.writePretty(self, into: &writer, indent: 0)
        writer.raw("\n")
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    private static func writePretty(_ value: JSONValue, into writer: inout JSONWriter, indent: Int) {
        let inner = String(repeating: " ", count: indent + 2)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            writer.raw("[\n")
            for (index, element) in elements.enumerated() {
                writer.raw(Array(inner.utf8))
                writePretty(element, into: &writer, indent: indent + 2)
                writer.raw(index + 1 < elements.count ? ",\n" : "\n")
            }
            writer.raw(Array(String(repeating: " ", count: indent).utf8))
            writer.raw("]")
        case .object(let members) where !members.isEmpty:
            writer.raw("{\n")
            for (index, (key, member)) in members.enumerated() {
                writer.raw(Array(inner.utf8))
                writer.string(key)
                writer.raw(": ")
                writePretty(member, into: &writer, indent: indent + 2)
                writer.raw(index + 1 < members.count ? ",\n" : "\n")
            }
            writer.raw(Array(String(repeating: " ", count: indent).utf8))
            writer.raw("}")
        default:
            writer.value(value)
        }
    }
}
