import HTTPCore
import Testing
@testable import Understudy

/// The journal shares a part with the previous entry only when it is the same bytes; `==` on
/// strings is the wrong test for that, since it treats canonically equivalent spellings as equal.
@Suite struct SameBytesTests {
    @Test func strings_compareBytes_notCanonicalEquivalence() {
        #expect("caf\u{E9}".hasSameBytes(as: "caf\u{E9}"))
        #expect(!"caf\u{E9}".hasSameBytes(as: "cafe\u{301}"))
        #expect("".hasSameBytes(as: ""))
        #expect(!"a".hasSameBytes(as: ""))
        // Small (inline) and heap-allocated strings, equal and differing only in the last byte.
        let long = String(repeating: "x", count: 40)
        #expect(long.hasSameBytes(as: String(repeating: "x", count: 40)))
        #expect(!long.hasSameBytes(as: String(repeating: "x", count: 39) + "y"))
        #expect(!"short1".hasSameBytes(as: "short2"))
    }

    @Test func byteArrays_equalOnlyWhenEveryByteIs() {
        let body = [UInt8](repeating: 7, count: 8192)
        #expect(body.hasSameBytes(as: body))  // the same storage
        #expect(body.hasSameBytes(as: [UInt8](repeating: 7, count: 8192)))
        var lastDiffers = body
        lastDiffers[8191] = 8
        #expect(!body.hasSameBytes(as: lastDiffers))
        #expect(!body.hasSameBytes(as: Array(body.dropLast())))
        #expect([UInt8]().hasSameBytes(as: []))
    }

    @Test func headers_sameFieldsInOrder_namesByteForByte() {
        let headers: HTTPHeaders = ["Host": "h", "Authorization": "Bearer k"]
        #expect(headers.hasSameBytes(as: ["Host": "h", "Authorization": "Bearer k"]))
        #expect(!headers.hasSameBytes(as: ["host": "h", "Authorization": "Bearer k"]))  // header lookups ignore case; sharing must not
        #expect(!headers.hasSameBytes(as: ["Authorization": "Bearer k", "Host": "h"]))
        #expect(!headers.hasSameBytes(as: ["Host": "h"]))
        #expect(!headers.hasSameBytes(as: ["Host": "h", "Authorization": "Bearer K"]))
    }

    @Test func queryItems_sameItemsInOrder() {
        let items = [HTTPRequest.QueryItem(name: "limit", value: "10"), .init(name: "after", value: "u1")]
        #expect(items.hasSameBytes(as: [.init(name: "limit", value: "10"), .init(name: "after", value: "u1")]))
        #expect(!items.hasSameBytes(as: [.init(name: "limit", value: "10"), .init(name: "after", value: "u2")]))
        #expect(!items.hasSameBytes(as: [.init(name: "limit", value: "10")]))
        #expect(!items.hasSameBytes(as: [.init(name: "limit", value: "1\u{30}"), .init(name: "After", value: "u1")]))
    }

    /// Every length around the word size, with one differing byte at every position: the last
    /// word overlaps the ones before, so no byte may fall between them.
    @Test func sameWords_findsADifferenceAtAnyPosition() {
        for length in 0...33 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            bytes.withUnsafeBytes { original in
                bytes.withUnsafeBytes { copy in #expect(sameWords(original, copy)) }
            }
            for position in 0..<length {
                var changed = bytes
                changed[position] ^= 0x40
                bytes.withUnsafeBytes { original in
                    changed.withUnsafeBytes { other in #expect(!sameWords(original, other), "length \(length), byte \(position)") }
                }
            }
        }
    }
}
