import Foundation
import Testing
import CNghttp2
@testable import HTTPCore
import TestSupport

/// HTTP/2 over real sockets on port 0: libnghttp2's client session drives frames through `RawClient`.
@Suite(.serialized)
struct HTTP2LiveTests {
    /// A socket plus an nghttp2 client: bytes are moved until a condition holds or time runs out.
    final class Connection {
        let socket: RawClient
        let client: HTTP2TestClient
        private(set) var closedByServer = false

        init(socket: RawClient, client: HTTP2TestClient) {
            self.socket = socket
            self.client = client
        }

        convenience init(port: Int, client: HTTP2TestClient = HTTP2TestClient()) throws {
            self.init(socket: try RawClient(port: port), client: client)
        }

        /// Moves bytes until `done()` or the server closes or `seconds` pass; returns `done()`.
        @discardableResult
        func run(seconds: Double = 10, until done: () -> Bool) throws -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let output = client.takeOutput()
                if !output.isEmpty { try socket.send(output) }
                if done() { return true }
                guard let input = socket.receiveAvailable(timeoutMilliseconds: 20) else {
                    closedByServer = true
                    return done()
                }
                if !input.isEmpty { client.receive(input) }
            }
            return done()
        }

        func complete(_ id: Int32) -> Bool { client.streams[id]?.isClosed == true }
    }

    static let handler = ClosureHTTPHandler { request in
        var response = HTTPResponse(status: .ok, text: #"{"path":"\#(request.path)","body":\#(request.body.count),"version":\#(request.version.major)}"#)
        if request.path == "/big" { response = HTTPResponse(status: .ok, body: [UInt8](repeating: 66, count: 2_000_000)) }
        response.applyTestDelivery(for: request.path)
        return response
    }

    static func withServer(acceptsHTTP2: Bool = true, _ body: (HTTPServer, Int) async throws -> Void) async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, acceptsHTTP2: acceptsHTTP2), handler: handler)
        let port = try server.start()
        do { try await body(server, port) } catch { await server.stop(); throw error }
        await server.stop()
    }

    @Test func priorKnowledge_answersWhatHTTP1AnswersOnTheSamePort() async throws {
        try await Self.withServer { _, port in
            let h1 = try RawClient(port: port)
            try h1.send("GET /same?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            let http1 = try h1.readResponse()
            let connection = try Connection(port: port)
            let id = connection.client.request("GET", "/same?x=1")
            #expect(try connection.run { connection.complete(id) })
            let stream = try #require(connection.client.streams[id])
            #expect(stream.status == 200)
            #expect(stream.text == http1.text.replacingOccurrences(of: #""version":1"#, with: #""version":2"#))
            #expect(stream.header("content-type") == http1.header("Content-Type"))
        }
    }

    /// Sends an h2c upgrade request for `path` (RFC 7540 §3.2); returns the SETTINGS payload it carried.
    static func sendUpgrade(path: String, on socket: RawClient) throws -> [UInt8] {
        let payload = HTTP2TestClient.settingsPayload()
        let settings = Data(payload).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        try socket.send("GET \(path) HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \(settings)\r\n\r\n")
        return payload
    }

    @Test func upgrade_answers101ThenStream1OverHTTP2() async throws {
        try await Self.withServer { _, port in
            let socket = try RawClient(port: port)
            let payload = try Self.sendUpgrade(path: "/upgraded", on: socket)
            var received: [UInt8] = []
            while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
                received += try #require(socket.receiveAvailable(timeoutMilliseconds: 2000))
            }
            let text = String(decoding: received, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
            #expect(text.contains("Upgrade: h2c\r\n"))
            let headEnd = text.utf8.count - (text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").utf8.count)
            let client = HTTP2TestClient(upgradeSettings: payload)
            client.receive(Array(received[headEnd...]))
            let connection = Connection(socket: socket, client: client)
            #expect(try connection.run { connection.complete(1) })
            #expect(client.streams[1]?.text == #"{"path":"/upgraded","body":0,"version":1}"#)
            let next = client.request("GET", "/second")
            #expect(try connection.run { connection.complete(next) })
            #expect(client.streams[next]?.text == #"{"path":"/second","body":0,"version":2}"#)
        }
    }

    /// curl reads what follows the 101 into a 32 KiB buffer and gives up when more arrives with it,
    /// so stream 1 waits for the client's preface; until then only the server's SETTINGS follow.
    @Test func upgrade_answersStream1OnlyAfterTheClientPreface() async throws {
        try await Self.withServer { _, port in
            let socket = try RawClient(port: port)
            let payload = try Self.sendUpgrade(path: "/big", on: socket)
            var received: [UInt8] = []
            let deadline = Date().addingTimeInterval(0.5)
            while Date() < deadline {
                received += try #require(socket.receiveAvailable(timeoutMilliseconds: 50))
            }
            let marker = Array("\r\n\r\n".utf8)
            let headEnd = try #require((0...(received.count - marker.count)).first { Array(received[$0..<$0 + marker.count]) == marker }) + marker.count
            #expect(String(decoding: received[..<headEnd], as: UTF8.self).hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
            // Frames after the head: a 9-byte header each, type at offset 3. SETTINGS (4) and a connection
            // WINDOW_UPDATE (8) so far; no HEADERS (1) or DATA (0) of stream 1.
            var offset = headEnd
            var types: [UInt8] = []
            while offset + 9 <= received.count {
                let length = Int(received[offset]) << 16 | Int(received[offset + 1]) << 8 | Int(received[offset + 2])
                types.append(received[offset + 3])
                offset += 9 + length
            }
            #expect(types.contains(4))
            #expect(!types.contains(0) && !types.contains(1), "frame types before the client preface: \(types)")
            let client = HTTP2TestClient(upgradeSettings: payload)
            client.receive(Array(received[headEnd...]))
            let connection = Connection(socket: socket, client: client)
            #expect(try connection.run { connection.complete(1) })
            #expect(client.streams[1]?.status == 200)
            #expect(client.streams[1]?.body.count == 2_000_000)
        }
    }

    @Test func noHTTP2_answersThePrefaceWith505() async throws {
        try await Self.withServer(acceptsHTTP2: false) { _, port in
            let socket = try RawClient(port: port)
            try socket.send(HTTPServer.http2Preface)
            let response = try socket.readResponse()
            #expect(response.status == 505)
            #expect(socket.waitForClose())
        }
    }

    @Test func aHundredConcurrentStreams_onOneConnection() async throws {
        try await Self.withServer { server, port in
            let connection = try Connection(port: port)
            try connection.run { !connection.client.settingsReceived.isEmpty }
            let ids = (0..<100).map { connection.client.request("GET", "/delay/\(50 + $0 % 5)") }
            let allDone = try connection.run(seconds: 20) { ids.allSatisfy { connection.complete($0) } }
            #expect(allDone)
            #expect(ids.allSatisfy { connection.client.streams[$0]?.status == 200 })
            #expect(server.connectionCount == 1)
        }
    }

    @Test func delayAndHang_holdOnlyTheirStream() async throws {
        try await Self.withServer { _, port in
            let connection = try Connection(port: port)
            let hang = connection.client.request("GET", "/fault/hang")
            let slow = connection.client.request("GET", "/delay/400")
            let fast = connection.client.request("GET", "/fast")
            #expect(try connection.run { connection.complete(fast) })
            #expect(!connection.complete(slow))
            #expect(try connection.run { connection.complete(slow) })
            #expect(!connection.complete(hang))
            let after = connection.client.request("GET", "/after")
            #expect(try connection.run { connection.complete(after) })
            #expect(!connection.complete(hang))
        }
    }

    @Test func clientReset_midResponse_leavesTheConnectionServing() async throws {
        try await Self.withServer { server, port in
            let connection = try Connection(port: port, client: HTTP2TestClient(initialWindow: 4096, automaticWindowUpdate: false))
            let big = connection.client.request("GET", "/big")
            try connection.run { (connection.client.streams[big]?.body.count ?? 0) >= 4096 }
            connection.client.reset(big)
            let next = connection.client.request("GET", "/next")
            #expect(try connection.run { connection.complete(next) })
            #expect(connection.client.streams[big]?.body.count == 4096)
            #expect(connection.client.streams[next]?.status == 200)
            #expect(server.connectionCount == 1)
        }
    }

    @Test func flowControl_aTinyWindowStillGetsTheWholeBody() async throws {
        try await Self.withServer { _, port in
            let connection = try Connection(port: port, client: HTTP2TestClient(initialWindow: 16, automaticWindowUpdate: false))
            let id = connection.client.request("GET", "/flow-control-with-a-sixteen-byte-window")
            var consumed = 0
            #expect(try connection.run(seconds: 20) {
                let have = connection.client.streams[id]?.body.count ?? 0
                if have > consumed { connection.client.consume(id, have - consumed); consumed = have }
                return connection.complete(id)
            })
            #expect(connection.client.streams[id]?.text == #"{"path":"/flow-control-with-a-sixteen-byte-window","body":0,"version":2}"#)
        }
    }

    @Test func aPeerThatNeverOpensItsWindow_isClosedAfterTheIdleTimeout() async throws {
        var limits = HTTPLimits()
        limits.idleTimeout = .milliseconds(300)
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, limits: limits), handler: Self.handler)
        let port = try server.start()
        let connection = try Connection(port: port, client: HTTP2TestClient(initialWindow: 0, automaticWindowUpdate: false))
        let big = connection.client.request("GET", "/big")
        let started = Date()
        try connection.run(seconds: 5) { connection.closedByServer }
        #expect(connection.closedByServer)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(connection.client.streams[big]?.body.isEmpty == true)
        #expect(server.connectionCount == 0)
        await server.stop()
    }

    @Test func anUpgradeWithoutAClientPreface_isClosedAfterTheIdleTimeout() async throws {
        var limits = HTTPLimits()
        limits.idleTimeout = .milliseconds(300)
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0, limits: limits), handler: Self.handler)
        let port = try server.start()
        let socket = try RawClient(port: port)
        _ = try Self.sendUpgrade(path: "/upgraded", on: socket)
        let started = Date()
        #expect(socket.waitForClose())
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(server.connectionCount == 0)
        await server.stop()
    }

    @Test func faults_mapToStreamAndConnectionErrors() async throws {
        try await Self.withServer { _, port in
            let connection = try Connection(port: port)
            let reset = connection.client.request("GET", "/fault/reset")
            let truncate = connection.client.request("GET", "/fault/truncate")
            let slow = connection.client.request("GET", "/fault/slow")
            let started = Date()
            let allDone = try connection.run {
                connection.complete(reset) && connection.complete(truncate) && connection.complete(slow)
            }
            #expect(allDone)
            #expect(connection.client.streams[reset]?.errorCode == NGHTTP2_INTERNAL_ERROR.rawValue)
            #expect(connection.client.streams[reset]?.status == nil)
            let cut = connection.client.streams[truncate] ?? HTTP2TestClient.Stream()
            let announced = Int(cut.header("content-length") ?? "") ?? 0
            #expect(cut.status == 200)
            #expect(cut.errorCode != 0)
            #expect(announced > cut.body.count)
            #expect(connection.client.streams[slow]?.text.hasPrefix(#"{"path":"/fault/slow""#) == true)
            #expect(Date().timeIntervalSince(started) > 0.2)
            let close = connection.client.request("GET", "/fault/close")
            try connection.run { connection.closedByServer }
            #expect(connection.closedByServer)
            #expect(connection.client.goAwayReceived != nil)
            #expect(connection.client.streams[close]?.status == nil)
        }
    }

    @Test func gracefulStop_sendsGoAwayAndCompletesTheStreamInFlight() async throws {
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0), handler: Self.handler)
        let port = try server.start()
        let connection = try Connection(port: port)
        let id = connection.client.request("GET", "/delay/300")
        try connection.run(seconds: 0.1) { false }  // the request is in flight, its answer 200 ms away
        #expect(!connection.complete(id))
        let stopping = Task { await server.stop() }
        #expect(try connection.run { connection.complete(id) && connection.closedByServer })
        #expect(connection.client.goAwayReceived?.errorCode == NGHTTP2_NO_ERROR.rawValue)
        #expect(connection.client.goAwayReceived?.lastStreamID == id)
        #expect(connection.client.streams[id]?.status == 200)
        await stopping.value
    }

    @Test func malformedFrames_closeTheConnectionWithGoAway_andTheServerLives() async throws {
        try await Self.withServer { server, port in
            let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
            let oversized: [UInt8] = [0x00, 0x4E, 0x20, 0, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 20_000)
            let badHPACK: [UInt8] = [0, 0, 5, 1, 0x05, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
            let badSettings: [UInt8] = [0, 0, 5, 4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]  // length not a multiple of 6
            let expected = [NGHTTP2_FRAME_SIZE_ERROR, NGHTTP2_COMPRESSION_ERROR, NGHTTP2_FRAME_SIZE_ERROR].map(\.rawValue)
            for (frame, code) in zip([oversized, badHPACK, badSettings], expected) {
                let socket = try RawClient(port: port)
                try socket.send(HTTPServer.http2Preface + settings + frame)
                let bytes = socket.readUntilClose()  // returns once the server closed
                #expect(HTTP2SessionTests().goAwayCode(in: bytes) == code)
            }
            // A preface that goes wrong after its first line is not HTTP/2: HTTP/1 refuses it and closes.
            let almost = try RawClient(port: port)
            try almost.send("PRI * HTTP/2.0\r\n\r\nXY\r\n\r\n")
            #expect(try almost.readResponse().status == 505)
            #expect(almost.waitForClose())
            let h1 = try RawClient(port: port)
            try h1.send("GET /alive HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try h1.readResponse().status == 200)
            #expect(server.connectionCount == 1)
        }
    }
}

