#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes into memory already sized for them: a response head is measured first, written
/// here, then appended to the output in one copy. Appending each piece to the output array
/// instead checked its uniqueness and capacity a dozen times a response (callgrind: ~1 300
/// instructions a head).
struct HeadWriter {
    private let base: UnsafeMutableRawPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        memcpy(base + count, source, bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func write(_ literal: StaticString) {
        memcpy(base + count, literal.utf8Start, literal.utf8CodeUnitCount)
        count += literal.utf8CodeUnitCount
    }

    /// Native and small strings are contiguous; a bridged one is copied out first.
    @inline(__always)
    mutating func write(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ write($0) }) == nil {
            Array(text.utf8).withUnsafeBufferPointer { write($0) }
        }
    }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// A non-negative integer in decimal, `digits` long (see ``decimalDigits(_:)``).
    @inline(__always)
    mutating func writeDecimal(_ value: Int, digits: Int) {
        var remaining = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            base.storeBytes(of: UInt8(48 + remaining % 10), toByteOffset: count + offset, as: UInt8.self)
            remaining /= 10
        }
        count += digits
    }

    /// How many digits `value` (non-negative) has in decimal.
    static func decimalDigits(_ value: Int) -> Int {
        var digits = 1
        var remaining = value
        while remaining >= 10 {
            remaining /= 10
            digits += 1
        }
        return digits
    }
}
