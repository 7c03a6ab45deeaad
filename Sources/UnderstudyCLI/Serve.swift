import ArgumentParser
import Dispatch
import HTTPCore
import Logging
import Understudy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UnderstudyCommand {
    /// `understudy serve`: runs the emulator until SIGINT or SIGTERM.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the five vendor APIs and the admin API on one port.",
            discussion: """
                Prints exactly one line when ready: understudy listening on http://HOST:PORT
                SIGINT or SIGTERM shuts down gracefully (in-flight responses finish) and exits 0.
                """
        )

        @Option(help: "Address to bind (IPv4, IPv6 such as ::1, or a host name).")
        var host = "127.0.0.1"

        @Option(help: "Port to bind; 0 picks a free port.")
        var port = 8080

        @Option(name: .customLong("ready-file"), help: ArgumentHelp("Write the base URL to this file once listening.", valueName: "path"))
        var readyFile: String?

        @Option(help: "Access log format on stderr: text, json, or off.")
        var log: AccessLogFormat = .text

        @Option(help: ArgumentHelp("Load <vendor>.json seed files from this directory instead of the embedded defaults.", valueName: "dir"))
        var seeds: String?

        @Option(help: ArgumentHelp("Arm fault rules from this JSON file at start (same fields as POST /__admin/faults).", valueName: "file"))
        var faults: String?

        @Option(name: .customLong("rate-limits"), help: "Enforce rate limits per credential: off, or realistic (each vendor's documented rate).")
        var rateLimits: RateLimitMode = .off

        @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Set one vendor's rate, e.g. openai=60/min or openphone=10/s (repeatable).", valueName: "vendor=N/s"))
        var rateLimit: [String] = []

        @Option(help: ArgumentHelp("Generate N users per vendor instead of the seeds: 1000, or openai=1000000,factory=50.", valueName: "N"))
        var users: String?

        @Option(help: "Seed for --users: the same N and seed give byte-identical responses on any machine.")
        var seed: UInt64 = 1

        @Option(name: .customLong("journal-size"), help: "How many requests GET /__admin/requests keeps.")
        var journalSize = 10_000

        @Option(name: .customLong("journal-bytes"), help: ArgumentHelp("Most bytes GET /__admin/requests keeps (e.g. 64MiB, 512KiB); each entry keeps the first 4 KiB of its body.", valueName: "bytes"))
        var journalBytes = ByteCount(67_108_864)

        @Option(name: .customLong("max-connections"), help: ArgumentHelp("Most simultaneous connections; more get a 503. Lowered to fit the open-file limit, which is raised to its hard maximum at start.", valueName: "N"))
        var maxConnections = 1024

        @Option(name: .customLong("admin-token"), help: ArgumentHelp("Require Authorization: Bearer <token> on /__admin/*.", valueName: "token"))
        var adminToken: String?

        @Option(name: .customLong("token-ttl"), help: ArgumentHelp("Lifetime of OAuth access tokens minted by vendors that issue them (1Password), after which they get the vendor's 401.", valueName: "seconds"))
        var tokenTTL = 900

        @Option(name: .customLong("max-sessions"), help: "How many sessions (besides the default) may exist at once; more get understudy's 429.")
        var maxSessions = 1000

        @Option(name: .customLong("session-idle"), help: ArgumentHelp("Drop sessions unused for this long (250ms, 30s, 10m, 1h).", valueName: "duration"))
        var sessionIdle = "10m"

        @Flag(name: .customLong("any-key"), help: "Accept any non-empty credential in the vendor's scheme.")
        var anyKey = false

        @Flag(name: .customLong("no-http2"), help: "Speak only HTTP/1.1: an HTTP/2 preface gets 505, an Upgrade: h2c request an HTTP/1.1 answer.")
        var noHTTP2 = false

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
            guard (1...86_400 * 365).contains(tokenTTL) else { throw ValidationError("--token-ttl must be between 1 and 31536000 seconds, got \(tokenTTL)") }
            guard maxSessions >= 0 else { throw ValidationError("--max-sessions must be 0 or more, got \(maxSessions)") }
            guard let idle = DurationText.milliseconds(sessionIdle), idle >= 1 else {
                throw ValidationError("--session-idle must be a duration such as 30s, 10m or 1h, got '\(sessionIdle)'")
            }
            guard journalSize >= 1 else { throw ValidationError("--journal-size must be at least 1, got \(journalSize)") }
            guard journalBytes.value >= 64 * 1024 else { throw ValidationError("--journal-bytes must be at least 64KiB, got \(journalBytes.value)") }
            guard (1...1_000_000).contains(maxConnections) else { throw ValidationError("--max-connections must be between 1 and 1000000, got \(maxConnections)") }
            _ = try parsedRateLimits()
            _ = try parsedGeneration()
            if let adminToken, adminToken.isEmpty || adminToken.contains(" ") {
                throw ValidationError("--admin-token must be non-empty and contain no spaces")
            }
        }

        func run() async throws {
            signal(SIGPIPE, SIG_IGN)
            let accessLog = AccessLog(format: log)
            var configuration = UnderstudyServer.Configuration(
                host: host, port: port, seedsDirectory: seeds, acceptsAnyKey: anyKey,
                generation: try parsedGeneration(), rateLimits: try parsedRateLimits(), journalSize: journalSize,
                journalBytes: journalBytes.value, adminToken: adminToken, tokenTTL: tokenTTL, maxSessions: maxSessions,
                sessionIdleMilliseconds: DurationText.milliseconds(sessionIdle) ?? 600_000, logger: Logger(label: "understudy"),
                acceptsHTTP2: !noHTTP2
            )
            let descriptors = DescriptorLimit.raiseToHardLimit()
            configuration.limits.maxConnections = DescriptorLimit.connectionCap(requested: maxConnections, descriptorLimit: descriptors)

            if let faults {
                do {
                    let text = try TextFile.read(faults, maxBytes: TextFile.maxFaultBytes)
                    configuration.faultRules = try FaultRule.readFile(text, knownVendors: VendorRegistry.all.map(\.id))
                } catch let error as TextFile.ReadError {
                    fail("cannot read --faults \(faults): \(error.message)")
                } catch let error as FaultRule.Invalid {
                    fail("bad --faults file \(faults): \(error.message)")
                }
            }
            if log != .off {
                configuration.onResponse = { exchange in accessLog.record(exchange) }
            }
            let server: UnderstudyServer
            do {
                server = try UnderstudyServer.start(configuration)
            } catch let error as SocketError where error.isAddressInUse {
                fail("port \(port) on \(host) is already in use")
            } catch let error as SocketError {
                fail("cannot listen on \(host):\(port): \(error)")
            } catch let error as SeedError {
                fail("bad seed file: \(error)")
            }
            // The ready line's neighbour on stderr: the connection cap in effect.
            let cap = configuration.limits.maxConnections
            if cap < maxConnections {
                FileHandleStderr.write("understudy: --max-connections lowered to \(cap): the open-file limit is \(descriptors)\n")
            } else if log != .off {
                FileHandleStderr.write("understudy: accepting up to \(cap) connections (open-file limit \(descriptors))\n")
            }
            // Graceful SIGINT/SIGTERM before anyone can know the server is ready: a supervisor that stops
            // it the moment the ready file appears must get the graceful stop, not the default kill.
            let signals = ShutdownSignals.install { Task { await server.stop() } }
            if let readyFile {
                do { try writeFile(readyFile, server.baseURL + "\n") } catch { fail("cannot write --ready-file \(readyFile): \(error)") }
            }
            print("understudy listening on \(server.baseURL)")
            fflush(nil)

            await server.waitUntilStopped()
            signals.cancel()
            accessLog.flush()
        }

        func parsedGeneration() throws -> UserGeneration? {
            guard let users else { return nil }
            let vendors = VendorRegistry.all.map(\.id)
            guard let counts = UserGeneration.parseCounts(users, vendors: vendors),
                  counts.values.allSatisfy({ $0 <= UserGeneration.maximumCount })
            else {
                throw ValidationError("--users expects a count (e.g. 1000) or vendor=count pairs (e.g. openai=1000000,factory=50) with vendors in \(vendors.joined(separator: ", ")) and counts up to \(UserGeneration.maximumCount); got '\(users)'")
            }
            return UserGeneration(counts: counts, seed: seed)
        }

        /// `--rate-limits realistic` plus every `--rate-limit vendor=N/window`, the latter winning.
        func parsedRateLimits() throws -> [String: RateLimit] {
            var limits = rateLimits == .realistic ? RateLimit.realistic : [:]
            let vendors = VendorRegistry.all.map(\.id)
            for entry in rateLimit {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, vendors.contains(parts[0]), let rate = RateLimit(parts[1]) else {
                    throw ValidationError("--rate-limit expects vendor=N/s, N/min or N/h with a vendor in \(vendors.joined(separator: ", ")); got '\(entry)'")
                }
                limits[parts[0]] = rate
            }
            return limits
        }

        private func fail(_ message: String) -> Never {
            FileHandleStderr.write("understudy: \(message)\n")
            Foundation_exit(1)
        }

        private func writeFile(_ path: String, _ text: String) throws {
            guard let handle = fopen(path, "w") else { throw POSIXFailure(code: errno) }
            defer { fclose(handle) }
            guard fputs(text, handle) >= 0 else { throw POSIXFailure(code: errno) }
        }
    }
}

