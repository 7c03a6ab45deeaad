import HTTPCore

/// The dashboard's three admin routes (issue 15): the live page (`GET /__admin`), its event stream
/// (`GET /__admin/events`) and the static snapshot (`GET /__admin/report`, `understudy report`).
/// All three sit behind `--admin-token` like every `/__admin` route; none is journaled.
extension UnderstudyApp {
    /// `GET /__admin` and `/__admin/`: the self-contained page, which then calls the admin API.
    func dashboardPage(in session: Session) -> HTTPResponse {
        let data = DashboardPage.data(members: [("live", .bool(true)), ("rateLimits", Self.rateLimitListing(session))])
        return Self.htmlResponse(DashboardPage.html(embedding: data))
    }

    /// `GET /__admin/report`: the same page with every session's journal, the armed faults, the
    /// vendors and sessions embedded, so the file opens from `file://` with no server.
    func dashboardReport(in session: Session) -> HTTPResponse {
        func parsed(_ bytes: [UInt8]) -> JSONValue { (try? JSONValue.parse(bytes)) ?? .null }
        let vendors = AdminResponses.vendorList(session).body
        let snapshot: JSONValue = .object([
            ("generatedAt", .string(RequestJournal.isoTime(Self.unixMilliseconds()))),
            ("session", .string(session.name)),
            ("requests", RequestJournal.listing(of: sessions.all().map(\.journal))),
            ("faults", session.faults.listing),
            ("vendors", parsed(vendors)),
            ("sessions", .object([("sessions", .array(sessions.all().map(\.listing)))])),
        ])
        let data = DashboardPage.data(members: [
            ("live", .bool(false)), ("rateLimits", Self.rateLimitListing(session)), ("snapshot", snapshot),
        ])
        var response = Self.htmlResponse(DashboardPage.html(embedding: data))
        response.headers.add(name: "Content-Disposition", value: #"inline; filename="understudy-report.html""#)
        return response
    }

    /// `GET /__admin/events[?session=NAME|*]`: one `data:` line of entry JSON per journal entry, as it
    /// is recorded. Unscoped, it follows the scoped session (default); `*` follows every session.
    func eventStream(_ request: HTTPRequest, in session: Session) -> HTTPResponse {
        let wanted: String?
        switch request.queryValue("session") {
        case nil: wanted = session.name
        case "*": wanted = nil
        case let name?: wanted = name
        }
        var response = HTTPResponse(status: .ok, contentType: "text/event-stream; charset=utf-8")
        response.headers.add(name: "Cache-Control", value: "no-store")
        response.delivery = .stream(events.subscribe(session: wanted))
        return response
    }

    /// Whether `?token=` carries the admin token (for the page and `EventSource`, which cannot send headers).
    static func queryCarriesToken(_ request: HTTPRequest, authorization: String) -> Bool {
        guard let token = request.queryValue("token"), !token.isEmpty else { return false }
        return "Bearer \(token)" == authorization
    }

    /// `{"openphone": {"limit": 10, "windowMs": 1000}, …}` for the vendors panel.
    static func rateLimitListing(_ session: Session) -> JSONValue {
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        return .object(session.rateLimiter.limits.sorted { $0.key < $1.key }.map { vendor, rate in
            (vendor, .object([("limit", number(rate.limit)), ("windowMs", number(rate.windowMilliseconds))]))
        })
    }

    static func htmlResponse(_ bytes: [UInt8]) -> HTTPResponse {
        var response = HTTPResponse(status: .ok, contentType: "text/html; charset=utf-8", body: bytes)
        response.headers.add(name: "Cache-Control", value: "no-store")
        // The page needs nothing from elsewhere; say so, which also blunts any injected markup.
        response.headers.add(
            name: "Content-Security-Policy",
            value: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'")
        return response
    }

    static func unixMilliseconds() -> Int64 {
        SystemClock.wallMilliseconds()
    }
}

/// The page: one HTML document with inline CSS and JS (no CDN, no fonts, no build step). Its data
/// block is JSON inside `<script type="application/json">`, with every `<` written `\u003c`, so no
/// journal content can close the element.
enum DashboardPage {
    static let placeholder = "__UNDERSTUDY_DATA__"

    static func data(members: [(String, JSONValue)]) -> [UInt8] {
        var bytes: [UInt8] = []
        let json = JSONValue.object(members).compactBytes
        bytes.reserveCapacity(json.count + 64)
        for byte in json {
            if byte == UInt8(ascii: "<") { bytes += Array(#"\u003c"#.utf8) } else { bytes.append(byte) }
        }
        return bytes
    }

    static func html(embedding data: [UInt8]) -> [UInt8] {
        let parts = template.split(separator: placeholder, maxSplits: 1, omittingEmptySubsequences: false)
        return Array(parts[0].utf8) + data + Array((parts.count > 1 ? parts[1] : "").utf8)
    }
}
