import Testing
@testable import HTTPCore

/// Pins the byte-level decoder to what the UTF8View walk it replaced returned, malformed input included.
struct PercentDecodingTests {
    @Test(arguments: [
        ("a%20b", "a b"), ("%41%42", "AB"), ("%zz", "%zz"), ("%", "%"), ("a%4", "a%4"),
        // A bad escape keeps all three bytes and decoding resumes after them.
        ("%%41", "%%41"), ("%4%41", "%4%41"),
        ("100%", "100%"), ("%FF", "\u{FFFD}"), ("caf%C3%A9", "café"),
    ])
    func path_decodesEscapesAndKeepsMalformedOnesLiterally(encoded: String, decoded: String) {
        #expect(PercentDecoding.decode(encoded, plusIsSpace: false) == decoded)
    }

    @Test func query_turnsPlusIntoSpaceExceptInsideAKeptEscape() {
        #expect(PercentDecoding.decode("a+b%2B", plusIsSpace: true) == "a b+")
        #expect(PercentDecoding.decode("%+41", plusIsSpace: true) == "%+41")
        #expect(PercentDecoding.decode("a+b", plusIsSpace: false) == "a+b")
    }

    @Test func queryItems_keepOrderEmptyValuesAndRepeatedNames() {
        let items = PercentDecoding.queryItems("a=1&&b&a=%32&c=x=y&=z")
        #expect(items.map(\.name) == ["a", "b", "a", "c", ""])
        #expect(items.map(\.value) == ["1", "", "2", "x=y", "z"])
    }

    /// Against a plain `split` reference: separators anywhere, `=` before, inside and after an item,
    /// and an `=` only in a later item (the item's own `=` search must stop at its `&`).
    @Test(arguments: ["", "&", "&&&", "=", "==", "a", "a&", "&a", "a=&=b", "a&b=c", "a=b=c&d", "ab&c=d=e&&f=",
                      "x&y&z=1", "%3D=%26&+=+", "a=1&b", "limit=10&after=user-V8v18DT5uHRr42rvuQzTzKPu"])
    func queryItems_matchSplittingOnAmpersandThenTheFirstEquals(query: String) {
        let reference: [(String, String)] = query.split(separator: "&").map { item in
            guard let equals = item.firstIndex(of: "=") else { return (PercentDecoding.decode(item, plusIsSpace: true), "") }
            return (PercentDecoding.decode(item[..<equals], plusIsSpace: true),
                    PercentDecoding.decode(item[item.index(after: equals)...], plusIsSpace: true))
        }
        let items = PercentDecoding.queryItems(query)
        #expect(items.map(\.name) == reference.map(\.0), "\(query)")
        #expect(items.map(\.value) == reference.map(\.1), "\(query)")
    }
}
