import Foundation
import HTTPCore
import Testing
import TestSupport
@testable import Understudy

/// The dashboard routes (issue 15): the page, its event stream, the report, and `?token=`.
@Suite(.serialized)
struct DashboardTests {
    static let openAI = ("Authorization", "Bearer sk-admin-understudy-test")
    static let xss = "<img src=x onerror=alert(1)></script><script>alert(2)</script>"

    /// The JSON inside `<script type="application/json" id="data">…</script>`.
    static func embeddedData(_ html: String) throws -> JSONValue {
        let start = try #require(html.range(of: #"id="data">"#))
        let rest = html[start.upperBound...]
        let end = try #require(rest.range(of: "</script>"))
        return try JSONValue.parse(Array(rest[..<end.lowerBound].utf8))
    }

    // MARK: - In process

    @Test func page_isServedAtAdminRootWithAndWithoutSlash() throws {
        let app = try makeApp()
        for path in ["/__admin", "/__admin/"] {
            let response = app.handle(.make(path))
            #expect(response.status == .ok)
            #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(response.headers["Content-Security-Policy"]?.contains("default-src 'none'") == true)
            #expect(response.body.count < 50 * 1024)
            #expect(response.text.hasPrefix("<!doctype html>"))
            #expect(try Self.embeddedData(response.text)["live"] == .bool(true))
        }
    }

