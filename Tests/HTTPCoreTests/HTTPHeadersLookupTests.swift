import Testing
@testable import HTTPCore

/// Lookups compare byte counts before bytes: they must still find exactly what a plain
/// case-insensitive comparison of every field finds.
struct HTTPHeadersLookupTests {
    let headers = HTTPHeaders([
        ("Host", "x"), ("AUTHORIZATION", "Bearer a"), ("X-Ab", "same length as Host"), ("authorization", "Bearer b"),
        ("User-Agent", "same length as Connection"), ("Connection", "keep-alive, Upgrade"), ("Ünï", "non-ASCII name"),
        ("connection", "close"), ("@x", "first bytes that differ only in 0x20 but are not letters"), ("", "empty name"),
        // Built from bytes, as the decoder builds names it has no literal for (not the literal's storage).
        (String(decoding: Array("X-Understudy-Session".utf8), as: UTF8.self), "s1"),
    ])

    /// The reference: every field, compared through `lowercased()`.
    func reference(_ name: String) -> [String] {
        headers.fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    @Test(arguments: ["Host", "host", "HOST", "X-AB", "x-ab", "Authorization", "authorization", "Connection",
                      "Ünï", "ünï", "Hos", "Hosts", "", "X-Understudy-Session", "x-understudy-session", "Upgrade",
                      "User-agent", "`x", "@X", "@x"])
    func lookups_agreeWithComparingEveryFieldLowercased(name: String) {
        // `lowercased()` folds non-ASCII letters too; lookups fold ASCII only (header names are tokens).
        let expected = name.utf8.allSatisfy { $0 < 0x80 } ? reference(name) : headers.fields.filter { $0.name == name }.map(\.value)
        #expect(headers.values(for: name) == expected)
        #expect(headers[name] == expected.first)
        #expect(headers.count(of: name) == expected.count)
        #expect(headers.contains(name) == !expected.isEmpty)
    }

    @Test func tokens_spanDuplicateFields() {
        #expect(headers.tokens(for: "CONNECTION") == ["keep-alive", "upgrade", "close"])
        #expect(headers.tokens(for: "Upgrade") == [])
    }
}
