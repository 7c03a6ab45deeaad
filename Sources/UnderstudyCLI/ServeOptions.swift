import Dispatch
import HTTPCore
import Logging
import Understudy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything `understudy serve` was asked for, as plain values: what both the swift-argument-parser
/// command (`UnderstudyCommand.Serve`) and the start-up fast path (`ServeOptions.fastParse`) produce,
/// and what `start()` runs. The defaults here are the command's defaults (its `@Option`s read them).
struct ServeOptions: Equatable, Sendable {
    var host = "127.0.0.1"
    var port = 8080
    var readyFile: String?
    var log: AccessLogFormat = .text
    var seeds: String?
    var faults: String?
    var rateLimits: RateLimitMode = .off
    var rateLimit: [String] = []
    var users: String?
    var seed: UInt64 = 1
    var journalSize = 10_000
    var journalBytes = ByteCount(67_108_864)
    var maxConnections = 1024
    var adminToken: String?
    var tokenTTL = 900
    var maxSessions = 1000
    var sessionIdle = "10m"
    var anyKey = false
    var noHTTP2 = false

    /// An option value the command refuses; `UnderstudyCommand.Serve` reports it as a `ValidationError`.
    struct Invalid: Error {
        var message: String
    }

    /// The checks `serve` runs on its options before starting, in the order it reports them.
    func validate() throws(Invalid) {
        guard (0...65535).contains(port) else { throw Invalid(message: "--port must be between 0 and 65535, got \(port)") }
        guard (1...86_400 * 365).contains(tokenTTL) else { throw Invalid(message: "--token-ttl must be between 1 and 31536000 seconds, got \(tokenTTL)") }
        guard maxSessions >= 0 else { throw Invalid(message: "--max-sessions must be 0 or more, got \(maxSessions)") }
        guard let idle = DurationText.milliseconds(sessionIdle), idle >= 1 else {
            throw Invalid(message: "--session-idle must be a duration such as 30s, 10m or 1h, got '\(sessionIdle)'")
        }
        guard journalSize >= 1 else { throw Invalid(message: "--journal-size must be at least 1, got \(journalSize)") }
        guard journalBytes.value >= 64 * 1024 else { throw Invalid(message: "--journal-bytes must be at least 64KiB, got \(journalBytes.value)") }
        guard (1...1_000_000).contains(maxConnections) else { throw Invalid(message: "--max-connections must be between 1 and 1000000, got \(maxConnections)") }
        _ = try parsedRateLimits()
        _ = try parsedGeneration()
        if let adminToken, adminToken.isEmpty || adminToken.contains(" ") {
            throw Invalid(message: "--admin-token must be non-empty and contain no spaces")
        }
    }

    func parsedGeneration() throws(Invalid) -> UserGeneration? {
        guard let users else { return nil }
        let vendors = VendorRegistry.all.map(\.id)
        guard let counts = UserGeneration.parseCounts(users, vendors: vendors),
              counts.values.allSatisfy({ $0 <= UserGeneration.maximumCount })
        else {
            throw Invalid(message: "--users expects a count (e.g. 1000) or vendor=count pairs (e.g. openai=1000000,factory=50) with vendors in \(vendors.joined(separator: ", ")) and counts up to \(UserGeneration.maximumCount); got '\(users)'")
        }
        return UserGeneration(counts: counts, seed: seed)
    }

    /// `--rate-limits realistic` plus every `--rate-limit vendor=N/window`, the latter winning.
    func parsedRateLimits() throws(Invalid) -> [String: RateLimit] {
        var limits = rateLimits == .realistic ? RateLimit.realistic : [:]
        let vendors = VendorRegistry.all.map(\.id)
        for entry in rateLimit {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, vendors.contains(parts[0]), let rate = RateLimit(parts[1]) else {
                throw Invalid(message: "--rate-limit expects vendor=N/s, N/min or N/h with a vendor in \(vendors.joined(separator: ", ")); got '\(entry)'")
            }
            limits[parts[0]] = rate
        }
        return limits
    }
}

// MARK: - Running

/// A started `serve`: the server, its signal handling and its access log.
struct RunningServe {
    let server: UnderstudyServer
    let signals: any DispatchSourceRead
    let accessLog: AccessLog

    /// After the server stopped: no more signal handling, and the last log lines written.
    func finish() {
        signals.cancel()
        accessLog.flush()
    }
}

extension ServeOptions {
    /// Starts the server, installs the SIGINT/SIGTERM handlers, writes the ready file and prints the
    /// ready line. What stops the start is one line on stderr and exit status 1; an error it does not
    /// know is thrown, for the caller to report as swift-argument-parser reports any error.
    /// Call only with options that passed `validate()`.
    func start() throws -> RunningServe {
        signal(SIGPIPE, SIG_IGN)
        let generation: UserGeneration?
        let limits: [String: RateLimit]
        do {
            generation = try parsedGeneration()
            limits = try parsedRateLimits()
        } catch {
            fail(error.message)
        }
        let accessLog = AccessLog(format: log)
        var configuration = UnderstudyServer.Configuration(
            host: host, port: port, seedsDirectory: seeds, acceptsAnyKey: anyKey,
            generation: generation, rateLimits: limits, journalSize: journalSize,
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
        return RunningServe(server: server, signals: signals, accessLog: accessLog)
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
