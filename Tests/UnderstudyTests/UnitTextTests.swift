import Testing
@testable import Understudy

struct UnitTextTests {
    @Test(arguments: [("250", 250), ("250ms", 250), ("2s", 2000), ("10m", 600_000), ("1h", 3_600_000)])
    func durations(text: String, milliseconds: Int) {
        #expect(DurationText.milliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", "ms", "-1s", "1.5s", "10 m", "99999999999999999999h", "1d"])
    func notDurations(text: String) {
        #expect(DurationText.milliseconds(text) == nil)
    }
}
