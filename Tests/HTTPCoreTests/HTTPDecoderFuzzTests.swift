import Testing
@testable import HTTPCore

/// Garbage in must give a request, "need more", or a decoder error — never a crash or a hang.
struct HTTPDecoderFuzzTests {
    /// A small deterministic generator, so a failure replays.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        "GET ", "POST ", "/", "?", "&", "=", "%", "%2", "%zz", " HTTP/1.1", " HTTP/1.0", " HTTP/9.9", "\r\n", "\n", "\r",
        "Host: x", "Content-Length: ", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip", "0", "5", "ffffffffffffffff",
        "-1", ":", " ", "\t", "Connection: close", "Expect: 100-continue", "abc", "\u{0}", "\u{7F}", "é", ";ext", "\r\n\r\n",
    ]

    @Test func randomRequests_neverCrashTheDecoder() {
        var random = Random(state: 2026)
        var outcomes = [0, 0, 0]  // decoded, need more, rejected
        for _ in 0..<20_000 {
            // Half the inputs start as a valid head, so mutations reach the header and body rules too.
            var text = random.next() % 2 == 0 ? "GET /p?q=1 HTTP/1.1\r\nHost: x\r\n" : ""
            for _ in 0..<(Int(random.next() % 6)) {
                text += Self.fragments[Int(random.next() % UInt64(Self.fragments.count))]
            }
            if random.next() % 2 == 0 { text += "\r\n\r\n" }
            let bytes = Array(text.utf8)
            var decoder = HTTPDecoder()
            do {
                if try bytes.withUnsafeBytes({ try decoder.decode($0) }) != nil { outcomes[0] += 1 } else { outcomes[1] += 1 }
            } catch {
                outcomes[2] += 1
                #expect((400...505).contains((error as? HTTPDecoder.Error)?.status.code ?? 0))
            }
        }
        // The generator reaches all three outcomes, so the test exercises more than one path.
        #expect(outcomes.allSatisfy { $0 > 100 }, "\(outcomes)")
    }
}
