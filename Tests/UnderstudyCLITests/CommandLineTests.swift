import Foundation
import Testing

/// Runs the real `understudy` binary, as a user (or CI job) would.
@Suite(.serialized)
struct CommandLineTests {
    /// The executable sits next to the test bundle in SwiftPM's build directory.
    static let binary: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("understudy").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("understudy")
    }()

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `understudy args…` to completion (bounded by `timeout`).
    static func run(_ arguments: [String], timeout: TimeInterval = 20) throws -> Outcome {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("understudy-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func version_andHelpWithExamples() throws {
        #expect(try Self.run(["--version"]).stdout == "0.1.0\n")
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("understudy serve --port 0 --ready-file url.txt"))
        #expect(help.stdout.contains("SUBCOMMANDS:"))
        let serveHelp = try Self.run(["serve", "--help"]).stdout
        for option in ["--host", "--port", "--ready-file", "--log", "--seeds", "--any-key", "--faults", "--users", "--seed", "--rate-limits", "--admin-token"] {
            #expect(serveHelp.contains(option), "serve --help lacks \(option)")
        }
    }

    @Test func serve_printsOneReadyLineWritesTheReadyFileAndExitsZeroOnSIGTERM() throws {
        let directory = try Self.temporaryDirectory()
        let readyFile = directory.appendingPathComponent("url").path
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--ready-file", readyFile, "--log", "off"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var url = ""
        for _ in 0..<500 where url.isEmpty {
            url = (try? String(contentsOfFile: readyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            usleep(10_000)
        }
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let health = try Data(contentsOf: URL(string: url + "/__admin/health")!)
        #expect(String(decoding: health, as: UTF8.self) == #"{"status":"ok"}"#)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "understudy listening on \(url)\n")
    }

    @Test func portInUse_isOneLineOnStderrAndExitOne() throws {
        let directory = try Self.temporaryDirectory()
        let readyFile = directory.appendingPathComponent("url").path
        let first = Process()
        first.executableURL = Self.binary
        first.arguments = ["serve", "--port", "0", "--ready-file", readyFile, "--log", "off"]
        first.standardOutput = Pipe()
        try first.run()
        defer { first.terminate(); first.waitUntilExit() }
        var url = ""
        for _ in 0..<500 where url.isEmpty {
            url = (try? String(contentsOfFile: readyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            usleep(10_000)
        }
        let port = try #require(url.split(separator: ":").last.map(String.init))
        let second = try Self.run(["serve", "--port", port])
        #expect(second.status == 1)
        #expect(second.stderr == "understudy: port \(port) on 127.0.0.1 is already in use\n")
        #expect(second.stdout.isEmpty)
    }

    @Test func badSeedFile_namesFilePathAndProblem() throws {
        let directory = try Self.temporaryDirectory()
        let export = try Self.run(["seeds", "export", "--users", "3", "--out", directory.path])
        #expect(export.status == 0)
        let file = directory.appendingPathComponent("openai.json")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\"role\": \"reader\"", with: "\"role\": \"boss\"")
            .replacingOccurrences(of: "\"role\": \"owner\"", with: "\"role\": \"boss\"")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let outcome = try Self.run(["serve", "--port", "0", "--seeds", directory.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "understudy: bad seed file: \(file.path): $.users[0].role: 'boss' is not one of owner, reader\n")
    }

    @Test func seedsExport_writesFilesThatServeLoads() throws {
        let directory = try Self.temporaryDirectory()
        #expect(try Self.run(["seeds", "export", "--users", "25", "--seed", "9", "--out", directory.path]).status == 0)
        let vendors = try Self.run(["vendors", "--seeds", directory.path])
        #expect(vendors.status == 0)
        #expect(vendors.stdout.components(separatedBy: "users: 25").count == 6)
        let again = try Self.temporaryDirectory()
        _ = try Self.run(["seeds", "export", "--users", "25", "--seed", "9", "--out", again.path])
        for vendor in ["openphone", "pandadoc", "1password", "openai", "factory"] {
            let first = try Data(contentsOf: directory.appendingPathComponent("\(vendor).json"))
            let second = try Data(contentsOf: again.appendingPathComponent("\(vendor).json"))
            #expect(first == second, "\(vendor) export is not deterministic")
        }
    }

    @Test(arguments: [["serve", "--users", "openai=x"], ["serve", "--rate-limit", "nope=1/s"], ["serve", "--port", "70000"], ["serve", "--log", "xml"]])
    func badOption_isAClearErrorAndNonZeroExit(arguments: [String]) throws {
        let outcome = try Self.run(arguments)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("Error:"))
    }
}
