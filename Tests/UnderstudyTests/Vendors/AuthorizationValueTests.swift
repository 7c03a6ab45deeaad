import Testing
@testable import Understudy

struct AuthorizationValueTests {
    @Test func splitsOnTheOneSpace() throws {
        let value = try #require(AuthorizationValue("Bearer sk-admin"))
        #expect(value.scheme == "Bearer" && value.credential == "sk-admin")
        #expect(AuthorizationValue("Bearer") == nil)          // no space
        #expect(AuthorizationValue("Bearer ") == nil)         // empty credential
        #expect(AuthorizationValue("Bearer a b") == nil)      // a second space
        #expect(AuthorizationValue("Bearer  a") == nil)
        #expect(AuthorizationValue(" a")?.scheme == "")       // callers trim first; the split itself allows it
        #expect(AuthorizationValue("Bé ké")?.credential == "ké")
    }

    /// ASCII folding decides as `lowercased() ==` does wherever both are ASCII, and never folds
    /// non-letters or non-ASCII bytes (those go to the Unicode comparison).
    @Test func schemeComparisonMatchesLowercasedForASCII() {
        let words = ["Bearer", "bearer", "BEARER", "BeArEr", "Bearer1", "Bear", "API-Key", "api-key", "API_Key", "Token", "@earer", "`earer"]
        for word in words {
            for scheme in words {
                let value = AuthorizationValue("\(scheme) x")!
                #expect(value.schemeIs(word) == (scheme == word), "\(scheme) \(word)")
                #expect(value.schemeIsIgnoringASCIICase(word) == (scheme.lowercased() == word.lowercased()), "\(scheme) \(word)")
            }
        }
        #expect(AuthorizationValue("Bearer x")!.schemeIsASCII)
        #expect(!AuthorizationValue("\u{212A}ey x")!.schemeIsASCII)  // Kelvin sign
        #expect(!AuthorizationValue("\u{212A}ey x")!.schemeIsIgnoringASCIICase("key"))
    }
}
