import Testing
@testable import Understudy

struct VendorNumbersTests {
    /// Eight digits are made at a time: every counter must still give what the nibble loop wrote.
    @Test func hex32_isWhatTheNibbleLoopWrote() {
        func reference(_ counter: UInt64, prefix: String) -> String {
            let words = [VendorNumbers.splitMix64(counter), VendorNumbers.splitMix64(counter ^ 0x9E37_79B9_7F4A_7C15)]
            return prefix + words.map { word in
                stride(from: 60, through: 0, by: -4).map { String(word >> UInt64($0) & 0xF, radix: 16) }.joined()
            }.joined()
        }
        var counter: UInt64 = 0
        for step in 0..<2_000 {
            #expect(VendorNumbers.hex32(counter, prefix: "req_") == reference(counter, prefix: "req_"))
            #expect(VendorNumbers.hex32(counter) == reference(counter, prefix: ""))
            counter = counter &* 6_364_136_223_846_793_005 &+ UInt64(step) &+ 1
        }
        for value: UInt32 in [0, 9, 10, 15, 0x0123_4567, 0x89AB_CDEF, .max] {
            let digits = withUnsafeBytes(of: VendorNumbers.hexDigits(of: value).littleEndian) { String(decoding: $0, as: UTF8.self) }
            #expect(digits == String(repeating: "0", count: 8 - String(value, radix: 16).count) + String(value, radix: 16))
        }
    }

    /// The short fast path reads the value itself: it must answer as the general parse does.
    @Test(arguments: ["10", "1", "9", "9999", "1000", "0", "00", "0010", "-1", "-0", "1a", "12 ", " 12", "+1", "", "99999",
                      "\u{0663}", "\u{FF11}", "1\u{0301}", "123456789012345678", "1234567890123456789"])
    func shortIntegers_parseAsTheGeneralPathDoes(text: String) {
        let fast = VendorNumbers.integer(text)
        let general = VendorNumbers.slowInteger(text)
        #expect((fast == nil) == (general == nil))
        guard let fast, let general else { return }
        #expect(fast.canonical == general.canonical)
        #expect(fast.int == general.int)
        #expect(fast.isNegative == general.isNegative)
        for bound in [-5, 0, 1, 10, 100, 10_000] {
            #expect(fast.isAbove(bound) == general.isAbove(bound))
            #expect(fast.isBelow(bound) == general.isBelow(bound))
        }
    }

    /// Request ids are part of what a client sees and must not change between builds (determinism):
    /// the first is the one `x-request-id` carried on a fresh server's first OpenAI response
    /// before the arithmetic rewrite; the others pin the digit order and both ends of the counter.
    @Test func hex32_isByteIdenticalToTheTableVersion() {
        #expect(VendorNumbers.hex32(1, prefix: "req_") == "req_910a2dec89025cc1e99ff867dbf682c9")
        #expect(VendorNumbers.hex32(0) == "e220a8397b1dcdaf6e789e6aa1b965f4")
        #expect(VendorNumbers.hex32(12345) == "22118258a9d111a0b36d477d05033a51")
        #expect(VendorNumbers.hex32(.max, prefix: "req_") == "req_e4d971771b652c20b4d055fcf2cbbd7b")
    }

    @Test(arguments: [
        ("10", 10, false, false), ("007", 7, false, false), ("0", 0, false, true), ("-0", 0, false, true),
        ("-5", -5, false, true), ("100", 100, false, false), ("101", 101, true, false),
        ("999999999999999999", 999_999_999_999_999_999, true, false),
    ])
    func integer_parsesOnceAndComparesAsBefore(text: String, value: Int, above: Bool, below: Bool) throws {
        let parsed = try #require(VendorNumbers.integer(text))
        #expect(parsed.int == value)
        #expect(parsed.isAbove(100) == above)
        #expect(parsed.isBelow(1) == below)
    }

    @Test func integer_beyondEighteenDigitsIsAboveEveryBoundAndBelowNone() throws {
        let huge = try #require(VendorNumbers.integer("99999999999999999999999"))
        #expect(huge.isAbove(100) && !huge.isBelow(1) && huge.int == nil)
        let negative = try #require(VendorNumbers.integer("-99999999999999999999999"))
        #expect(!negative.isAbove(100) && negative.isBelow(1) && negative.canonical == "-99999999999999999999999")
        #expect(VendorNumbers.integer("1.5") == nil && VendorNumbers.integer("+1") == nil && VendorNumbers.integer("") == nil)
        #expect(VendorNumbers.integer("1234567890123456789")?.int == 1_234_567_890_123_456_789)  // 19 digits still converts
    }
}
