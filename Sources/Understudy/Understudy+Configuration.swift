public import HTTPCore
public import Logging

extension UnderstudyServer {
    /// Everything that shapes a running understudy.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        public var limits: HTTPLimits
        /// Load `<vendor>.json` seed files from here instead of the embedded defaults.
        public var seedsDirectory: String?
        /// Accept any non-empty credential in the vendor's scheme as an admin key.
        public var acceptsAnyKey: Bool
        /// Generated users instead of seed users (`serve --users N --seed S`).
        public var generation: UserGeneration?
        /// Fault rules armed at start (`serve --faults FILE`).
        public var faultRules: [FaultRule]
        /// Per-vendor request rates enforced per credential (`--rate-limits`, `--rate-limit`); empty = off.
        public var rateLimits: [String: RateLimit]
        /// How many requests `GET /__admin/requests` keeps.
        public var journalSize: Int
        /// How many bytes the journal keeps (`serve --journal-bytes`, 64 MiB); oldest entries go first.
        public var journalBytes: Int
        /// When set, `/__admin/*` requires `Authorization: Bearer <adminToken>`.
        public var adminToken: String?
        /// Lifetime in seconds of OAuth access tokens the vendors mint (`serve --token-ttl`; 1Password: 900).
        public var tokenTTL: Int
        /// How many sessions besides the default may exist at once (`serve --max-sessions`).
        public var maxSessions: Int
        /// Sessions unused this long are dropped (`serve --session-idle`, default 10 minutes).
        public var sessionIdleMilliseconds: Int
        public var logger: Logger
        /// Called once per answered request on the event loop (access log).
        public var onResponse: (@Sendable (consuming HTTPExchange) -> Void)?
        /// HTTP/2 on the same port, by prior knowledge or `Upgrade: h2c` (`serve --no-http2` turns it off).
        public var acceptsHTTP2: Bool

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            limits: HTTPLimits = HTTPLimits(),
            seedsDirectory: String? = nil,
            acceptsAnyKey: Bool = false,
            generation: UserGeneration? = nil,
            faultRules: [FaultRule] = [],
            rateLimits: [String: RateLimit] = [:],
            journalSize: Int = 10_000,
            journalBytes: Int = 64 * 1024 * 1024,
            adminToken: String? = nil,
            tokenTTL: Int = 900,
            maxSessions: Int = 1000,
            sessionIdleMilliseconds: Int = 600_000,
            logger: Logger = Logger(label: "understudy"),
            onResponse: (@Sendable (consuming HTTPExchange) -> Void)? = nil,
            acceptsHTTP2: Bool = true
        ) {
            self.host = host
            self.port = port
            self.limits = limits
            self.seedsDirectory = seedsDirectory
            self.acceptsAnyKey = acceptsAnyKey
            self.generation = generation
            self.faultRules = faultRules
            self.rateLimits = rateLimits
            self.journalSize = journalSize
            self.journalBytes = journalBytes
            self.adminToken = adminToken
            self.tokenTTL = tokenTTL
            self.maxSessions = maxSessions
            self.sessionIdleMilliseconds = sessionIdleMilliseconds
            self.logger = logger
            self.onResponse = onResponse
            self.acceptsHTTP2 = acceptsHTTP2
        }
    }
}
