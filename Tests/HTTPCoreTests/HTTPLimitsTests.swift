import Testing
@testable import HTTPCore

/// The fixed sizes moved into `HTTPLimits` keep the values the server had when they were literals.
struct HTTPLimitsTests {
    @Test func defaults_areTheFormerFixedSizes() {
        let limits = HTTPLimits()
        #expect(limits.readBufferBytes == 16 * 1024)
        #expect(limits.inputSlackBytes == 64 * 1024)
        #expect(limits.maxOutputBytesPerServe == 256 * 1024)
        #expect(limits.keptOutputCapacity == 256 * 1024)
        #expect(limits.pollBatchSize == 256)
        #expect(limits.listenBacklog == 1024)
        #expect(limits.maxLingeringConnections == 16)
        #expect(limits.lingeringTimeout == .seconds(5))
        #expect(limits.discardBufferBytes == 16 * 1024)
    }

    @Test func durationNanoseconds_convertsAndClampsAtZero() {
        #expect(Duration.seconds(5).nanoseconds == 5_000_000_000)
        #expect(Duration.milliseconds(-3).nanoseconds == 0)
    }
}
