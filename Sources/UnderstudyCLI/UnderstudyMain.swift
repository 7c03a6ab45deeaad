import ArgumentParser
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process entry. `understudy serve` with options `ServeOptions.fastParse` fully understands
/// starts without swift-argument-parser and without an async `main`; everything else (the other
/// commands, `--help`, `--version`, any option it does not know and any error) goes through
/// swift-argument-parser exactly as before.
///
/// Why, measured on `Benchmarks/run`'s start-up row (release, static stdlib, no-PIE; idle VmRSS
/// 12.6 → 11.0 MiB, page faults in the binary's text and read-only sections 108 → 74, each fault
/// mapping a 64 KiB window of the file by the kernel's fault-around):
/// - An async `main` ends in `dispatch_main()`, which `pthread_exit`s the main thread; glibc's forced
///   unwind then reads `.eh_frame`/`.eh_frame_hdr` for every frame on its stack (9 of those faults).
/// - Building the parser (Mirror over the property wrappers, the runtime's demangler, type-name
///   strings, Unicode properties for the help layout) touched ~25 more windows of code that
///   serving never uses again.
@main
enum UnderstudyMain {
    static func main() {
        if let options = ServeOptions.fastParse(Array(CommandLine.arguments.dropFirst())) {
            serve(options)
        }
        Task { @MainActor in
            await UnderstudyCommand.main()
            exit(0)
        }
        dispatchMain()
    }

    /// `serve` on the main thread, which then just waits for the server to stop.
    static func serve(_ options: ServeOptions) -> Never {
        let running: RunningServe
        do { running = try options.start() } catch { UnderstudyCommand.exit(withError: error) }
        let server = running.server
        let stopped = DispatchSemaphore(value: 0)
        Task {
            await server.waitUntilStopped()
            stopped.signal()
        }
        stopped.wait()
        running.finish()
        exit(0)
    }
}

extension ServeOptions {
    /// How the fast path sets one option: from its value, or (a flag) from its presence. A value
    /// setter returns false for text the option does not take, which sends the command line to
    /// swift-argument-parser for its error message.
    enum Setter: Sendable {
        case value(@Sendable (inout ServeOptions, String) -> Bool)
        case flag(@Sendable (inout ServeOptions) -> Void)
    }

    /// Every `serve` option by its long name, converting text as its `ExpressibleByArgument` type
    /// does. `UnderstudyCLITests.ServeFastPathTests` checks this list against `serve --help` and
    /// checks that both parsers give the same `ServeOptions` for every option.
    static let fastOptions: [(name: String, repeatable: Bool, setter: Setter)] = [
        ("--host", false, .value { $0.host = $1; return true }),
        ("--port", false, .value { options, text in set(&options.port, Int(text)) }),
        ("--ready-file", false, .value { $0.readyFile = $1; return true }),
        ("--log", false, .value { options, text in set(&options.log, AccessLogFormat(rawValue: text)) }),
        ("--seeds", false, .value { $0.seeds = $1; return true }),
        ("--faults", false, .value { $0.faults = $1; return true }),
        ("--rate-limits", false, .value { options, text in set(&options.rateLimits, RateLimitMode(rawValue: text)) }),
        ("--rate-limit", true, .value { $0.rateLimit.append($1); return true }),
        ("--users", false, .value { $0.users = $1; return true }),
        ("--seed", false, .value { options, text in set(&options.seed, UInt64(text)) }),
        ("--journal-size", false, .value { options, text in set(&options.journalSize, Int(text)) }),
        ("--journal-bytes", false, .value { options, text in set(&options.journalBytes, ByteCount(argument: text)) }),
        ("--max-connections", false, .value { options, text in set(&options.maxConnections, Int(text)) }),
        ("--admin-token", false, .value { $0.adminToken = $1; return true }),
        ("--token-ttl", false, .value { options, text in set(&options.tokenTTL, Int(text)) }),
        ("--max-sessions", false, .value { options, text in set(&options.maxSessions, Int(text)) }),
        ("--session-idle", false, .value { $0.sessionIdle = $1; return true }),
        ("--any-key", false, .flag { $0.anyKey = true }),
        ("--no-http2", false, .flag { $0.noHTTP2 = true }),
    ]

    private static func set<Value>(_ target: inout Value, _ value: Value?) -> Bool {
        guard let value else { return false }
        target = value
        return true
    }

    /// The options of `serve …` (`arguments` without the program name) when every argument is one
    /// this parser fully understands and the options pass `validate()`; otherwise nil, and
    /// swift-argument-parser handles the command line (help, version, errors and their exit codes).
    /// Deliberately narrow: `--name value` and `--name=value`, each single-valued option at most
    /// once, no value that is empty or starts with `-`, no `--` terminator.
    static func fastParse(_ arguments: [String]) -> ServeOptions? {
        guard arguments.first == "serve" else { return nil }
        var options = ServeOptions()
        var seen: [String] = []
        var index = 1
        while index < arguments.count {
            var name = arguments[index]
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = fastOptions.first(where: { $0.name == name }) else { return nil }
            if !option.repeatable {
                guard !seen.contains(name) else { return nil }
                seen.append(name)
            }
            switch option.setter {
            case .flag(let set):
                guard inlineValue == nil else { return nil }
                set(&options)
                index += 1
            case .value(let set):
                let value: String
                if let inlineValue {
                    value = inlineValue
                    index += 1
                } else {
                    guard index + 1 < arguments.count else { return nil }
                    value = arguments[index + 1]
                    index += 2
                }
                guard !value.isEmpty, !value.hasPrefix("-"), set(&options, value) else { return nil }
            }
        }
        do { try options.validate() } catch { return nil }
        return options
    }
}
