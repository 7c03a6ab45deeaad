import ArgumentParser
import Testing
@testable import UnderstudyCLI

/// `understudy serve` starts through `ServeOptions.fastParse` when it fully understands the command
/// line, and through swift-argument-parser otherwise: the two must never disagree.
struct ServeFastPathTests {
    /// A value other than the default for every option `serve --help` lists (flags: nil).
    static let samples: [String: String?] = [
        "--host": "::1", "--port": "0", "--ready-file": "/tmp/url.txt", "--log": "json", "--seeds": "./Seeds",
        "--faults": "faults.json", "--rate-limits": "realistic", "--rate-limit": "openai=60/min", "--users": "openai=50,factory=3",
        "--seed": "9", "--journal-size": "12", "--journal-bytes": "512KiB", "--max-connections": "77",
        "--admin-token": "t0ken", "--token-ttl": "60", "--max-sessions": "0", "--session-idle": "30s",
        "--any-key": nil, "--no-http2": nil,
    ]

    /// The long option names in `serve --help` (besides `--help`).
    static func helpOptionNames() -> Set<String> {
        let help = UnderstudyCommand.Serve.helpMessage(columns: 400)
        var names = Set<String>()
        for line in help.split(separator: "\n") {
            for word in line.split(separator: " ") where word.hasPrefix("--") && word.count > 2 {
                names.insert(String(word.prefix { $0.isLetter || $0.isNumber || $0 == "-" }))
            }
        }
        names.remove("--help")
        return names
    }

    static func viaParser(_ arguments: [String]) throws -> ServeOptions {
        try UnderstudyCommand.Serve.parse(arguments).options
    }

    @Test func fastPath_knowsExactlyTheOptionsOfServeHelp() {
        let help = Self.helpOptionNames()
        #expect(help.count >= 19)
        #expect(Set(ServeOptions.fastOptions.map(\.name)) == help)
        #expect(Set(Self.samples.keys) == help, "every option needs a sample here")
    }

    @Test func everyOption_givesTheSameOptionsThroughBothParsers() throws {
        for (name, value) in Self.samples {
            var forms = [[name] + (value.map { [$0] } ?? [])]
            if let value { forms.append(["\(name)=\(value)"]) }
            for arguments in forms {
                let fast = try #require(ServeOptions.fastParse(["serve"] + arguments), "fast path refused \(arguments)")
                #expect(fast != ServeOptions(), "\(arguments) changed nothing")
                #expect(fast == (try Self.viaParser(arguments)), "\(arguments)")
            }
        }
    }

    @Test(arguments: [
        [String](),
        ["--port", "18092", "--log", "off"],
        ["--rate-limit", "openai=60/min", "--any-key", "--rate-limit", "openphone=10/s", "--rate-limits", "realistic"],
        ["--users", "1000", "--seed", "3", "--journal-bytes", "67108864", "--session-idle", "250ms", "--no-http2"],
        ["--host", "localhost", "--port=0", "--ready-file", "url=x.txt", "--admin-token=a=b"],
    ])
    func combinations_giveTheSameOptionsThroughBothParsers(arguments: [String]) throws {
        let fast = try #require(ServeOptions.fastParse(["serve"] + arguments))
        #expect(fast == (try Self.viaParser(arguments)))
    }

    /// Anything the fast path does not fully understand goes to swift-argument-parser, which prints
    /// the help, the version or the error (these all fail or print there, so none may start here).
    @Test(arguments: [
        [], ["vendors"], ["serve", "--help"], ["serve", "-h"], ["serve", "--version"], ["serve", "help"],
        ["serve", "--port"], ["serve", "--port", "x"], ["serve", "--port", "70000"], ["serve", "--port", "-1"],
        ["serve", "--log", "xml"], ["serve", "--users", "openai=x"], ["serve", "--rate-limit", "nope=1/s"],
        ["serve", "--journal-bytes", "1KiB"], ["serve", "--admin-token", ""], ["serve", "--any-key=true"],
        ["serve", "--port", "1", "--port", "2"], ["serve", "--bogus"], ["serve", "--", "--port"], ["serve", "extra"],
        ["serve", "--host", "--port", "1"], ["serve", "--max-connections", "0"], ["serve", "--session-idle", "soon"],
    ])
    func notFullyUnderstood_goesToTheArgumentParser(arguments: [String]) {
        #expect(ServeOptions.fastParse(arguments) == nil)
    }
}
