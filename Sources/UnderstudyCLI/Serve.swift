import ArgumentParser
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

        // The defaults are ServeOptions' (one place), which the start-up fast path shares.
        @Option(help: "Address to bind (IPv4, IPv6 such as ::1, or a host name).")
        var host = ServeOptions().host

        @Option(help: "Port to bind; 0 picks a free port.")
        var port = ServeOptions().port

        @Option(name: .customLong("ready-file"), help: ArgumentHelp("Write the base URL to this file once listening.", valueName: "path"))
        var readyFile: String?

        @Option(help: "Access log format on stderr: text, json, or off.")
        var log = ServeOptions().log

        @Option(help: ArgumentHelp("Load <vendor>.json seed files from this directory instead of the embedded defaults.", valueName: "dir"))
        var seeds: String?

        @Option(help: ArgumentHelp("Arm fault rules from this JSON file at start (same fields as POST /__admin/faults).", valueName: "file"))
        var faults: String?

        @Option(name: .customLong("rate-limits"), help: "Enforce rate limits per credential: off, or realistic (each vendor's documented rate).")
        var rateLimits = ServeOptions().rateLimits

        @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Set one vendor's rate, e.g. openai=60/min or openphone=10/s (repeatable).", valueName: "vendor=N/s"))
        var rateLimit = ServeOptions().rateLimit

        @Option(help: ArgumentHelp("Generate N users per vendor instead of the seeds: 1000, or openai=1000000,factory=50.", valueName: "N"))
        var users: String?

        @Option(help: "Seed for --users: the same N and seed give byte-identical responses on any machine.")
        var seed = ServeOptions().seed

        @Option(name: .customLong("journal-size"), help: "How many requests GET /__admin/requests keeps.")
        var journalSize = ServeOptions().journalSize

        @Option(name: .customLong("journal-bytes"), help: ArgumentHelp("Most bytes GET /__admin/requests keeps (e.g. 64MiB, 512KiB); each entry keeps the first 4 KiB of its body.", valueName: "bytes"))
        var journalBytes = ServeOptions().journalBytes

        @Option(name: .customLong("max-connections"), help: ArgumentHelp("Most simultaneous connections; more get a 503. Lowered to fit the open-file limit, which is raised to its hard maximum at start.", valueName: "N"))
        var maxConnections = ServeOptions().maxConnections

        @Option(name: .customLong("admin-token"), help: ArgumentHelp("Require Authorization: Bearer <token> on /__admin/*.", valueName: "token"))
        var adminToken: String?

        @Option(name: .customLong("token-ttl"), help: ArgumentHelp("Lifetime of OAuth access tokens minted by vendors that issue them (1Password), after which they get the vendor's 401.", valueName: "seconds"))
        var tokenTTL = ServeOptions().tokenTTL

        @Option(name: .customLong("max-sessions"), help: "How many sessions (besides the default) may exist at once; more get understudy's 429.")
        var maxSessions = ServeOptions().maxSessions

        @Option(name: .customLong("session-idle"), help: ArgumentHelp("Drop sessions unused for this long (250ms, 30s, 10m, 1h).", valueName: "duration"))
        var sessionIdle = ServeOptions().sessionIdle

        @Flag(name: .customLong("any-key"), help: "Accept any non-empty credential in the vendor's scheme.")
        var anyKey = ServeOptions().anyKey

        @Flag(name: .customLong("no-http2"), help: "Speak only HTTP/1.1: an HTTP/2 preface gets 505, an Upgrade: h2c request an HTTP/1.1 answer.")
        var noHTTP2 = ServeOptions().noHTTP2

        /// The parsed command line as plain values.
        var options: ServeOptions {
            ServeOptions(
                host: host, port: port, readyFile: readyFile, log: log, seeds: seeds, faults: faults,
                rateLimits: rateLimits, rateLimit: rateLimit, users: users, seed: seed, journalSize: journalSize,
                journalBytes: journalBytes, maxConnections: maxConnections, adminToken: adminToken, tokenTTL: tokenTTL,
                maxSessions: maxSessions, sessionIdle: sessionIdle, anyKey: anyKey, noHTTP2: noHTTP2
            )
        }

        func validate() throws {
            do { try options.validate() } catch { throw ValidationError(error.message) }
        }

        func run() async throws {
            let running = try options.start()
            await running.server.waitUntilStopped()
            running.finish()
        }
    }
}

/// A byte size on the command line: `67108864`, `64MiB`, `64M`, `512KiB`, `1GiB` (binary units).
struct ByteCount: ExpressibleByArgument, CustomStringConvertible, Equatable {
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