/// A byte size on the command line: `67108864`, `64MiB`, `64M`, `512KiB`, `1GiB` (binary units).
struct ByteCount: ExpressibleByArgument, CustomStringConvertible {
    var value: Int

    init(_ value: Int) { self.value = value }

    init?(argument: String) {
        let units = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        guard let bytes = UnitText.value(argument, units: units) else { return nil }
        value = bytes
    }

    var description: String {
        value % (1 << 20) == 0 ? "\(value >> 20)MiB" : value % (1 << 10) == 0 ? "\(value >> 10)KiB" : "\(value)"
    }

    var defaultValueDescription: String { description }
}

/// The process's open-file limit, which bounds how many connections can be open at once.
enum DescriptorLimit {
    /// Raises the soft `RLIMIT_NOFILE` to the hard limit (as nginx's `worker_rlimit_nofile` does)
    /// and returns the soft limit in effect afterwards.
    static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }

    /// The connection cap that fits `descriptorLimit`: a quarter of the descriptors (at most 64)
    /// stay free for the listener, the poller, seed files and clients being told 503.
    static func connectionCap(requested: Int, descriptorLimit: Int) -> Int {
        let reserve = min(64, descriptorLimit / 4)
        return max(1, min(requested, descriptorLimit - reserve))
    }
}

/// `--rate-limits` values.
enum RateLimitMode: String, ExpressibleByArgument, CaseIterable {
    case off, realistic
}

struct POSIXFailure: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
}

enum FileHandleStderr {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc_or_Darwin_write(2, bytes.baseAddress, bytes.count) }
    }
}

#if canImport(Glibc)
let Glibc_or_Darwin_write = Glibc.write
let Foundation_exit = Glibc.exit
#else
let Glibc_or_Darwin_write = Darwin.write
let Foundation_exit = Darwin.exit
#endif
