import Testing
@testable import Understudy

/// `JSONWriter.string` skips eight bytes at a time that need no escaping: it must write exactly
/// what escaping byte by byte writes, wherever the bytes to escape fall.
struct JSONWriterStringTests {
    /// JSON string escaping one byte at a time (RFC 8259 §7, as the writer spells it).
    func reference(_ text: String) -> [UInt8] {
        var output: [UInt8] = [34]
        for byte in text.utf8 {
            switch byte {
            case 34: output += [92, 34]
            case 92: output += [92, 92]
            case 0x0A: output += [92, 110]
            case 0x0D: output += [92, 114]
            case 0x09: output += [92, 116]
            case ..<0x20: output += Array("\\u00".utf8) + Array(String(byte, radix: 16).count == 1 ? "0\(String(byte, radix: 16))".utf8 : String(byte, radix: 16).utf8)
            default: output.append(byte)
            }
        }
        return output + [34]
    }

    @Test func everyEscapeAtEveryPosition_isWrittenAsByteByByte() {
        let specials: [String] = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", " ", "!", "#", "[", "]", "é", "✓", "\u{80}"]
        for length in 0..<24 {
            for special in specials {
                for position in 0...length {
                    var characters = Array(repeating: Character("a"), count: length)
                    characters.insert(Character(special), at: position)
                    let text = String(characters)
                    var writer = JSONWriter()
                    writer.string(text)
                    #expect(writer.bytes == reference(text), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test func mayNeedEscaping_agreesWithAByteCheck() {
        var state: UInt64 = 0x1234_5678_9ABC_DEF0
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Bias bytes towards the interesting values (0x1F/0x20, 0x21-0x23, 0x5B-0x5D, 0x7F-0x80).
            let interesting: [UInt8] = [0x00, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x41]
            var word: UInt64 = 0
            for byte in 0..<8 {
                let pick = Int(truncatingIfNeeded: state >> UInt64(byte * 8)) & 0xFF
                let value = pick < 200 ? UInt8(0x41 + pick % 26) : interesting[pick % interesting.count]
                word |= UInt64(value) << UInt64(byte * 8)
            }
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> UInt64($0 * 8)) }
            #expect(JSONWriter.mayNeedEscaping(word) == bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
        }
    }
}
