import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `understudy report`: the dashboard snapshot as a file, from a running server (issue 15).
@Suite(.serialized)
struct ReportCommandTests {
    @Test func report_writesTheSnapshotWithTheJournal_andNeedsTheTokenWhenTheServerHasOne() throws {
        let (process, url, _) = try CommandLineTests.startServer(["--admin-token", "rep0rt"])
        defer { process.terminate(); process.waitUntilExit() }
        var request = URLRequest(url: URL(string: url + "/v1/organization/users?limit=1&marker=from-cli-test")!)
        request.setValue("Bearer sk-admin-understudy-test", forHTTPHeaderField: "Authorization")
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
        done.wait()
        let out = try CommandLineTests.temporaryDirectory().appendingPathComponent("report.html")

        let refused = try CommandLineTests.run(["report", "--url", url, "--out", out.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("401"))
        #expect(!FileManager.default.fileExists(atPath: out.path))

        let written = try CommandLineTests.run(["report", "--url", url + "/", "--out", out.path, "--admin-token", "rep0rt"])
        #expect(written.status == 0, "\(written.stderr)")
        let html = try String(contentsOf: out, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains(#""snapshot":"#))
        #expect(html.contains("from-cli-test"))
        // The request's Authorization is masked as in the journal (the vendors panel lists the test keys in full).
        #expect(html.contains(#""Authorization":"Bearer "# + String(repeating: "*", count: 20) + #"test""#))
    }

    @Test func report_badURLOrNoServer_failsWithAMessage() throws {
        let bad = try CommandLineTests.run(["report", "--url", "https://example.com", "--out", "/tmp/x.html"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("http://"))
        let none = try CommandLineTests.run(["report", "--url", "http://127.0.0.1:1", "--out", "/tmp/x.html"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("cannot connect"))
    }
}
