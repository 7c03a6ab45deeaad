import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking test client over a real TCP socket, so tests see exactly the bytes on the wire.
/// `@unchecked Sendable`: each instance is driven by one thread at a time in tests.
public final class RawClient: @unchecked Sendable {
    public struct Response {
        public var statusLine: String
        public var headers: [(String, String)]
        public var body: [UInt8]

        public var status: Int { Int(statusLine.split(separator: " ")[1])! }
        public var text: String { String(decoding: body, as: UTF8.self) }

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public private(set) var fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; reads time out after `timeoutSeconds`.
    public init(port: Int, timeoutSeconds: Int = 5) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Self.closeDescriptor(fd); throw Failure(description: "connect failed: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { if fd >= 0 { Self.closeDescriptor(fd) } }

    /// Closes the socket now (a client that leaves). Never `close(client.fd)` by hand: the deinit would
    /// close the same number again, by then perhaps another test's socket (tests share one process).
    public func close() {
        guard fd >= 0 else { return }
        Self.closeDescriptor(fd)
        fd = -1
    }

    private static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            #else
            let count = bytes.withUnsafeBytes { Darwin.send(fd, $0.baseAddress! + offset, bytes.count - offset, 0) }
            #endif
            guard count > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += count
        }
    }

    /// Reads one response (head + Content-Length body); `isHead` skips the body.
    public func readResponse(isHead: Bool = false) throws -> Response {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = findHeadEnd()
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        buffer.removeFirst(headEnd! + 4)
        var response = Response(statusLine: statusLine, headers: headers, body: [])
        let length = isHead || response.status == 100 ? 0 : Int(response.header("Content-Length") ?? "0")!
        while buffer.count < length { try fill() }
        response.body = Array(buffer[..<length])
        buffer.removeFirst(length)
        return response
    }

    /// Whatever arrives within `timeoutMilliseconds` (after buffered bytes): empty when nothing
    /// came, `nil` once the server closed (FIN or RST). For driving a frame-level client by hand.
    public func receiveAvailable(timeoutMilliseconds: Int32) -> [UInt8]? {
        if !buffer.isEmpty { defer { buffer = [] }; return buffer }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return [] }
        var scratch = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &scratch, scratch.count, 0)
        return count > 0 ? Array(scratch[..<count]) : nil
    }

    /// Whether the server closed (FIN or RST) within the read timeout, after draining any bytes.
    public func waitForClose() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &scratch, scratch.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    /// Everything until the server closes.
    public func readUntilClose() -> [UInt8] {
        var scratch = [UInt8](repeating: 0, count: 4096)
        var all = buffer
        buffer = []
        while true {
            let count = recv(fd, &scratch, scratch.count, 0)
            if count <= 0 { return all }
            all += scratch[..<count]
        }
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    private func fill() throws {
        var scratch = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &scratch, scratch.count, 0)
        if count == 0 { throw Failure(description: "connection closed by server") }
        if count < 0 { throw Failure(description: "recv failed: errno \(errno)") }
        buffer += scratch[..<count]
    }
}
