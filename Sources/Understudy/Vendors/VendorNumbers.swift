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
            let start = prefix.withUTF8Buffer { buffer.initialize(fromContentsOf: $0) }
            let raw = UnsafeMutableRawPointer(buffer.baseAddress! + start)
            // Eight digits at a time (a digit a byte, most significant first), not a nibble per loop
            // turn: OpenAI's x-request-id is made on every response (callgrind: ~670 -> ~100).
            let halves = (UInt32(truncatingIfNeeded: words.0 >> 32), UInt32(truncatingIfNeeded: words.0),
                          UInt32(truncatingIfNeeded: words.1 >> 32), UInt32(truncatingIfNeeded: words.1))
            raw.storeBytes(of: hexDigits(of: halves.0).littleEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: hexDigits(of: halves.1).littleEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: hexDigits(of: halves.2).littleEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: hexDigits(of: halves.3).littleEndian, toByteOffset: 24, as: UInt64.self)
            return start + 32
        }
    }

    /// The eight lowercase hex digits of `value` as ASCII bytes, the first digit in the lowest byte.
    static func hexDigits(of value: UInt32) -> UInt64 {
        // Spread the nibbles one a byte (nibble i in byte i), then put the most significant first.
        var spread = UInt64(value)
        spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
        spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
        spread = (spread | spread << 4) & 0x0F0F_0F0F_0F0F_0F0F
        spread = spread.byteSwapped
        // `0`–`9` from 48, `a`–`f` from 97: 39 more for each nibble of 10 or above.
        let isLetter = ((spread &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return spread &+ 0x3030_3030_3030_3030 &+ isLetter &* 39
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
