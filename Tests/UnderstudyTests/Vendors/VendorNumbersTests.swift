import Testing
@testable import Understudy

struct VendorNumbersTests {
    /// Request ids are part of what a client sees and must not change between builds (determinism):
    /// the first is the one `x-request-id` carried on a fresh server's first OpenAI response
    /// before the arithmetic rewrite; the others pin the digit order and both ends of the counter.
    @Test func hexDigits_matchesStringRadix() {
        for value: UInt32 in [0, 1, 9, 10, 15, 16, 0xABCD_EF01, 0x1234_5678, 0x9FA0_0AF9, .max, .max - 1] {
            let bytes = withUnsafeBytes(of: VendorNumbers.hexDigits(value)) { Array($0) }
            let expected = String(value, radix: 16)
            #expect(String(decoding: bytes, as: UTF8.self) == String(repeating: "0", count: 8 - expected.count) + expected)
        }
    }

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
