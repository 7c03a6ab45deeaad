#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte searches over contiguous bytes that the core and the router make on every request: a
/// loop costs ~5–7 instructions a byte, `memchr` and word-at-a-time checks a fraction of that.
extension UnsafeBufferPointer<UInt8> {
    /// The index of the first `byte` at or after `start`, or `nil`.
    package func index(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress, let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// Whether every byte is below 0x80, read eight bytes at a time.
    package var isASCII: Bool {
        guard let base = baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        var seen: UInt64 = 0
        while offset + 8 <= count {
            seen |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            seen |= UInt64(self[offset])
            offset += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }

    /// `range` without the optional whitespace (SP and HTAB, RFC 9110 §5.6.3) at either end: a
    /// field value's, or a list element's.
    @inline(__always)
    package func trimmingOptionalWhitespace(_ range: Range<Int>) -> Range<Int> {
        var low = range.lowerBound, high = range.upperBound
        while low < high, self[low] == .space || self[low] == .tab { low += 1 }
        while high > low, self[high - 1] == .space || self[high - 1] == .tab { high -= 1 }
        return low..<high
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// The eight bytes at `offset` as one word, the first in the lowest byte (whatever the platform's order).
    @inline(__always)
    package func word(at offset: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(baseAddress! + offset).loadUnaligned(as: UInt64.self))
    }

    /// Whether every byte is visible ASCII, 0x21 through 0x7E (a request target), eight at a time.
    package var isVisibleASCII: Bool {
        var offset = 0
        while offset + 8 <= count {
            if UInt64.hasByteOutsideVisibleASCII(word(at: offset)) { return false }
            offset += 8
        }
        while offset < count {
            guard self[offset] > 0x20, self[offset] < 0x7F else { return false }
            offset += 1
        }
        return true
    }
}

/// Whole-word byte tests (SWAR): each answers exactly whether *some* byte of the eight qualifies.
extension UInt64 {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte is below `limit` (at most 0x80).
    @inline(__always)
    package static func hasByte(below limit: UInt64, in word: UInt64) -> Bool {
        (word &- ones &* limit) & ~word & highs != 0
    }

    /// Whether some byte is `byte` (a zero byte after XOR with it in every position).
    @inline(__always)
    package static func hasByte(_ byte: UInt8, in word: UInt64) -> Bool {
        hasByte(below: 1, in: word ^ (ones &* UInt64(byte)))
    }

    /// Whether some byte is 0x7F or above.
    @inline(__always)
    static func hasByteFrom7F(_ word: UInt64) -> Bool {
        (word | ((word & ~highs) &+ ones)) & highs != 0
    }

    /// Whether some byte is a control character (below 0x20) or DEL (0x7F); 0x80 and up never count.
    @inline(__always)
    package static func hasControlOrDelete(_ word: UInt64) -> Bool {
        hasByte(below: 0x20, in: word) || hasByte(0x7F, in: word)
    }

    /// Whether some byte is not visible ASCII (0x20 and below, 0x7F and above).
    @inline(__always)
    package static func hasByteOutsideVisibleASCII(_ word: UInt64) -> Bool {
        hasByte(below: 0x21, in: word) || hasByteFrom7F(word)
    }
}
