/// The timer's sweep (request, idle and lingering timeouts) and graceful shutdown.
extension HTTPServer {
    func sweep() {
        let now = Self.now()
        let requestTimeout = configuration.limits.requestTimeout.nanoseconds
        let idleTimeout = configuration.limits.idleTimeout.nanoseconds
        if let until = acceptPausedUntil, now >= until { resumeAccepting() }
        for (fd, deadline) in lingering where now >= deadline { endLingering(fd) }
        // Iterating `connections.values` walks a snapshot (value semantics), so closing during the
        // loop is safe; copy-on-write copies the table only on a tick that closes something, where
        // `Array(connections.values)` allocated a copy on every tick.
        for connection in connections.values where isOpen(connection) {
            if let h2 = connection.http2 {
                tickHTTP2(connection, h2, now: now, idleTimeout: idleTimeout)
                continue
            }
            let actions = connection.state.tick(
                now: now, requestStartedAt: connection.requestStartedAt, lastActivity: connection.lastActivity,
                requestTimeout: requestTimeout, idleTimeout: idleTimeout,
                hasBufferedInput: connection.hasBufferedInput, hasPendingOutput: connection.hasPendingOutput)
            perform(actions, on: connection)
        }
        if isDraining, now > drainDeadline {
            for connection in connections.values { perform(connection.state.abort(), on: connection) }
        }
    }

    func beginDrain() {
        guard !isDraining else { return }
        // Requests that already reached the kernel count as in flight: accept pending connections and
        // answer whatever complete requests are buffered (with Connection: close) before closing the rest.
        acceptConnections()
        isDraining = true
        drainDeadline = Self.now() + configuration.limits.shutdownGracePeriod.nanoseconds
        if listener >= 0 {
            poller?.remove(listener)
            Socket.close(listener)
            listener = -1
        }
        for connection in connections.values {
            if let h2 = connection.http2 {
                drainHTTP2(connection, h2)
                continue
            }
            perform(connection.state.drain(), on: connection)
            guard isOpen(connection) else { continue }
            // A slow response whose head is still trickling says `Connection: close` after all.
            if var slow = connection.slowDelivery, let slot = slow.closeSlot, slow.sent <= slot.lowerBound {
                slow.bytes.replaceSubrange(slot, with: "Connection: close\r\n".utf8)
                slow.closeSlot = nil
                connection.slowDelivery = slow
            }
            perform(connection.state.drainSettled(hasPendingOutput: connection.hasPendingOutput), on: connection)
        }
        if connections.isEmpty { finishStopping() }
    }

    func finishStopping() {
        guard !isStopped else { return }
        isStopped = true
        timer?.cancel()
        timer = nil
        for fd in lingering.keys { endLingering(fd) }
        if spareDescriptor >= 0 { Socket.close(spareDescriptor); spareDescriptor = -1 }
        let waiters = stopWaiters
        stopWaiters = []
        // libdispatch forgets a source's descriptor asynchronously, by number. Closing the epoll fd
        // before the cancel handler runs would let a new socket reuse that number and be silently
        // unregistered by the late cleanup, so the poller (and its fd) lives until then.
        let retiredPoller = poller
        poller = nil
        guard let source else {
            for waiter in waiters { waiter.resume() }
            return
        }
        source.setCancelHandler {
            withExtendedLifetime(retiredPoller) {}
            for waiter in waiters { waiter.resume() }
        }
        source.cancel()
        self.source = nil
    }
}
