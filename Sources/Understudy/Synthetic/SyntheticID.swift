import HTTPCore

/// Vendor-format ids for generated users that decode back to the user's number, so a million
/// generated users need no id table: `after=<id>` or a cursor naming a user is an arithmetic
/// lookup. The number is scrambled by an invertible 64-bit permutation keyed by the seed, so
/// consecutive users get unrelated-looking ids.
public struct SyntheticIDFormat: Sendable {
    public var prefix: String
    /// Characters the vendor's ids use, in any fixed order.
    public var alphabet: [UInt8]
    /// Characters after the prefix.
    public var length: Int

    /// Digits needed to write any 64-bit value in this alphabet (capped at `length`).
    private let digitsNeeded: Int
    /// Each byte's digit value in `alphabet`, 255 for bytes outside it (a cursor is decoded per deep page).
    private let digitValues: [UInt8]
    /// Scrambles over as many bits as the id's characters can hold (47 for OpenPhone's 8 base62 characters).
    private let permutation: Permutation

    public init(prefix: String, alphabet: String, length: Int) {
        self.prefix = prefix
        self.alphabet = Array(alphabet.utf8)
        self.length = length
        var values = [UInt8](repeating: 255, count: 256)
        for (value, byte) in self.alphabet.enumerated().reversed() { values[Int(byte)] = UInt8(value) }
        digitValues = values
        let base = Double(self.alphabet.count)
        var digits = 0
        var capacity: Double = 1
        while capacity < 18_446_744_073_709_551_616.0 {
            capacity *= base
            digits += 1
        }
        digitsNeeded = min(digits, length)
        var representable: Double = 1
        for _ in 0..<digitsNeeded { representable *= base }
        var bits = 0
        var power: Double = 2
        while bits < 64, power <= representable {
            bits += 1
            power *= 2
        }
        permutation = Permutation(bits: bits)
    }

    /// `[A-Za-z0-9]`, OpenAI-style.
    public static let base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    /// RFC 4648 base32 (1Password's 26-character ids).
    public static let base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    /// Crockford base32 (ULIDs, WorkOS ids).
    public static let crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    /// shortuuid's base57 (PandaDoc ids): no 0, 1, I, O, l.
    public static let base57 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

    /// The id of generated user `number`.
    public func id(for number: Int, seed: UInt64) -> String {
        var digits = [UInt8](repeating: 0, count: length)
        digits.withUnsafeMutableBufferPointer { writeDigits(of: number, seed: seed, into: $0) }
        return prefix + String(decoding: digits, as: UTF8.self)
    }

    /// The characters after the prefix of user `number`'s id.
    private func writeDigits(of number: Int, seed: UInt64, into digits: UnsafeMutableBufferPointer<UInt8>) {
        let scrambled = permutation.forward(UInt64(number) ^ seedMask(seed))
        var value = scrambled
        let base = UInt64(alphabet.count)
        // Low-order digits carry the number; the rest are filler derived from it, so every id
        // has the vendor's full length and still decodes uniquely.
        var filler = VendorNumbers.splitMix64(scrambled ^ 0xA5A5_A5A5_A5A5_A5A5)
        for position in stride(from: length - 1, through: 0, by: -1) {
            if value > 0 || position >= length - digitsNeeded {
                digits[position] = alphabet[Int(value % base)]
                value /= base
            } else {
                digits[position] = alphabet[Int(filler % base)]
                filler = VendorNumbers.splitMix64(filler)
            }
        }
    }

    /// The number of the generated user with this id, or `nil` if it is not one.
    public func number(of id: String, seed: UInt64, count: Int) -> Int? {
        // On the bytes, with no String built to check the answer: every `after`/cursor naming a
        // generated user comes through here (a deep page cost a fifth more than the first one).
        if let number = id.utf8.withContiguousStorageIfAvailable({ number(of: $0, seed: seed, count: count) }) { return number }
        return Array(id.utf8).withUnsafeBufferPointer { number(of: $0, seed: seed, count: count) }
    }

    private func number(of id: UnsafeBufferPointer<UInt8>, seed: UInt64, count: Int) -> Int? {
        var prefix = prefix
        let prefixLength = prefix.utf8.count
        // memcmp, like the filler check below (`elementsEqual` walked the prefix through iterators).
        guard id.count == prefixLength + length,
              prefix.withUTF8({ UnsafeBufferPointer(rebasing: id[..<prefixLength]).hasSameBytes(as: $0) }) else { return nil }
        let body = UnsafeBufferPointer(rebasing: id[prefixLength...])
        var value: UInt64 = 0
        let base = UInt64(alphabet.count)
        for digit in body[(length - digitsNeeded)...] {
            let index = digitValues[Int(digit)]
            guard index != 255 else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: base)
            guard !overflow else { return nil }
            let (sum, overflowAdd) = shifted.addingReportingOverflow(UInt64(index))
            guard !overflowAdd else { return nil }
            value = sum
        }
        guard value <= permutation.mask else { return nil }
        let number = permutation.inverse(value) ^ seedMask(seed)
        guard number < UInt64(count) else { return nil }
        // The filler digits must be the ones this number writes, or the id is not one we handed out.
        let matches = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { digits in
            writeDigits(of: Int(number), seed: seed, into: digits)
            // memcmp: the generic `elementsEqual` walked both buffers through iterators (~750
            // instructions of a deep Factory page, callgrind).
            return UnsafeBufferPointer(digits).hasSameBytes(as: body)
        }
        return matches ? Int(number) : nil
    }

    private func seedMask(_ seed: UInt64) -> UInt64 { VendorNumbers.splitMix64(seed ^ 0x5EED_5EED_5EED_5EED) & permutation.mask }
}

/// A bijection on `bits`-bit integers (MurmurHash3's finaliser, masked) with its inverse:
/// xor-shifts and odd multiplications are each invertible modulo 2^bits.
struct Permutation {
    let bits: Int
    let mask: UInt64
    private let shift: UInt64

    static let first: UInt64 = 0xFF51_AFD7_ED55_8CCD
    static let second: UInt64 = 0xC4CE_B9FE_1A85_EC53
    static let firstInverse = multiplicativeInverse(first)
    static let secondInverse = multiplicativeInverse(second)

    init(bits: Int) {
        self.bits = bits
        mask = bits >= 64 ? .max : (1 << UInt64(bits)) - 1
        shift = UInt64(max(1, (bits + 1) / 2))
    }

    func forward(_ value: UInt64) -> UInt64 {
        var h = value & mask
        h ^= h >> shift
        h = (h &* Self.first) & mask
        h ^= h >> shift
        h = (h &* Self.second) & mask
        h ^= h >> shift
        return h
    }

    func inverse(_ value: UInt64) -> UInt64 {
        var h = undoShift(value & mask)
        h = (h &* Self.secondInverse) & mask
        h = undoShift(h)
        h = (h &* Self.firstInverse) & mask
        return undoShift(h)
    }

    private func undoShift(_ value: UInt64) -> UInt64 {
        var result = value
        var covered = shift
        while covered < UInt64(bits) {
            result = value ^ (result >> shift)
            covered += shift
        }
        return result
    }

    /// Newton's iteration for the inverse of an odd number modulo 2^64.
    private static func multiplicativeInverse(_ odd: UInt64) -> UInt64 {
        var inverse = odd
        for _ in 0..<6 { inverse &*= 2 &- odd &* inverse }
        return inverse
    }
}
