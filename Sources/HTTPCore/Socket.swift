#if canImport(Glibc)
import Glibc
import CEventPoll
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX socket calls the server needs. Every failure becomes a
/// ``SocketError`` right at the syscall; nothing above this file sees raw return codes.
enum Socket {
    #if canImport(Glibc)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    static let streamType = SOCK_STREAM
    #endif

    /// Opens a non-blocking listening socket on `host:port` (port 0 picks a free one), with room for
    /// `backlog` pending connections (``HTTPLimits/listenBacklog``).
    /// - Returns: the descriptor and the port actually bound.
    static func listen(host: String, port: Int, backlog: Int32) throws(SocketError) -> (fd: Int32, port: Int) {
        let address = try SocketAddress.resolve(host: host, port: port)
        let fd = socket(address.family, streamType, 0)
        guard fd >= 0 else { throw .makeFailed("socket") }
        do {
            var one: Int32 = 1
            guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw SocketError.makeFailed("setsockopt(SO_REUSEADDR)")
            }
            if address.family == AF_INET6 {
                // Listen on IPv6 only, so `--host ::1` does not also claim the IPv4 port.
                _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            let bound = address.withSockAddr { bind(fd, $0, $1) }
            guard bound == 0 else { throw SocketError.makeFailed("bind") }
            guard Glibc_or_Darwin_listen(fd, backlog) == 0 else { throw SocketError.makeFailed("listen") }
            try setNonBlocking(fd)
            setCloseOnExec(fd)
            #if canImport(Glibc)
            // Linux copies the listener's `TCP_NODELAY` into every accepted socket (the child is
            // cloned from it), so each accept saves a setsockopt: a syscall per `Connection: close` request.
            setNoDelay(fd)
            #endif
            return (fd, try boundPort(fd))
        } catch {
            close(fd)
            throw error as! SocketError
        }
    }

    static func boundPort(_ fd: Int32) throws(SocketError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard result == 0 else { throw .makeFailed("getsockname") }
        return SocketAddress.port(of: storage)
    }

    /// Accepts one pending connection, already non-blocking with `TCP_NODELAY`.
    /// - Returns: the descriptor, or `nil` when no connection is pending (`EAGAIN`).
    static func accept(_ listener: Int32) throws(SocketError) -> Int32? {
        while true {
            #if canImport(Glibc)
            let fd = cevent_accept_nonblocking(listener)
            #else
            let fd = Darwin.accept(listener, nil, nil)
            #endif
            if fd >= 0 {
                #if !canImport(Glibc)
                try? setNonBlocking(fd)
                setCloseOnExec(fd)
                var one: Int32 = 1
                _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
                // BSD sockets do not inherit it from the listener as Linux's do (see `listen`).
                setNoDelay(fd)
                #endif
                return fd
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw .makeFailed("accept")
            }
        }
    }

    static func setNonBlocking(_ fd: Int32) throws(SocketError) {
        let flags = fcntl(fd, F_GETFL, 0)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 else { throw .makeFailed("fcntl(O_NONBLOCK)") }
    }

    static func setCloseOnExec(_ fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    /// Small responses must not wait for Nagle + delayed ACK (~40 ms per keep-alive request).
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Makes the next `close` send a TCP RST instead of a FIN.
    static func setLingerZero(_ fd: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    }

    enum IOResult {
        case bytes(Int)
        case wouldBlock
        case closed
        case failed(SocketError)
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            // recv, not read: a socket read through the VFS also pays rw_verify_area and fsnotify (nginx
            // uses recv for the same reason).
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ECONNRESET: return .closed
            default: return .failed(.makeFailed("read"))
            }
        }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> IOResult {
        while true {
            #if canImport(Glibc)
            let count = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            #else
            let count = send(fd, buffer.baseAddress, buffer.count, 0)
            #endif
            if count >= 0 { return .bytes(count) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EPIPE, ECONNRESET: return .closed
            default: return .failed(.makeFailed("write"))
            }
        }
    }

    /// Sends our FIN but keeps reading (lingering close).
    static func shutdownWrite(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        #else
        _ = Darwin.shutdown(fd, SHUT_WR)
        #endif
    }

    /// A descriptor kept in reserve for when the process runs out (`-1` if none could be opened).
    static func openSpareDescriptor() -> Int32 {
        open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    static func close(_ fd: Int32) {
        _ = Glibc_or_Darwin_close(fd)
    }
}

#if canImport(Glibc)
private let Glibc_or_Darwin_listen = Glibc.listen
private let Glibc_or_Darwin_read = Glibc.read
private let Glibc_or_Darwin_close = Glibc.close
#else
private let Glibc_or_Darwin_listen = Darwin.listen
private let Glibc_or_Darwin_read = Darwin.read
private let Glibc_or_Darwin_close = Darwin.close
#endif
