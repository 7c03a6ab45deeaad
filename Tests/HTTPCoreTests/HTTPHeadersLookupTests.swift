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

    /// `hasToken` answers what `tokens(for:).contains` answers, for values that split, trim or fold
    /// in every way, including non-ASCII ones (which take the `Character` path: `,\u{301}` is not a comma).
    @Test(arguments: ["close", "Close", " close ", "\tCLOSE\t", "keep-alive, close", "keep-alive,close,", ",,close",
                      "closed", "clos", "c lose", "", ",", " , ", "keep-alive", "close\u{301}", "close,\u{301}",
                      "ünï, close", "ünï,close\u{301}", "x, \u{212A}eep-alive", "keep-alive ;q=1"])
    func hasToken_agreesWithTheTokenList(value: String) {
        let single = HTTPHeaders([("Connection", value)])
        #expect(single.hasToken("close", for: "connection") == single.tokens(for: "Connection").contains("close"), "\(value)")
        #expect(single.hasToken("keep-alive", for: "CONNECTION") == single.tokens(for: "Connection").contains("keep-alive"), "\(value)")
        let spread = HTTPHeaders([("Connection", "upgrade"), ("Host", "x"), ("connection", value)])
        #expect(spread.hasToken("close", for: "Connection") == spread.tokens(for: "Connection").contains("close"), "\(value)")
        #expect(!single.hasToken("close", for: "Upgrade"))
    }

    @Test func hasToken_findsATokenInAnyFieldOfTheName() {
        #expect(headers.hasToken("close", for: "Connection"))
        #expect(headers.hasToken("upgrade", for: "connection"))
        #expect(!headers.hasToken("h2c", for: "Connection"))
    }
}
