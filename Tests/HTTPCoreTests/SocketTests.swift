#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import HTTPCore

/// The socket wrappers against the kernel: what an accepted connection is set up with.
struct SocketTests {
    /// Responses are one write each and must not wait for Nagle + delayed ACK. On Linux the option
    /// comes from the listener (accepted sockets inherit it); elsewhere `accept` sets it.
    @Test func acceptedSocket_hasNoDelay() throws {
        let (listener, port) = try Socket.listen(host: "127.0.0.1", port: 0, backlog: 8)
        defer { Socket.close(listener) }
        let client = socket(AF_INET, Socket.streamType, 0)
        defer { Socket.close(client) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        // The listener is non-blocking: the handshake completes in the kernel, so a few tries suffice.
        var accepted: Int32?
        for _ in 0..<1000 where accepted == nil {
            accepted = try Socket.accept(listener)
            if accepted == nil { usleep(1000) }
        }
        let fd = try #require(accepted)
        defer { Socket.close(fd) }
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        #expect(getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, &length) == 0)
        #expect(value != 0)
    }
}
