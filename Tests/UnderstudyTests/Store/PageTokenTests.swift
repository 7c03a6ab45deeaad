import Testing
@testable import Understudy

/// Page tokens are part of the wire: a client may keep one across a server restart or an upgrade, so
/// the bytes must never change. The pinned values were issued by the build before the allocation work.
struct PageTokenTests {
    /// The encoder as it was, appending table characters to an array: the reference the
    /// computed-character encoder must match.
    static func referenceBase64(_ bytes: [UInt8], urlSafe: Bool, padded: Bool) -> String {
        let alphabet = Array(("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (urlSafe ? "-_" : "+/")).utf8)
        var output: [UInt8] = []
        var index = 0
        while index + 2 < bytes.count {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output += [18, 12, 6, 0].map { alphabet[Int(chunk >> $0 & 63)] }
            index += 3
        }
        if bytes.count - index == 1 {
            let chunk = UInt32(bytes[index]) << 16
            output += [18, 12].map { alphabet[Int(chunk >> $0 & 63)] } + (padded ? [61, 61] : [])
        } else if bytes.count - index == 2 {
            let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            output += [18, 12, 6].map { alphabet[Int(chunk >> $0 & 63)] } + (padded ? [61] : [])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The token as it was built, in a growing array: body, scope hashed, then the MAC.
    static func referenceToken(sequence: UInt64, scope: String) -> [UInt8] {
        var body: [UInt8] = [0x08]
        var value = sequence
        repeat {
            body.append(UInt8(value & 0x7F) | (value >> 7 != 0 ? 0x80 : 0))
            value >>= 7
        } while value != 0
        let mac = SipHash.hash(body + Array(scope.utf8))
        return body + withUnsafeBytes(of: mac.littleEndian) { Array($0) }
    }

    @Test func base64_isWhatTheTableEncoderWrote() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ length &* 7 &+ 3) }
            for urlSafe in [false, true] {
                for padded in [false, true] {
                    #expect(Base64.encode(bytes, urlSafe: urlSafe, padded: padded) == Self.referenceBase64(bytes, urlSafe: urlSafe, padded: padded))
                }
            }
        }
        let everyByte = (0...255).map { UInt8($0) }
        #expect(Base64.encode(everyByte) == Self.referenceBase64(everyByte, urlSafe: false, padded: false))
        #expect(Base64.encode(everyByte, urlSafe: true) == Self.referenceBase64(everyByte, urlSafe: true, padded: false))
    }

    @Test(arguments: [0, 1, 127, 128, 16_383, 16_384, 100_000, 123_456_789, UInt64(UInt32.max), .max])
    func tokens_areWhatTheArrayBuilderWrote(sequence: UInt64) {
        for scope in ["", "a", "1password|UNDERSTUDYTESTACCOUNT00001|", "1password|ÄCCÖUNT|user.isActive()", String(repeating: "s", count: 300)] {
            #expect(PageToken.encode(sequence: sequence, scope: scope) == Self.referenceToken(sequence: sequence, scope: scope))
        }
    }

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

    /// The stack decoder is the old route (decode, re-encode, compare, then check) in one pass: same
    /// answer for real tokens and for every one-character edit, cut, extension and padding of them.
    @Test func stackDecode_answersExactlyAsDecodeReencodeAndCompare() {
        func oldRoute(_ text: String, urlSafe: Bool, scope: String) -> UInt64? {
            guard let bytes = Base64.decode(text), Base64.encode(bytes, urlSafe: urlSafe) == text else { return nil }
            return PageToken.decode(bytes, scope: scope)
        }
        let replacements = Array("AQgz09+/-_=!. ".utf8)
        var compared = 0
        for sequence: UInt64 in [0, 1, 127, 128, 100_000, 1 << 35, UInt64.max] {
            for urlSafe in [false, true] {
                let scope = urlSafe ? "openphone|v1" : "1password|UNDERSTUDYTESTACCOUNT00001|"
                let token = Base64.encode(PageToken.encode(sequence: sequence, scope: scope), urlSafe: urlSafe)
                #expect(PageToken.decode(base64: token, urlSafe: urlSafe, scope: scope) == sequence)
                var variants = [token, token + "=", token + "==", token + "A", token + "AA", String(token.dropLast()), "", "CA"]
                let bytes = Array(token.utf8)
                for index in bytes.indices {
                    for replacement in replacements where replacement != bytes[index] {
                        var edited = bytes
                        edited[index] = replacement
                        variants.append(String(decoding: edited, as: UTF8.self))
                    }
                }
                for variant in variants {
                    for scopeVariant in [scope, scope + "x"] {
                        #expect(PageToken.decode(base64: variant, urlSafe: urlSafe, scope: scopeVariant)
                                == oldRoute(variant, urlSafe: urlSafe, scope: scopeVariant), "\(variant) \(urlSafe)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared > 2000)
    }

    @Test func canonicalBase64_refusesTrailingBitsPaddingAndTheOtherAlphabet() {
        func decoded(_ text: String, urlSafe: Bool) -> [UInt8]? {
            var text = text
            return text.withUTF8 { characters in
                var output = [UInt8](repeating: 0, count: 8)
                let count = output.withUnsafeMutableBufferPointer { Base64.decodeCanonical(characters, urlSafe: urlSafe, into: $0) }
                return count.map { Array(output[..<$0]) }
            }
        }
        #expect(decoded("QQ", urlSafe: false) == [0x41])
        #expect(decoded("QR", urlSafe: false) == nil)       // unused bits set: re-encodes as "QQ"
        #expect(decoded("QQ==", urlSafe: false) == nil)     // padding is not what the vendors hand out
        #expect(decoded("-_", urlSafe: false) == nil)
        #expect(decoded("-w", urlSafe: true) == [0xFB])
        #expect(decoded("+w", urlSafe: true) == nil)
        #expect(decoded("QUJDREVGR0hJ", urlSafe: false) == nil)  // 9 bytes do not fit in 8
        #expect(decoded("", urlSafe: true) == [])
    }
}
