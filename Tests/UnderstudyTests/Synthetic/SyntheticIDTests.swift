import Testing
@testable import Understudy

struct SyntheticIDTests {
    static let formats = [
        SyntheticIDFormat(prefix: "user-", alphabet: SyntheticIDFormat.base62, length: 24),
        SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base32, length: 26),
        SyntheticIDFormat(prefix: "US", alphabet: SyntheticIDFormat.base62, length: 8),
        SyntheticIDFormat(prefix: "user_", alphabet: SyntheticIDFormat.crockford, length: 26),
        SyntheticIDFormat(prefix: "", alphabet: SyntheticIDFormat.base57, length: 22),
    ]

    @Test(arguments: [8, 47, 63, 64])
    func permutation_isInvertible(bits: Int) {
        let permutation = Permutation(bits: bits)
        for value: UInt64 in [0, 1, 2, 42, 1 << 7, .max, 0xDEAD_BEEF_CAFE_F00D] {
            let masked = value & permutation.mask
            #expect(permutation.forward(masked) <= permutation.mask)
            #expect(permutation.inverse(permutation.forward(masked)) == masked)
        }
    }

    @Test(arguments: formats)
    func ids_roundTripAndKeepTheVendorsShape(format: SyntheticIDFormat) {
        var seen = Set<String>()
        for number in Array(0..<2000) + [999_999] {
            let id = format.id(for: number, seed: 42)
            #expect(id.hasPrefix(format.prefix))
            #expect(id.utf8.count == format.prefix.utf8.count + format.length)
            #expect(id.utf8.dropFirst(format.prefix.utf8.count).allSatisfy(format.alphabet.contains))
            #expect(format.number(of: id, seed: 42, count: 1_000_000) == number)
            seen.insert(id)
        }
        #expect(seen.count == 2001)
    }

    @Test func ids_dependOnTheSeedAndRejectEdits() {
        let format = Self.formats[0]
        let id = format.id(for: 7, seed: 1)
        #expect(id != format.id(for: 7, seed: 2))
        #expect(format.number(of: id, seed: 2, count: 100) == nil)
        var edited = Array(id.utf8)
        edited[6] = edited[6] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(format.number(of: String(decoding: edited, as: UTF8.self), seed: 1, count: 100) == nil)
        #expect(format.number(of: format.id(for: 150, seed: 1), seed: 1, count: 100) == nil)
    }

    /// Every single-byte edit of a handed-out id, filler digits included, is not an id we handed out.
    @Test func everyOneByteEdit_isRefused() {
        for format in Self.formats {
            for number in [0, 7, 99] {
                let id = Array(format.id(for: number, seed: 3).utf8)
                #expect(format.number(of: String(decoding: id, as: UTF8.self), seed: 3, count: 100) == number)
                for position in id.indices {
                    var edited = id
                    edited[position] = edited[position] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                    let answer = format.number(of: String(decoding: edited, as: UTF8.self), seed: 3, count: 100)
                    // Another user's id is a legitimate answer only if it is that user's exact id.
                    #expect(answer == nil || format.id(for: answer!, seed: 3) == String(decoding: edited, as: UTF8.self), "\(position)")
                    #expect(answer != number)
                }
            }
        }
    }
}
