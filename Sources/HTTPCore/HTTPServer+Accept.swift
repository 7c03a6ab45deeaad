import Logging

/// Accepting connections, refusing the ones over the cap, and the lingering close that lets a
/// refused client read its 503.
extension HTTPServer {
    func acceptConnections() {
        while listener >= 0, acceptPausedUntil == nil {
            let fd: Int32?
            do { fd = try Socket.accept(listener) } catch {
                acceptFailed(error)
                return
            }
            guard let fd else { return }
            if connections.count >= configuration.limits.maxConnections {
                refuse(fd, linger: lingering.count < configuration.limits.maxLingeringConnections)
                continue
            }
            nextConnectionID += 1
            let now = Self.now()
            let connection = HTTPConnection(fd: fd, id: nextConnectionID, limits: configuration.limits, now: now)
            // Until a complete request head arrives the connection is on the request (header)
            // timeout from accept, so silent connections cannot hold slots for the idle timeout.
            connection.requestStartedAt = now
            connections[fd] = connection
            poller?.add(fd, readable: true, writable: false)
        }
    }

    /// `accept` failed (typically EMFILE/ENFILE). The listener is level-triggered, so retrying at
    /// once would spin: stop watching it until a connection closes or 100 ms pass, and log at
    /// most once a second.
    func acceptFailed(_ error: SocketError) {
        if error.isOutOfDescriptors, spareDescriptor >= 0 {
            Socket.close(spareDescriptor)
            spareDescriptor = -1
            if let fd = try? Socket.accept(listener) { refuse(fd, linger: false) }
            spareDescriptor = Socket.openSpareDescriptor()
        }
        let now = Self.now()
        acceptPausedUntil = now + 100_000_000
        if listener >= 0 { poller?.update(listener, readable: false, writable: false) }
        if now &- lastAcceptWarning >= 1_000_000_000 {
            var metadata: Logger.Metadata = ["error": "\(error)", "open connections": "\(connections.count)"]
            if suppressedAcceptWarnings > 0 { metadata["repeats"] = "\(suppressedAcceptWarnings)" }
            configuration.logger.warning("accept failed; pausing accepts", metadata: metadata)
            lastAcceptWarning = now
            suppressedAcceptWarnings = 0
        } else {
            suppressedAcceptWarnings += 1
        }
    }

    func resumeAccepting() {
        guard acceptPausedUntil != nil else { return }
        acceptPausedUntil = nil
        guard listener >= 0 else { return }
        poller?.update(listener, readable: true, writable: false)
    }

    /// Over the connection cap: a 503 with `Connection: close` on the fresh socket. With `linger`,
    /// our side is shut down and the client's request read and discarded until it closes (or a
    /// short deadline), so the client reads the 503 instead of a reset.
    func refuse(_ fd: Int32, linger: Bool) {
        var bytes: [UInt8] = []
        let response = HTTPResponse(status: .serviceUnavailable, text: #"{"error":"too many connections"}"#)
        encoder.encode(response, into: &bytes, keepAlive: false)
        _ = bytes.withUnsafeBytes { Socket.write(fd, $0) }
        guard linger, let poller else { Socket.close(fd); return }
        Socket.shutdownWrite(fd)
        lingering[fd] = Self.now() + configuration.limits.lingeringTimeout.nanoseconds
        poller.add(fd, readable: true, writable: false)
    }

    func drainLingering(_ fd: Int32) {
        switch Socket.read(fd, into: discardBuffer) {
        case .bytes, .wouldBlock: return
        case .closed, .failed: endLingering(fd)
        }
    }

    func endLingering(_ fd: Int32) {
        guard lingering.removeValue(forKey: fd) != nil else { return }
        poller?.remove(fd)
        Socket.close(fd)
    }
}
