import Synchronization

/// Strict integer parsing shared by vendors: digits only (an optional leading `-`), any length,
/// so that `limit=999999999999999999999` is "above maximum" rather than "not an integer".
struct VendorInteger {
    let isNegative: Bool
    /// Digits without leading zeros (`"0"` for zero).
    let digits: Substring
    /// The digits' value, parsed once, when there are at most 18 of them (always fits an `Int`);
    /// longer ones are beyond every bound a vendor checks. Every `limit=10` asked for it three times.
    private let magnitude: Int?

    init(isNegative: Bool, digits: Substring) {
        self.isNegative = isNegative
        self.digits = digits
        // Byte count: the digits are ASCII, and `Substring.count` would walk grapheme clusters.
        magnitude = digits.utf8.count <= 18 ? Int(digits) : nil
    }

    /// Digits whose value the caller has already read (the short fast path of ``VendorNumbers/integer(_:)``).
    fileprivate init(positiveDigits digits: Substring, magnitude: Int) {
        isNegative = false
        self.digits = digits
        self.magnitude = magnitude
    }

    /// The value as sent, canonicalised (`007` → `7`, `-0` → `0`).
    var canonical: String { isNegative && digits != "0" ? "-\(digits)" : String(digits) }

    var int: Int? {
        if let magnitude { return isNegative ? -magnitude : magnitude }
        return isNegative ? Int(canonical) : Int(digits)
    }

    func isAbove(_ bound: Int) -> Bool {
        if isNegative { return false }
        guard let magnitude else { return true }
        return magnitude > bound
    }

    func isBelow(_ bound: Int) -> Bool {
        if isNegative, digits != "0" {
            guard let magnitude else { return true }
            return -magnitude < bound
        }
        guard let magnitude else { return false }
        return magnitude < bound
    }
}

enum VendorNumbers {
    /// Parses `^-?[0-9]+$`; anything else (spaces, `+`, decimals, exponents) is `nil`.
    static func integer(_ text: String) -> VendorInteger? {
        // Fast path for the usual short positive value (`limit=10`).
        let utf8 = text.utf8
        if utf8.count <= 4, let first = utf8.first, first >= 49, first <= 57 {
            // The value is read on the way: `Int(Substring)` cost ~300 instructions for `10`.
            var magnitude = 0
            for byte in utf8 {
                guard byte >= 48, byte <= 57 else { return slowInteger(text) }
                magnitude = magnitude * 10 + Int(byte - 48)
            }
            return VendorInteger(positiveDigits: Substring(text), magnitude: magnitude)
        }
        return slowInteger(text)
    }

    /// ``integer(_:)`` for every text: sign, leading zeros, any length.
    static func slowInteger(_ text: String) -> VendorInteger? {
        var body = Substring(text)
        let isNegative = body.first == "-"
        if isNegative { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let trimmed = body.drop { $0 == "0" }
        return VendorInteger(isNegative: isNegative, digits: trimmed.isEmpty ? "0" : trimmed)
    }

    /// `prefix` and 32 lowercase hex digits derived from `counter` (deterministic, random-looking
    /// request ids), built in one allocation.
    static func hex32(_ counter: UInt64, prefix: StaticString = "") -> String {
        let words = (splitMix64(counter), splitMix64(counter ^ 0x9E37_79B9_7F4A_7C15))
        return String(unsafeUninitializedCapacity: prefix.utf8CodeUnitCount + 32) { buffer in
            var position = 0
            prefix.withUTF8Buffer { for byte in $0 { buffer[position] = byte; position += 1 } }
            func append(_ word: UInt64) {
                for shift in stride(from: 60, through: 0, by: -4) {
                    // Arithmetic instead of a table lookup through a closure: `0`–`9` from 48, `a`–`f` from 97.
                    let nibble = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0xF
                    buffer[position] = nibble + (nibble < 10 ? 48 : 87)
                    position += 1
                }
            }
            append(words.0)
            append(words.1)
            return position
        }
    }

    /// SplitMix64's finaliser: a cheap bijective scramble.
    static func splitMix64(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A thread-safe counter starting at 1, for reproducible request ids.
final class Counter: Sendable {
    private let value = Atomic<UInt64>(0)

    func next() -> UInt64 { value.add(1, ordering: .relaxed).newValue }
}
