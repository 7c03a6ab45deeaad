import CNghttp2
import Testing
@testable import HTTPCore

/// `HTTP2Session` against libnghttp2's own client session, in memory: no socket, every frame real.
@Suite struct HTTP2SessionTests {
    /// Moves bytes both ways until neither side has anything to say; hands each server event to `handle`.
    @discardableResult
    func pump(_ server: HTTP2Session, _ client: HTTP2TestClient, rounds: Int = 64,
              handle: (HTTP2Session.Event) -> Void = { _ in }) throws -> [HTTP2Session.Event] {
        var all: [HTTP2Session.Event] = []
        for _ in 0..<rounds {
            let up = client.takeOutput()
            if !up.isEmpty { try up.withUnsafeBytes { try server.receive($0) } }
            let events = server.takeEvents()
            all += events
            events.forEach(handle)
            var down: [UInt8] = []
            server.drainOutput(into: &down, maxBytes: 1 << 24)
            if !down.isEmpty { client.receive(down) }
            if up.isEmpty, down.isEmpty, events.isEmpty { break }
        }
        return all
    }

    func requests(_ events: [HTTP2Session.Event]) -> [(Int32, HTTPRequest)] {
        events.compactMap { if case .request(let id, let request) = $0 { (id, request) } else { nil } }
    }

