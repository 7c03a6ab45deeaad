#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The byte comparisons the core and the vendor layer make on contiguous bytes, in one place:
/// exact (`memcmp`) and ASCII case-insensitive (header names, RFC 9110 §5.1; auth schemes, §11.1).
extension UnsafeBufferPointer<UInt8> {
    /// Byte-for-byte equality.
    package func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard let lhs = baseAddress, let rhs = other.baseAddress, lhs != rhs else { return true }
        return memcmp(lhs, rhs, count) == 0
    }

    /// Equality with ASCII letters folded (`A` = `a`) and every other byte compared exactly, as
    /// `lowercased() ==` decides for ASCII; a non-ASCII byte never folds.
    package func isEqualIgnoringASCIICase(_ other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        for index in 0..<count where self[index] != other[index] {
            let folded = self[index] | 0x20
            guard folded == other[index] | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else { return false }
        }
        return true
    }

    /// Byte-for-byte equality with a literal.
    func isEqual(to literal: StaticString) -> Bool { hasSameBytes(as: literal.bytes) }

    /// ASCII case-insensitive equality with a literal.
    func isEqualIgnoringASCIICase(_ literal: StaticString) -> Bool { isEqualIgnoringASCIICase(literal.bytes) }
}

extension StaticString {
    /// The literal's UTF-8 bytes, which live as long as the program.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}
