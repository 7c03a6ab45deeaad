#if canImport(Glibc)
import Glibc
import CEventPoll
#elseif canImport(Darwin)
import Darwin
#endif

/// Readiness of one descriptor, as reported by ``EventPoller``.
struct PollEvent {
    var fd: Int32
    var readable: Bool
    var writable: Bool
    /// The peer shut down its side (EPOLLRDHUP / EV_EOF), even if unread bytes precede the FIN.
    var peerClosed: Bool = false
}

/// One epoll set (Linux) or kqueue (macOS) holding every socket of a server. The server watches
/// this single descriptor with one Dispatch source: one Dispatch event per wake-up instead of one
/// per connection, which is where Dispatch's per-request cost goes (see shared/PERFORMANCE.md).
/// Registrations are level-triggered, so unread input simply reports again.
/// `@unchecked Sendable`: used only on the server's queue, and handed to the source's cancel handler
/// solely to keep its descriptor open until libdispatch lets go of it.
final class EventPoller: @unchecked Sendable {
    let fd: Int32
    private var buffer: UnsafeMutableBufferPointer<NativeEvent>
    /// Events taken per `poll` (``HTTPLimits/pollBatchSize``).
    private let capacity: Int

    init(capacity: Int) throws(SocketError) {
        self.capacity = max(1, capacity)
        #if canImport(Glibc)
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        #else
        fd = kqueue()
        #endif
        guard fd >= 0 else { throw .makeFailed("poller create") }
        buffer = .allocate(capacity: self.capacity)
    }

    deinit {
        buffer.deallocate()
        Socket.close(fd)
    }

    /// Starts watching `socket`.
    func add(_ socket: Int32, readable: Bool, writable: Bool) {
        #if canImport(Glibc)
        control(EPOLL_CTL_ADD, socket, readable: readable, writable: writable)
        #else
        change(socket, filter: EVFILT_READ, flags: UInt16(EV_ADD) | (readable ? UInt16(EV_ENABLE) : UInt16(EV_DISABLE)))
        change(socket, filter: EVFILT_WRITE, flags: UInt16(EV_ADD) | (writable ? UInt16(EV_ENABLE) : UInt16(EV_DISABLE)))
        #endif
    }

    /// Changes which readiness `socket` reports.
    func update(_ socket: Int32, readable: Bool, writable: Bool) {
        #if canImport(Glibc)
        control(EPOLL_CTL_MOD, socket, readable: readable, writable: writable)
        #else
        change(socket, filter: EVFILT_READ, flags: readable ? UInt16(EV_ENABLE) : UInt16(EV_DISABLE))
        change(socket, filter: EVFILT_WRITE, flags: writable ? UInt16(EV_ENABLE) : UInt16(EV_DISABLE))
        #endif
    }

    /// Stops watching `socket`; call before closing it.
    func remove(_ socket: Int32) {
        #if canImport(Glibc)
        var event = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, socket, &event)
        #else
        change(socket, filter: EVFILT_READ, flags: UInt16(EV_DELETE))
        change(socket, filter: EVFILT_WRITE, flags: UInt16(EV_DELETE))
        #endif
    }

    /// Collects ready descriptors, waiting up to `milliseconds` for the first (0: without blocking).
    func poll(into events: inout [PollEvent], waitingMilliseconds milliseconds: Int32 = 0) {
        events.removeAll(keepingCapacity: true)
        #if canImport(Glibc)
        let count = epoll_wait(fd, buffer.baseAddress, Int32(capacity), milliseconds)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let event = buffer[index]
            let bits = event.events
            let failed = bits & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
            events.append(PollEvent(
                fd: event.data.fd,
                readable: bits & EPOLLIN.rawValue != 0 || failed,
                writable: bits & EPOLLOUT.rawValue != 0 || failed,
                peerClosed: bits & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0
            ))
        }
        #else
        var wait = timespec(tv_sec: 0, tv_nsec: Int(milliseconds) * 1_000_000)
        let count = kevent(fd, nil, 0, buffer.baseAddress, Int32(capacity), &wait)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let event = buffer[index]
            let failed = event.flags & UInt16(EV_EOF | EV_ERROR) != 0
            events.append(PollEvent(
                fd: Int32(event.ident),
                readable: event.filter == EVFILT_READ || failed,
                writable: event.filter == EVFILT_WRITE || failed,
                peerClosed: event.filter == EVFILT_READ && event.flags & UInt16(EV_EOF) != 0
            ))
        }
        #endif
    }

    #if canImport(Glibc)
    typealias NativeEvent = epoll_event

    private func control(_ operation: Int32, _ socket: Int32, readable: Bool, writable: Bool) {
        var event = epoll_event()
        // EPOLLRDHUP rides with EPOLLIN: a FIN is reported while reading is on, so a client that
        // leaves during a delayed response is noticed without a read that would return data first.
        event.events = (readable ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0) | (writable ? EPOLLOUT.rawValue : 0)
        event.data.fd = socket
        _ = epoll_ctl(fd, operation, socket, &event)
    }
    #else
    typealias NativeEvent = kevent

    private func change(_ socket: Int32, filter: Int16, flags: UInt16) {
        var event = kevent(ident: UInt(socket), filter: filter, flags: flags, fflags: 0, data: 0, udata: nil)
        _ = kevent(fd, &event, 1, nil, 0, nil)
    }
    #endif
}
