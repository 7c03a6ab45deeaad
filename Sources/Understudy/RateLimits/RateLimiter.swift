import Dispatch
import Synchronization

/// A request rate: `limit` requests per `windowMilliseconds`.
public struct RateLimit: Sendable, Equatable {
    public var limit: Int
    public var windowMilliseconds: Int

    public init(limit: Int, windowMilliseconds: Int) {
        self.limit = limit
        self.windowMilliseconds = windowMilliseconds
    }

    /// Parses `10/s`, `2000/min` (or `/m`), `100/h`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let limit = Int(parts[0]), limit > 0 else { return nil }
        switch parts[1] {
        case "s", "sec", "second": windowMilliseconds = 1000
        case "m", "min", "minute": windowMilliseconds = 60_000
        case "h", "hour": windowMilliseconds = 3_600_000
        default: return nil
        }
        self.limit = limit
    }

    /// The documented limits (`--rate-limits realistic`); vendors that publish none are not limited.
    public static let realistic: [String: RateLimit] = [
        // vendor-notes/openphone.md §2: 10 requests per second per API key.
        "openphone": RateLimit(limit: 10, windowMilliseconds: 1000),
        // vendor-notes/pandadoc.md §2: "List" endpoints 2000 requests per minute.
        "pandadoc": RateLimit(limit: 2000, windowMilliseconds: 60_000),
    ]
}

/// Where a credential stands against its vendor's limit after one request.
public struct RateLimitStatus: Sendable, Equatable {
    public var limit: Int
    public var remaining: Int
    /// Until the bucket is full again.
    public var resetMilliseconds: Int
    /// Until the next request would be allowed (0 when this one was).
    public var retryAfterMilliseconds: Int
    public var isAllowed: Bool
    /// The limit's window, for vendors whose headers name it (OpenPhone's `ratelimit-policy` `w=`).
    public var windowMilliseconds: Int = 0
}

/// Token buckets per vendor and credential: `limit` tokens, refilled continuously over the window.
final class RateLimiter: Sendable {
    private struct Bucket: Sendable {
        var tokens: Double
        var updatedAt: UInt64
    }

    let limits: [String: RateLimit]
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limits: [String: RateLimit]) {
        self.limits = limits
    }

    /// Takes one token for `credential` at `vendor`; `nil` when the vendor is not limited.
    func take(vendor: String, credential: String, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> RateLimitStatus? {
        guard let rate = limits[vendor] else { return nil }
        let perNanosecond = Double(rate.limit) / (Double(rate.windowMilliseconds) * 1_000_000)
        return buckets.withLock { buckets in
            let key = vendor + "\u{0}" + credential
            var bucket = buckets[key] ?? Bucket(tokens: Double(rate.limit), updatedAt: now)
            bucket.tokens = min(Double(rate.limit), bucket.tokens + Double(now &- bucket.updatedAt) * perNanosecond)
            bucket.updatedAt = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            let missing = Double(rate.limit) - bucket.tokens
            return RateLimitStatus(
                limit: rate.limit,
                remaining: Int(bucket.tokens),
                resetMilliseconds: Int((missing / perNanosecond / 1_000_000).rounded(.up)),
                retryAfterMilliseconds: allowed ? 0 : Int(((1 - bucket.tokens) / perNanosecond / 1_000_000).rounded(.up)),
                isAllowed: allowed,
                windowMilliseconds: rate.windowMilliseconds
            )
        }
    }

    func reset() {
        buckets.withLock { $0.removeAll() }
    }
}
