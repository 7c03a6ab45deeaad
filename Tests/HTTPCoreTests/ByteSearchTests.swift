import Testing
@testable import HTTPCore

/// The word-at-a-time and `memchr` byte tests must answer as plain byte loops do, for every byte
/// value and wherever it falls among eight.
struct ByteSearchTests {
    /// The switch the token masks replaced (RFC 9110 §5.6.2 tchar).
    func isTokenReference(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    @Test func tokenMasks_agreeWithTheCharacterList() {
        for byte in UInt8.min...UInt8.max { #expect(byte.isTokenCharacter == isTokenReference(byte), "byte \(byte)") }
    }

    @Test func wordTests_agreeWithByteLoops_forEveryByteAtEveryPosition() {
        for filler: UInt8 in [0x41, 0x7E, 0x21, 0x80, 0xFF] {
            for byte in UInt8.min...UInt8.max {
                for position in 0..<8 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = byte
                    bytes.withUnsafeBufferPointer { buffer in
                        let word = buffer.word(at: 0)
                        #expect(UInt64.hasControlOrDelete(word) == buffer.contains { !$0.isFieldValueCharacter || $0 == .tab })
                        #expect(UInt64.hasByteOutsideVisibleASCII(word) == buffer.contains { $0 <= 0x20 || $0 >= 0x7F })
                        #expect(buffer.isVisibleASCII == buffer.allSatisfy { $0 > 0x20 && $0 < 0x7F })
                        #expect(buffer.isASCII == buffer.allSatisfy { $0 < 0x80 })
                    }
                }
            }
        }
    }

    @Test func searches_agreeWithByteLoops_atEveryLength() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: 0x30 + $0 % 7 * 11) }
            bytes.withUnsafeBufferPointer { buffer in
                #expect(buffer.isVisibleASCII == buffer.allSatisfy { $0 > 0x20 && $0 < 0x7F })
                #expect(buffer.isASCII)
                for start in 0...length {
                    for byte: UInt8 in [0x30, 0x3B, 0x46, 0x51, 0x5C, 0x67] {
                        #expect(buffer.index(of: byte, from: start) == buffer[start...].firstIndex(of: byte))
                    }
                }
            }
        }
    }
}
