import Dispatch
import Foundation
import Synchronization
import Testing
@testable import HTTPCore
import TestSupport

/// `Delivery.stream`: a head without Content-Length, then whatever the app pushes, from any thread.
@Suite(.serialized)
struct HTTPStreamTests {
    /// Serves every request as a new stream and hands it to the test.
    final class Streams: Sendable {
        let opened = Mutex<[HTTPStream]>([])
        var handler: ClosureHTTPHandler {
            ClosureHTTPHandler { [self] _ in
                let stream = HTTPStream()
                stream.send(Array("early;".utf8))  // before the server attaches: buffered
                opened.withLock { $0.append(stream) }
                var response = HTTPResponse(status: .ok, contentType: "text/event-stream")
                response.delivery = .stream(stream)
                return response
            }
        }

        func waitForStream(count: Int = 1) async throws -> HTTPStream {
            for _ in 0..<200 {
                if let stream = opened.withLock({ $0.count >= count ? $0[count - 1] : nil }) { return stream }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("no stream opened"); throw CancellationError()
        }
    }

    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n" }

    @Test func stream_sendsHeadWithoutLengthThenPushedBytesInOrder() async throws {
        let streams = Streams()
        let server = HTTPServer(configuration: .init(port: 0), handler: streams.handler)
        let port = try server.start()
        let client = try RawClient(port: port)
        try client.send(Self.get("/events"))
        let head = try client.readResponse()
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == nil)
        #expect(head.header("Connection") == "close")
        #expect(head.header("Content-Type") == "text/event-stream")
        let stream = try await streams.waitForStream()
        // Pushed from other threads, in order per thread.
        DispatchQueue.global().sync { for index in 0..<3 { stream.send(Array("late\(index);".utf8)) } }
        stream.finish()
        #expect(String(decoding: client.readUntilClose(), as: UTF8.self) == "early;late0;late1;late2;")
        await server.stop()
    }

    @Test func clientLeaving_finishesTheStream() async throws {
        let streams = Streams()
        let server = HTTPServer(configuration: .init(port: 0), handler: streams.handler)
        let port = try server.start()
        let finished = Mutex(false)
        do {
            let client = try RawClient(port: port)
            try client.send(Self.get("/events"))
            _ = try client.readResponse()
            let stream = try await streams.waitForStream()
            stream.onFinish { finished.withLock { $0 = true } }
            #expect(!stream.isFinished)
            client.close()
            for _ in 0..<100 where !stream.isFinished { try await Task.sleep(for: .milliseconds(10)) }
            #expect(stream.isFinished)
            #expect(stream.send([1]) == false)
        }
        #expect(finished.withLock { $0 })
        #expect(server.connectionCount == 0)
        await server.stop()
    }

    @Test func gracefulStop_doesNotWaitForOpenStreams() async throws {
        let streams = Streams()
        var limits = HTTPLimits()
        limits.shutdownGracePeriod = .seconds(30)  // waiting for it would be obvious; a loaded machine is not
        let server = HTTPServer(configuration: .init(port: 0, limits: limits), handler: streams.handler)
        let port = try server.start()
        let client = try RawClient(port: port)
        try client.send(Self.get("/events"))
        _ = try client.readResponse()
        let stream = try await streams.waitForStream()
        let started = DispatchTime.now()
        await server.stop()
        let elapsedMilliseconds = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
        #expect(elapsedMilliseconds < 5_000)
        #expect(stream.isFinished)
        #expect(client.waitForClose())
    }

    @Test func otherRequests_areServedWhileAStreamIsOpen() async throws {
        let streams = Streams()
        let server = HTTPServer(configuration: .init(port: 0), handler: streams.handler)
        let port = try server.start()
        let first = try RawClient(port: port)
        try first.send(Self.get("/a"))
        _ = try first.readResponse()
        let second = try RawClient(port: port)
        try second.send(Self.get("/b"))
        #expect(try second.readResponse().status == 200)
        let stream = try await streams.waitForStream(count: 2)
        stream.send(Array("x".utf8))
        stream.finish()
        #expect(String(decoding: second.readUntilClose(), as: UTF8.self) == "early;x")
        await server.stop()
    }

    @Test func encoder_headWithoutLength_hasNoContentLength() {
        var encoder = HTTPEncoder()
        var bytes: [UInt8] = []
        encoder.appendHead(HTTPResponse(status: .ok), bodyLength: nil, into: &bytes, keepAlive: false)
        let head = String(decoding: bytes, as: UTF8.self)
        #expect(!head.contains("Content-Length"))
        #expect(head.hasSuffix("Connection: close\r\n\r\n"))
    }
}
