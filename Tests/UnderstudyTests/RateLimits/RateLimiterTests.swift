import HTTPCore
import Testing
@testable import Understudy

struct RateLimiterTests {
    @Test(arguments: [("10/s", 10, 1000), ("2000/min", 2000, 60_000), ("5/m", 5, 60_000), ("100/h", 100, 3_600_000)])
    func rate_parses(text: String, limit: Int, window: Int) {
        #expect(RateLimit(text) == RateLimit(limit: limit, windowMilliseconds: window))
    }

    @Test(arguments: ["10", "x/s", "0/s", "10/day", "-1/s"])
    func badRate_isRejected(text: String) {
        #expect(RateLimit(text) == nil)
    }

    @Test func bucket_countsDownThenRefillsOverTheWindow() {
        let limiter = RateLimiter(limits: ["openai": RateLimit(limit: 3, windowMilliseconds: 1000)])
        let start: UInt64 = 1_000_000_000
        let remaining = (0..<4).map { _ in limiter.take(vendor: "openai", credential: "k", now: start)! }
        #expect(remaining.map(\.remaining) == [2, 1, 0, 0])
        #expect(remaining.map(\.isAllowed) == [true, true, true, false])
        #expect(remaining[3].retryAfterMilliseconds == 334)
        #expect(remaining[2].resetMilliseconds == 1000)
        // Another credential has its own bucket; an unlimited vendor is not limited.
        #expect(limiter.take(vendor: "openai", credential: "other", now: start)?.isAllowed == true)
        #expect(limiter.take(vendor: "factory", credential: "k", now: start) == nil)
        // A third of the window later one token is back.
        let later = limiter.take(vendor: "openai", credential: "k", now: start + 340_000_000)!
        #expect(later.isAllowed)
    }

    @Test func openAI_throttlesWithTruthfulHeaders() throws {
        let app = try UnderstudyApp(configuration: .init(rateLimits: ["openai": RateLimit(limit: 2, windowMilliseconds: 60_000)]))
        let request = HTTPRequest.make("/v1/organization/users?limit=1", authorization: "Bearer sk-admin-understudy-test")
        let first = app.handle(request)
        #expect(first.status == .ok)
        #expect(first.headers["x-ratelimit-limit-requests"] == "2")
        #expect(first.headers["x-ratelimit-remaining-requests"] == "1")
        #expect(app.handle(request).headers["x-ratelimit-remaining-requests"] == "0")
        let throttled = app.handle(request)
        #expect(throttled.status == .tooManyRequests)
        #expect(throttled.text.contains("Limit 2, Used 2, Requested 1. Please try again in "))
        // One token comes back every 30 s; the clock runs between the requests (more so on a loaded
        // machine), so the wait is at most 30 s and only a little less.
        let wait = throttled.text.split(separator: "Please try again in ").last?.split(separator: "s.").first.flatMap { Double($0) }
        #expect(wait.map { $0 > 25 && $0 <= 30 } == true, "wait: \(String(describing: wait))")
        #expect(throttled.text.contains(#""type":"requests","param":null,"code":"rate_limit_exceeded""#))
        app.reset()
        #expect(app.handle(request).status == .ok)
    }

    @Test(arguments: [(500, "500ms"), (1000, "1s"), (1500, "1.5s"), (30_000, "30s"), (360_000, "6m0s")])
    func goDuration_matchesOpenAIsFormat(milliseconds: Int, text: String) {
        #expect(OpenAIAdmin.goDuration(milliseconds: milliseconds) == text)
    }
}
