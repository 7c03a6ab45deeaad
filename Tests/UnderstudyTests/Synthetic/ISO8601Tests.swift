import Testing
import Understudy

struct ISO8601Tests {
    @Test(arguments: [
        (0, nil, "1970-01-01T00:00:00Z"),
        (1_700_000_000, nil, "2023-11-14T22:13:20Z"),
        (1_709_208_000, 7, "2024-02-29T12:00:00.007Z"),
        (1_609_459_199, 999, "2020-12-31T23:59:59.999Z"),
        (4_102_444_800, nil, "2100-01-01T00:00:00Z"),
    ] as [(Int, Int?, String)])
    func format_matchesKnownInstants(seconds: Int, milliseconds: Int?, text: String) {
        #expect(ISO8601.format(seconds: seconds, milliseconds: milliseconds) == text)
    }
}
