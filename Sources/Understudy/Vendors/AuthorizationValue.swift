import HTTPCore

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

    var scheme: Substring { Substring(text.utf8[..<text.utf8.index(text.startIndex, offsetBy: space)]) }
    var credential: Substring { Substring(text.utf8[text.utf8.index(text.startIndex, offsetBy: space + 1)...]) }

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
                let scheme = UnsafeBufferPointer(rebasing: bytes[..<space])
                return ignoringCase ? scheme.isEqualIgnoringASCIICase(expected) : scheme.hasSameBytes(as: expected)
            }
        }
    }
}
