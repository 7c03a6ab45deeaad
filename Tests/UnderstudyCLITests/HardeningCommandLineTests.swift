import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Issue 11 findings that need the real binary: descriptor exhaustion (4) and input files (7).
@Suite(.serialized)
struct HardeningCommandLineTests {
    // MARK: Finding 7: --seeds and --faults read only regular files of bounded size

    static func refusal(_ arguments: [String]) throws -> CommandLineTests.Outcome {
        let started = Date()
        let outcome = try CommandLineTests.run(["serve", "--port", "0", "--log", "off"] + arguments, timeout: 10)
        #expect(Date().timeIntervalSince(started) < 5, "start-up was not refused promptly")
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty, "no ready line")
        #expect(outcome.stderr.hasPrefix("understudy: ") && outcome.stderr.filter { $0 == "\n" }.count == 1, "\(outcome.stderr)")
        return outcome
    }

    @Test func faultsFile_thatIsAFIFOOrADevice_isRefused() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let fifo = directory.appendingPathComponent("faults.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try Self.refusal(["--faults", fifo]).stderr == "understudy: cannot read --faults \(fifo): not a regular file (a FIFO); give a path to a JSON file\n")
        let zero = directory.appendingPathComponent("zero.json").path
        #expect(symlink("/dev/zero", zero) == 0)
        #expect(try Self.refusal(["--faults", zero]).stderr.contains("not a regular file (a character device)"))
    }

    @Test func faultsFile_overOneMiB_isRefused() throws {
        let file = try CommandLineTests.temporaryDirectory().appendingPathComponent("faults.json")
        try ("[" + String(repeating: " ", count: 1024 * 1024) + "]").write(to: file, atomically: true, encoding: .utf8)
        #expect(try Self.refusal(["--faults", file.path]).stderr.contains("is over the 1 MiB limit"))
    }

    @Test func seedFile_thatIsADeviceOrAFIFO_isRefused() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        #expect(try CommandLineTests.run(["seeds", "export", "--users", "2", "--out", directory.path]).status == 0)
        let seed = directory.appendingPathComponent("openai.json").path
        unlink(seed)
        #expect(symlink("/dev/zero", seed) == 0)
        #expect(try Self.refusal(["--seeds", directory.path]).stderr
            == "understudy: bad seed file: \(seed): $: not a regular file (a character device); give a path to a JSON file\n")
        unlink(seed)
        #expect(mkfifo(seed, 0o600) == 0)
        #expect(try Self.refusal(["--seeds", directory.path]).stderr.contains("not a regular file (a FIFO)"))
    }

    // MARK: Finding 4: out of descriptors, the server backs off instead of spinning

    /// CPU seconds (user + system) the process has used so far, from /proc.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func connect(port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    @Test(arguments: [64, 128])
    func outOfDescriptors_doesNotSpinOrFloodTheLog(limit: Int) async throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let readyFile = directory.appendingPathComponent("url").path
        let logFile = directory.appendingPathComponent("stderr.log").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // `ulimit -n` sets the hard limit too, so the server cannot raise its way out.
        process.arguments = ["-c", "ulimit -n \(limit) && exec \"$0\" serve --port 0 --log off --ready-file \"$1\" 2>\"$2\"",
                             CommandLineTests.binary.path, readyFile, logFile]
        try CommandLineTests.launch(process)
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        var url = ""
        for _ in 0..<500 where url.isEmpty {
            url = (try? String(contentsOfFile: readyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            usleep(10_000)
        }
        let port = try #require(UInt16(url.split(separator: ":").last.map(String.init) ?? ""))
        let request = Array("GET /__admin/health HTTP/1.1\r\nHost: t\r\n\r\n".utf8)
        let clients = (0..<300).map { _ in Self.connect(port: port) }
        for fd in clients { _ = send(fd, request, request.count, Int32(MSG_NOSIGNAL)) }
        let before = try #require(Self.cpuSeconds(process.processIdentifier))
        try await Task.sleep(for: .seconds(2))
        let after = try #require(Self.cpuSeconds(process.processIdentifier))
        for fd in clients { close(fd) }
        // Spinning on accept cost 80-90 % of a core; backing off costs next to nothing.
        #expect(after - before < 0.5, "the server used \(after - before) s of CPU in 2 s")
        let logged = (try? FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int) ?? 0
        #expect(logged < 4096, "stderr grew to \(logged) bytes")
        // Once the clients are gone, the server serves again.
        var healthy = false
        for _ in 0..<50 where !healthy {
            let fd = Self.connect(port: port)
            _ = send(fd, request, request.count, Int32(MSG_NOSIGNAL))
            var reply = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &reply, reply.count, 0)
            healthy = count > 0 && String(decoding: reply[..<count], as: UTF8.self).hasPrefix("HTTP/1.1 200")
            close(fd)
            if !healthy { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(healthy)
    }

    // MARK: Options

    @Test func newOptions_areDocumentedAndValidated() throws {
        let help = try CommandLineTests.run(["serve", "--help"]).stdout
        for option in ["--max-connections", "--journal-bytes"] { #expect(help.contains(option), "serve --help lacks \(option)") }
        #expect(try CommandLineTests.run(["serve", "--max-connections", "0"]).status != 0)
        #expect(try CommandLineTests.run(["serve", "--journal-bytes", "lots"]).status != 0)
        #expect(try CommandLineTests.run(["serve", "--journal-bytes", "1KiB"]).status != 0)
    }

    @Test func connectionCap_isReportedAndLoweredToTheDescriptorLimit() throws {
        let directory = try CommandLineTests.temporaryDirectory()
        let readyFile = directory.appendingPathComponent("url").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -n 200 && exec \"$0\" serve --port 0 --max-connections 5000 --ready-file \"$1\"",
                             CommandLineTests.binary.path, readyFile]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try CommandLineTests.launch(process)
        for _ in 0..<500 where (try? String(contentsOfFile: readyFile, encoding: .utf8)) == nil { usleep(10_000) }
        process.terminate()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("understudy: --max-connections lowered to 150: the open-file limit is 200\n"), "\(stderr)")
    }
}
