/// An `Authorization` value split as `<scheme> SP <credential>` on its bytes. The String walk it
/// replaces (`utf8.firstIndex`, `Substring` comparisons) cost ~3 000 instructions a request, paid
/// by every vendor request and twice by 1Password's (callgrind, issue 14).
struct AuthorizationValue {
    /// The value as given (already trimmed by the caller).
    let text: String
    /// Byte offset of the single space between scheme and credential.
    let space: Int

    /// `nil` when there is no space, or the credential after it is empty or holds another space.
    init?(_ text: String) {
        var copy = text
        let space: Int? = copy.withUTF8 { bytes in
            guard let space = bytes.firstIndex(of: UInt8(ascii: " ")), space + 1 < bytes.count,
                  !UnsafeBufferPointer(rebasing: bytes[(space + 1)...]).contains(UInt8(ascii: " ")) else { return nil }
            return space
        }
        guard let space else { return nil }
        self.text = text
        self.space = space
    }

    var scheme: Substring { text.utf8[..<text.utf8.index(text.startIndex, offsetBy: space)].withSubstring }
    var credential: Substring { text.utf8[text.utf8.index(text.startIndex, offsetBy: space + 1)...].withSubstring }

    /// Whether the scheme is `word` byte for byte.
    func schemeIs(_ word: String) -> Bool { compareScheme(word, ignoringCase: false) }

    /// Whether the scheme is `word` with ASCII letters compared case-insensitively (RFC 9110 §11.1),
    /// as `lowercased() ==` decides for ASCII.
    func schemeIsIgnoringASCIICase(_ word: String) -> Bool { compareScheme(word, ignoringCase: true) }

    /// Whether the scheme holds a byte outside ASCII (where only full Unicode case folding decides).
    var schemeIsASCII: Bool {
        var copy = text
        return copy.withUTF8 { bytes in UnsafeBufferPointer(rebasing: bytes[..<space]).allSatisfy { $0 < 0x80 } }
    }

    private func compareScheme(_ word: String, ignoringCase: Bool) -> Bool {
        var copy = text
        var word = word
        return copy.withUTF8 { bytes in
            word.withUTF8 { expected in
                guard expected.count == space else { return false }
                for index in 0..<space where bytes[index] != expected[index] {
                    let folded = bytes[index] | 0x20
                    guard ignoringCase, folded == expected[index] | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else { return false }
                }
                return true
            }
        }
    }
}

private extension Substring.UTF8View {
    var withSubstring: Substring { Substring(self) }
}
