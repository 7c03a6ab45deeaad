import Testing
@testable import Understudy

/// Page tokens are part of the wire: a client may keep one across a server restart or an upgrade, so
/// the bytes must never change. The pinned values were issued by the build before the allocation work.
struct PageTokenTests {
    @Test func tokens_areByteIdenticalToTheOnesIssuedBefore() {
        // Both issued after 100 000 users of `serve --users 1000000 --seed 42` (Benchmarks/deep_cursors.py).
        #expect(Base64.encode(PageToken.encode(sequence: 100_000, scope: "1password|UNDERSTUDYTESTACCOUNT00001|")) == "CKCNBqQarkpioRCh")
        #expect(OpenPhone.encodePageToken(sequence: 100_000) == "CKCNBhYhbZR2v8nt")
    }

    @Test func decode_acceptsOnlyItsOwnScopeAndUntamperedBytes() {
        let token = PageToken.encode(sequence: 123_456_789, scope: "a")
        #expect(PageToken.decode(token, scope: "a") == 123_456_789)
        #expect(PageToken.decode(token, scope: "b") == nil)
        var tampered = token
        tampered[1] ^= 1
        #expect(PageToken.decode(tampered, scope: "a") == nil)
        #expect(PageToken.decode(Array(token.dropLast()), scope: "a") == nil)
    }

    @Test func base64_refusesWhatIsNotBase64() {
        #expect(Base64.decode("Q") == nil)            // a lone character carries no byte
        #expect(Base64.decode("QQ=Q") == nil)         // data after padding
        #expect(Base64.decode("QQ===") == nil)        // too much padding
        #expect(Base64.decode("Q!Q=") == nil)
        #expect(Base64.decode("QQ") == [0x41])
        #expect(Base64.decode("QUI=") == [0x41, 0x42])
        #expect(Base64.decode("-_-_") == Base64.decode("+/+/"))
    }

    @Test func base64_roundTripsEveryLengthInBothAlphabets() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 251) }
            for urlSafe in [false, true] {
                #expect(Base64.decode(Base64.encode(bytes, urlSafe: urlSafe)) == bytes, "\(length) \(urlSafe)")
                #expect(Base64.decode(Base64.encode(bytes, urlSafe: urlSafe, padded: true)) == bytes, "\(length) \(urlSafe) padded")
            }
        }
        #expect(Base64.encode(Array("foobar".utf8), padded: true) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8), padded: true) == "Zm9vYmE=")
        #expect(Base64.encode(Array("foob".utf8), padded: true) == "Zm9vYg==")
    }
}