    func ok(_ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: headers, text: text)
    }

    @Test func settings_areAdvertisedExplicitly() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        try pump(server, client)
        let settings = Dictionary(client.settingsReceived.map { ($0.id, $0.value) }, uniquingKeysWith: { $1 })
        #expect(settings[Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue)] == 100)
        #expect(settings[Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue)] == 1 << 20)
        #expect(settings[Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue)] == UInt32(HTTPLimits().maxHeaderBytes))
    }

    @Test func get_becomesTheSameRequestModelAndTheResponseComesBackWhole() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let id = client.request("GET", "/v1/users?limit=2&name=a%20b",
                                headers: [("authorization", "Bearer k"), ("cookie", "a=1"), ("cookie", "b=2")])
        try pump(server, client) { event in
            guard case .request(let stream, let request) = event else { return }
            #expect(request.method == "GET")
            #expect(request.path == "/v1/users")
            #expect(request.queryValue("name") == "a b")
            #expect(request.headers["Host"] == "127.0.0.1")
            #expect(request.headers["Authorization"] == "Bearer k")
            #expect(request.headers.values(for: "Cookie") == ["a=1; b=2"])
            #expect(request.version == .http2)
            #expect(request.wantsKeepAlive)
            server.respond(streamID: stream, response: ok(#"{"ok":true}"#, headers: ["X-Test": "1", "Connection": "close"]), isHead: false)
        }
        let stream = try #require(client.streams[id])
        #expect(stream.status == 200)
        #expect(stream.text == #"{"ok":true}"#)
        #expect(stream.header("x-test") == "1")
        #expect(stream.header("content-type") == "application/json")
        #expect(stream.header("content-length") == "11")
        #expect(stream.header("date") != nil)
        #expect(stream.header("connection") == nil)  // RFC 9113 §8.2.2
        #expect(stream.isClosed && stream.errorCode == 0)
    }

    @Test func post_bodyArrivesWhole_andHeadSendsNoBody() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let body = Array((0..<100_000).map { UInt8($0 % 251) })
        let post = client.request("POST", "/echo", headers: [("content-type", "application/octet-stream")], body: body)
        let head = client.request("HEAD", "/page")
        try pump(server, client) { event in
            guard case .request(let stream, let request) = event else { return }
            if request.method == "POST" {
                #expect(request.body == body)
                server.respond(streamID: stream, response: HTTPResponse(status: .created, body: request.body), isHead: false)
            } else {
                server.respond(streamID: stream, response: ok("twelve bytes"), isHead: true)
            }
        }
        #expect(client.streams[post]?.status == 201)
        #expect(client.streams[post]?.body == body)
        #expect(client.streams[head]?.header("content-length") == "12")
        #expect(client.streams[head]?.body == [])
        #expect(client.streams[head]?.isClosed == true)
    }

    @Test func aHundredConcurrentStreams_the101stWaitsForASlot() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        try pump(server, client)  // settings first, so the client knows the limit
        let ids = (0..<101).map { client.request("GET", "/n/\($0)") }
        let first = requests(try pump(server, client))
        #expect(first.count == 100)
        #expect(server.openStreams.count == 100)
        for (stream, request) in first { server.respond(streamID: stream, response: ok(request.path), isHead: false) }
        let second = requests(try pump(server, client) { event in
            if case .request(let stream, let request) = event { server.respond(streamID: stream, response: ok(request.path), isHead: false) }
        })
        #expect(second.count == 1)
        for (index, id) in ids.enumerated() { #expect(client.streams[id]?.text == "/n/\(index)") }
        #expect(server.openStreams.isEmpty)
    }

    @Test func clientReset_midResponse_closesTheStreamAndDropsItsBody() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient(initialWindow: 1024, automaticWindowUpdate: false)
        let id = client.request("GET", "/big")
        try pump(server, client) { event in
            if case .request(let stream, _) = event {
                server.respond(streamID: stream, response: HTTPResponse(status: .ok, body: [UInt8](repeating: 65, count: 200_000)), isHead: false)
            }
        }
        #expect(client.streams[id]?.body.count == 1024)
        #expect(server.pendingBodyBytes == 200_000 - 1024)
        client.reset(id)
        let events = try pump(server, client)
        #expect(events.contains { if case .streamClosed(id, NGHTTP2_CANCEL.rawValue) = $0 { true } else { false } })
        #expect(server.pendingBodyBytes == 0)
        #expect(server.openStreams.isEmpty)
    }

    @Test func flowControl_aTinyWindowGetsTheBodyOnlyAsItIsConsumed() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient(initialWindow: 16, automaticWindowUpdate: false)
        let id = client.request("GET", "/page")
        let body = Array((0..<65_536).map { UInt8($0 % 256) })
        try pump(server, client) { event in
            if case .request(let stream, _) = event { server.respond(streamID: stream, response: HTTPResponse(status: .ok, body: body), isHead: false) }
        }
        #expect(client.streams[id]?.body.count == 16)
        var rounds = 0
        while client.streams[id]?.isClosed != true, rounds < 10_000 {
            client.consume(id, client.streams[id]!.body.count - rounds * 16 > 0 ? 16 : 0)
            rounds += 1
            try pump(server, client)
        }
        #expect(client.streams[id]?.body == body)
        #expect(rounds > 1000)  // it really came 16 bytes at a time
    }

    @Test func deferredBody_headNowDataLaterThenEnd() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let id = client.request("GET", "/slow")
        var stream: Int32 = 0
        try pump(server, client) { event in
            if case .request(let s, _) = event {
                stream = s
                server.sendHead(streamID: s, response: ok(""), contentLength: 10, bodyFollows: true)
            }
        }
        #expect(client.streams[id]?.status == 200)
        #expect(client.streams[id]?.isClosed == false)
        server.appendBody(streamID: stream, Array("hello".utf8), isComplete: false)
        try pump(server, client)
        #expect(client.streams[id]?.text == "hello")
        #expect(client.streams[id]?.isClosed == false)
        server.appendBody(streamID: stream, Array("world".utf8), isComplete: true)
        try pump(server, client)
        #expect(client.streams[id]?.text == "helloworld")
        #expect(client.streams[id]?.isClosed == true)
        #expect(client.streams[id]?.errorCode == 0)
    }

    @Test func truncate_sendsLessThanContentLengthThenResets() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let id = client.request("GET", "/t")
        try pump(server, client) { event in
            if case .request(let s, _) = event {
                server.sendHead(streamID: s, response: ok(""), contentLength: 10, bodyFollows: true)
                server.appendBody(streamID: s, Array("hello".utf8), isComplete: true, resetAtEnd: true)
            }
        }
        #expect(client.streams[id]?.header("content-length") == "10")
        #expect(client.streams[id]?.text == "hello")
        #expect(client.streams[id]?.isClosed == true)
        #expect(client.streams[id]?.errorCode != 0)
    }

    @Test func serverReset_ofOneStream_leavesItsSiblingWorking() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let cut = client.request("GET", "/cut")
        let fine = client.request("GET", "/fine")
        try pump(server, client) { event in
            guard case .request(let s, let request) = event else { return }
            if request.path == "/cut" { server.reset(streamID: s) } else { server.respond(streamID: s, response: ok("fine"), isHead: false) }
        }
        #expect(client.streams[cut]?.errorCode == NGHTTP2_INTERNAL_ERROR.rawValue)
        #expect(client.streams[cut]?.status == nil)
        #expect(client.streams[fine]?.text == "fine")
    }

    @Test func gracefulGoAway_letsInFlightStreamsComplete() throws {
        let server = HTTP2Session(limits: HTTPLimits())
        let client = HTTP2TestClient()
        let a = client.request("GET", "/a")
        let b = client.request("GET", "/b")
        var pending: [(Int32, HTTPRequest)] = []
        try pump(server, client) { if case .request(let s, let r) = $0 { pending.append((s, r)) } }
        server.goAway()
        try pump(server, client)
        #expect(client.goAwayReceived?.lastStreamID == b)
        #expect(client.goAwayReceived?.errorCode == NGHTTP2_NO_ERROR.rawValue)
        for (s, r) in pending { server.respond(streamID: s, response: ok(r.path), isHead: false) }
        try pump(server, client)
        #expect(client.streams[a]?.text == "/a")
        #expect(client.streams[b]?.text == "/b")
        #expect(server.openStreams.isEmpty)
    }

    @Test func headerListOverTheLimits_gets431OnThatStream_andTheConnectionLives() throws {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 1024
        let server = HTTP2Session(limits: limits)
        let client = HTTP2TestClient()
        let big = client.request("GET", "/big", headers: [("x-big", String(repeating: "a", count: 2000))])
        let many = client.request("GET", "/many", headers: (0..<101).map { ("x-\($0)", "v") })
        let fine = client.request("GET", "/fine")
        try pump(server, client) { event in
            switch event {
            case .rejected(let s, let request, let status):
                #expect(status == .requestHeaderFieldsTooLarge)
                server.respond(streamID: s, response: HTTPResponse(status: status, text: request.path), isHead: false)
            case .request(let s, let request):
                server.respond(streamID: s, response: ok(request.path), isHead: false)
            case .streamClosed: break
            }
        }
        #expect(client.streams[big]?.status == 431)
        #expect(client.streams[many]?.status == 431)
        #expect(client.streams[fine]?.status == 200)
    }

    @Test func bodyOverTheLimit_gets413Early() throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1000
        let server = HTTP2Session(limits: limits)
        let client = HTTP2TestClient()
        let id = client.request("POST", "/upload", body: [UInt8](repeating: 1, count: 5000))
        let events = try pump(server, client) { event in
            if case .rejected(let s, _, let status) = event { server.respond(streamID: s, response: HTTPResponse(status: status), isHead: false) }
        }
        #expect(client.streams[id]?.status == 413)
        #expect(requests(events).isEmpty)
    }

    @Test func concurrentUploads_shareOneBodyBudgetPerConnection() throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 100_000
        let server = HTTP2Session(limits: limits)
        let client = HTTP2TestClient()
        // Six uploads of 90 000 bytes (six DATA frames each, interleaved by the client) each fit the body
        // limit, but not all at once in a 400 000-byte budget.
        let ids = (0..<6).map { client.request("POST", "/u/\($0)", body: [UInt8](repeating: 7, count: 90_000)) }
        var statuses: [Int32: HTTPStatus] = [:]
        try pump(server, client) { event in
            switch event {
            case .request(let s, let request):
                statuses[s] = .ok
                server.respond(streamID: s, response: HTTPResponse(status: .ok, body: request.body), isHead: false)
            case .rejected(let s, _, let status):
                statuses[s] = status
                server.respond(streamID: s, response: HTTPResponse(status: status), isHead: false)
            case .streamClosed: break
            }
        }
        let refused = ids.filter { statuses[$0] == .contentTooLarge }
        #expect(!refused.isEmpty)
        #expect(ids.filter { statuses[$0] == .ok }.count >= 4)
        // The budget comes back: the next upload on the same connection is taken.
        let later = client.request("POST", "/later", body: [UInt8](repeating: 1, count: 90_000))
        try pump(server, client) { event in
            if case .request(let s, let request) = event {
                server.respond(streamID: s, response: HTTPResponse(status: .ok, body: request.body), isHead: false)
            }
        }
        #expect(client.streams[later]?.status == 200)
        #expect(client.streams[later]?.body.count == 90_000)
    }

    @Test func upgrade_answersTheUpgradingRequestAsStream1() throws {
        let payload = HTTP2TestClient.settingsPayload(initialWindow: 1 << 16)
        let encoded = String(decoding: payload, as: UTF8.self).isEmpty ? "" : base64url(payload)
        let server = try #require(HTTP2Session(limits: HTTPLimits(), upgradeSettings: encoded, isHead: false))
        #expect(server.openStreams == [1])
        server.respond(streamID: 1, response: ok("upgraded"), isHead: false)
        let client = HTTP2TestClient(upgradeSettings: payload)
        try pump(server, client)
        #expect(client.streams[1]?.text == "upgraded")
        #expect(client.streams[1]?.isClosed == true)
        #expect(HTTP2Session(limits: HTTPLimits(), upgradeSettings: "not*base64", isHead: false) == nil)
        #expect(HTTP2Session(limits: HTTPLimits(), upgradeSettings: "AAM", isHead: false) == nil)  // not a whole setting
    }

    // MARK: - Malformed input: a connection error with GOAWAY, never a crash

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let emptySettings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]

    /// The error code of the first GOAWAY frame in `bytes`, if any.
    func goAwayCode(in bytes: [UInt8]) -> UInt32? {
        var index = 0
        while index + 9 <= bytes.count {
            let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
            if bytes[index + 3] == 7, index + 9 + 8 <= bytes.count {
                let p = index + 9 + 4
                return UInt32(bytes[p]) << 24 | UInt32(bytes[p + 1]) << 16 | UInt32(bytes[p + 2]) << 8 | UInt32(bytes[p + 3])
            }
            index += 9 + length
        }
        return nil
    }

    func feed(_ bytes: [UInt8], to server: HTTP2Session) -> (error: HTTP2Session.ConnectionError?, output: [UInt8]) {
        var failure: HTTP2Session.ConnectionError?
        do { try bytes.withUnsafeBytes { try server.receive($0) } } catch { failure = error as? HTTP2Session.ConnectionError ?? .init(code: 0, message: "\(error)") }
        var output: [UInt8] = []
        server.drainOutput(into: &output, maxBytes: 1 << 20)
        return (failure, output)
    }

    @Test func badPreface_isAConnectionError() {
        let server = HTTP2Session(limits: HTTPLimits())
        let (error, _) = feed(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), to: server)
        #expect(error != nil)
    }

    @Test func oversizedFrame_getsGoAwayFrameSizeError() {
        let server = HTTP2Session(limits: HTTPLimits())
        // A DATA frame header announcing 20 000 bytes, over the default SETTINGS_MAX_FRAME_SIZE of 16 384.
        let frame: [UInt8] = [0x00, 0x4E, 0x20, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 20_000)
        let (_, output) = feed(Self.preface + Self.emptySettings + frame, to: server)
        #expect(goAwayCode(in: output) == NGHTTP2_FRAME_SIZE_ERROR.rawValue)
        #expect(server.isFinished || !server.wantsWrite)
    }

    @Test func invalidHPACK_getsGoAwayCompressionError() {
        let server = HTTP2Session(limits: HTTPLimits())
        // HEADERS (END_HEADERS|END_STREAM) on stream 1 whose block is an indexed field beyond any table.
        let block: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        let frame: [UInt8] = [0, 0, UInt8(block.count), 1, 0x05, 0, 0, 0, 1] + block
        let (_, output) = feed(Self.preface + Self.emptySettings + frame, to: server)
        #expect(goAwayCode(in: output) == NGHTTP2_COMPRESSION_ERROR.rawValue)
    }

    func base64url(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<(chunk.count + 1) { out.append(alphabet[(value >> (18 - 6 * position)) & 63]) }
            index += 3
        }
        return out
    }

    @Test func base64url_decodesWhatItEncodes() {
        for length in 0..<20 {
            let bytes = (0..<length).map { UInt8(($0 * 37 + 11) % 256) }
            #expect(Base64URL.decode(base64url(bytes)) == bytes)
        }
    }
}