    @Test func page_referencesNothingElsewhere() throws {
        let page = try makeApp().handle(.make("/__admin")).text
        for needle in ["src=\"http", "href=\"http", "@import", "url(", "<link"] { #expect(!page.contains(needle), "\(needle)") }
    }

    @Test func report_embedsJournalFaultsAndVendors_withEveryAngleBracketEscaped() throws {
        let app = try makeApp()
        let first = seededIDs(app, "openai")[0]
        _ = try app.updateUser(id: first, of: "openai", with: .object([("name", .string(Self.xss))]), in: app.session("default"))
        let listed = app.handle(.make("/v1/organization/users?limit=1", authorization: Self.openAI.1))
        var exchange = HTTPExchange(
            connectionID: 1, request: .make("/v1/organization/users?limit=1&q=</script>", authorization: Self.openAI.1),
            status: listed.status, delivery: .normal, durationNanoseconds: 1, metadata: listed.logMetadata)
        exchange.responseBody = listed.body
        #expect(listed.text.contains("onerror=alert(1)"))
        app.recordInJournal(exchange)
        _ = app.handle(.make("/__admin/faults", method: "POST").withBody(#"{"vendor":"openai","status":503}"#))
        let report = app.handle(.make("/__admin/report"))
        #expect(report.status == .ok)
        let html = report.text
        let dataBlock = String(html[try #require(html.range(of: #"id="data">"#)).upperBound...].prefix { _ in true })
        // The only `</script>` after the data block opens is the one that closes it.
        #expect(!dataBlock.prefix(upTo: try #require(dataBlock.range(of: "</script>")).lowerBound).contains("<"))
        let snapshot = try #require(try Self.embeddedData(html)["snapshot"])
        let entries = try #require(snapshot["requests"]?["requests"]?.arrayValue)
        #expect(entries.count == 1)
        #expect(entries[0]["query"]?["q"] == .string("</script>"))
        #expect(entries[0]["responseBody"]?.stringValue?.contains("onerror=alert(1)") == true)
        #expect(snapshot["faults"]?["faults"]?.arrayValue?.first?["status"]?.intValue == 503)
        #expect(snapshot["vendors"]?["vendors"]?.arrayValue?.count == app.records.count)
        #expect(snapshot["sessions"]?["sessions"]?.arrayValue?.first?["name"] == .string("default"))
    }

    @Test func journalEntry_carriesResponseHeadersAndBodies() throws {
        let app = try makeApp()
        let response = app.handle(.make("/v1/organization/users?limit=1", authorization: Self.openAI.1))
        var exchange = HTTPExchange(
            connectionID: 1, request: .make("/v1/organization/users?limit=1", authorization: Self.openAI.1),
            status: response.status, delivery: .normal, durationNanoseconds: 1, metadata: response.logMetadata)
        exchange.responseHeaders = response.headers
        exchange.responseBody = response.body
        let entry = RequestJournal.render(try #require(app.journal.append(exchange, returningEntry: true)))
        #expect(entry["responseBody"] == .string(response.text))
        #expect(entry["responseHeaders"]?["Content-Type"] == .string("application/json"))
        #expect(entry["truncated"] == .bool(false))
        #expect(entry["body"] == .null)  // no request body
    }

    @Test func journalEntry_longResponseBody_isCutAndMarkedTruncated() throws {
        let journal = RequestJournal(capacity: 2)
        var exchange = HTTPExchange(connectionID: 1, request: .make("/x"), status: .ok, delivery: .normal, durationNanoseconds: 1, metadata: [:])
        exchange.responseBody = Array(repeating: UInt8(ascii: "a"), count: RequestJournal.bodyCap + 10)
        let entry = RequestJournal.render(try #require(journal.append(exchange, returningEntry: true)))
        #expect(entry["responseBody"]?.stringValue?.utf8.count == RequestJournal.bodyCap)
        #expect(entry["truncated"] == .bool(true))
    }

    @Test func adminToken_isAcceptedAsQueryParameter_andWrongOrMissingIsRefused() throws {
        let app = try UnderstudyApp(configuration: .init(adminToken: "t0ken"))
        #expect(app.handle(.make("/__admin")).status == .unauthorized)
        #expect(app.handle(.make("/__admin?token=nope")).status == .unauthorized)
        #expect(app.handle(.make("/__admin?token=")).status == .unauthorized)
        #expect(app.handle(.make("/__admin/report?token=nope")).status == .unauthorized)
        #expect(app.handle(.make("/__admin?token=t0ken")).status == .ok)
        #expect(app.handle(.make("/__admin/faults?token=t0ken")).status == .ok)
        #expect(app.handle(.make("/__admin/report", authorization: "Bearer t0ken")).status == .ok)
        // A vendor path is not the admin API: the token means nothing there.
        #expect(app.handle(.make("/v1/organization/users?token=t0ken")).status == .unauthorized)
    }

    @Test func events_isAStreamOfEventStreamType() throws {
        let response = try makeApp().handle(.make("/__admin/events"))
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/event-stream; charset=utf-8")
        guard case .stream(let stream) = response.delivery else { Issue.record("not a stream"); return }
        stream.finish()
        #expect(stream.isFinished)
    }

    @Test func eventHub_publishesToMatchingSessionsOnly_andForgetsFinishedStreams() {
        let hub = EventHub()
        #expect(!hub.hasListeners)
        let everyone = hub.subscribe(session: nil)
        let onlyB = hub.subscribe(session: "b")
        #expect(hub.hasListeners)
        onlyB.finish()
        #expect(hub.hasListeners)
        everyone.finish()
        #expect(!hub.hasListeners)
        #expect(EventHub.event(.object([("a", .string("x\ny"))])) == Array("data: {\"a\":\"x\\ny\"}\n\n".utf8))
    }

    // MARK: - Live

    /// Reads from `client` until `needle` shows up (or the client's read timeout passes).
    static func read(_ client: RawClient, until needle: String) -> String {
        var text = ""
        var scratch = [UInt8](repeating: 0, count: 65536)
        while !text.contains(needle) {
            let count = recv(client.fd, &scratch, scratch.count, 0)
            if count <= 0 { break }
            text += String(decoding: scratch[..<count], as: UTF8.self)
        }
        return text
    }

    @Test func events_live_streamOneDataLinePerJournalEntry_andNotAdminCalls() async throws {
        let server = try UnderstudyServer.start()
        let client = try RawClient(port: server.port)
        try client.send("GET /__admin/events HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = Self.read(client, until: ": understudy journal\n\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Type: text/event-stream"))
        #expect(!head.contains("Content-Length"))
        _ = try send(server, "/__admin/vendors")  // admin: not journaled, so not streamed
        _ = try send(server, "/v1/organization/users?limit=1", headers: [Self.openAI])
        let text = Self.read(client, until: "\n\n")
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("data: ") }
        #expect(lines.count == 1)
        let entry = try JSONValue.parse(Array(lines[0].dropFirst(6).utf8))
        let listed = try JSONValue.parse(try send(server, "/__admin/requests").text)["requests"]?.arrayValue?.first
        #expect(entry == listed)
        #expect(entry["vendor"] == .string("openai"))
        #expect(entry["responseBody"]?.stringValue?.contains(#""object":"list""#) == true)
        #expect(entry["headers"]?["Authorization"]?.stringValue?.hasSuffix("test") == true)
        #expect(entry["headers"]?["Authorization"]?.stringValue?.contains("sk-admin") == false)
        await server.stop()
        #expect(client.waitForClose())
    }

    @Test func events_live_followOneSession_orEverySession() async throws {
        let server = try UnderstudyServer.start()
        let all = try RawClient(port: server.port)
        try all.send("GET /__admin/events?session=* HTTP/1.1\r\nHost: t\r\n\r\n")
        let scoped = try RawClient(port: server.port)
        try scoped.send("GET /__session/ci-1/__admin/events HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = Self.read(all, until: "journal\n\n")
        _ = Self.read(scoped, until: "journal\n\n")
        _ = try send(server, "/v1/organization/users?marker=default", headers: [Self.openAI])
        _ = try send(server, "/__session/ci-1/v1/organization/users?marker=ci", headers: [Self.openAI])
        let everything = Self.read(all, until: "marker\":\"ci")
        #expect(everything.contains(#""marker":"default""#))
        let one = Self.read(scoped, until: "marker\":\"ci")
        #expect(!one.contains(#""marker":"default""#))
        #expect(one.contains(#""session":"ci-1""#))
        await server.stop()
    }

    @Test func events_live_requireTheAdminToken() async throws {
        let server = try UnderstudyServer.start(.init(port: 0, adminToken: "s3cret"))
        #expect(try send(server, "/__admin/events").status == 401)
        #expect(try send(server, "/__admin/events?token=wrong").status == 401)
        let client = try RawClient(port: server.port)
        try client.send("GET /__admin/events?token=s3cret HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(Self.read(client, until: "journal\n\n").hasPrefix("HTTP/1.1 200 OK"))
        #expect(try send(server, "/__admin/report", headers: [("Authorization", "Bearer s3cret")]).status == 200)
        await server.stop()
    }
}

extension HTTPRequest {
    func withBody(_ text: String) -> HTTPRequest {
        var copy = self
        copy.body = Array(text.utf8)
        return copy
    }
}
