import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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

    /// `process.run()`, retried: swift-corelibs-foundation's `Process` on Linux lists the parent's open
    /// descriptors and asks `posix_spawn` to close each in the child, so a descriptor another test
    /// closes in between (these suites open and close sockets in parallel) fails the spawn with EBADF.
    static func launch(_ process: Process) throws {
        var attempt = 0
        while true {
            do { return try process.run() } catch {
                attempt += 1
                guard attempt < 5, "\(error)".contains("Code=9") else { throw error }
                usleep(20_000)
            }
        }
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
        try CommandLineTests.launch(process)
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
        let (process, url, out) = try Self.startServer([])
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let health = try Data(contentsOf: URL(string: url + "/__admin/health")!)
        #expect(String(decoding: health, as: UTF8.self) == #"{"status":"ok"}"#)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "understudy listening on \(url)\n")
    }

    @Test func sigtermTheMomentTheReadyFileAppears_isStillAGracefulExitZero() throws {
        // A supervisor may stop the server as soon as it is ready: the handlers are in place by then.
        for _ in 0..<10 {
            let readyFile = try Self.temporaryDirectory().appendingPathComponent("url").path
            let process = Process()
            process.executableURL = Self.binary
            process.arguments = ["serve", "--port", "0", "--ready-file", readyFile, "--log", "off"]
            process.standardOutput = FileHandle.nullDevice
            try CommandLineTests.launch(process)
            var waited = 0
            while !FileManager.default.fileExists(atPath: readyFile), waited < 100_000 { usleep(100); waited += 1 }
            process.terminate()
            // A lost SIGTERM (ignored before its handler existed) would leave the server running: bounded wait.
            var ticks = 0
            while process.isRunning, ticks < 1000 { usleep(10_000); ticks += 1 }
            let stopped = !process.isRunning
            if !stopped { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            #expect(stopped, "the server ignored a SIGTERM sent as soon as it was ready")
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 0)
        }
    }

    @Test func portInUse_isOneLineOnStderrAndExitOne() throws {
        let (first, url, _) = try Self.startServer([])
        defer { first.terminate(); first.waitUntilExit() }
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

    /// Starts `understudy serve --port 0 --ready-file … extra…`; returns the process, its base URL and stdout.
    static func startServer(_ extra: [String]) throws -> (Process, String, Pipe) {
        let readyFile = try temporaryDirectory().appendingPathComponent("url").path
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--ready-file", readyFile, "--log", "off"] + extra
        let out = Pipe()
        process.standardOutput = out
        try CommandLineTests.launch(process)
        var url = ""
        for _ in 0..<500 where url.isEmpty {
            url = (try? String(contentsOfFile: readyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            usleep(10_000)
        }
        return (process, url, out)
    }

    static func status(_ url: String, authorization: String) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? -1
    }

    @Test func faultsFileAndAnyKey_workFromTheCommandLine() async throws {
        let rules = try Self.temporaryDirectory().appendingPathComponent("faults.json")
        try #"[{"vendor":"openai","status":503,"times":1}]"#.write(to: rules, atomically: true, encoding: .utf8)
        let (process, url, _) = try Self.startServer(["--faults", rules.path, "--any-key"])
        defer { process.terminate(); process.waitUntilExit() }
        let users = url + "/v1/organization/users?limit=1"
        #expect(try await Self.status(users, authorization: "Bearer whatever-you-like") == 503)
        #expect(try await Self.status(users, authorization: "Bearer whatever-you-like") == 200)
        #expect(try await Self.status(users, authorization: "Basic not-a-bearer") == 401)
    }

    @Test func ipv6Host_listensOnTheIPv6Loopback() async throws {
        let (process, url, _) = try Self.startServer(["--host", "::1"])
        defer { process.terminate(); process.waitUntilExit() }
        #expect(url.hasPrefix("http://[::1]:"))
        // URLSession on Linux rejects bracketed IPv6 hosts, so this speaks HTTP over an AF_INET6 socket.
        let port = try #require(UInt16(url.split(separator: ":").last.map(String.init) ?? ""))
        let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_addr = in6addr_loopback
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
        #expect(connected == 0)
        let request = Array("GET /__admin/health HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n".utf8)
        #expect(send(fd, request, request.count, 0) == request.count)
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while case let count = recv(fd, &chunk, chunk.count, 0), count > 0 { reply += chunk[..<count] }
        let text = String(decoding: reply, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(text.hasSuffix(#"{"status":"ok"}"#))
    }

    @Test func badFaultsFile_isAClearErrorAndExitOne() throws {
        let rules = try Self.temporaryDirectory().appendingPathComponent("faults.json")
        try #"[{"vendor":"openai","status":200}]"#.write(to: rules, atomically: true, encoding: .utf8)
        let outcome = try Self.run(["serve", "--port", "0", "--faults", rules.path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr == "understudy: bad --faults file \(rules.path): faults[0].status: expected an integer from 400 to 599\n")
    }

    @Test(arguments: [["serve", "--users", "openai=x"], ["serve", "--rate-limit", "nope=1/s"], ["serve", "--port", "70000"], ["serve", "--log", "xml"]])
    func badOption_isAClearErrorAndNonZeroExit(arguments: [String]) throws {
        let outcome = try Self.run(arguments)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("Error:"))
    }
}
