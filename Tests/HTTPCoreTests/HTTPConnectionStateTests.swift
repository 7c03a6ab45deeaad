import Testing
@testable import HTTPCore

/// Every transition of the connection state machine, without a socket: the transport state
/// (`HTTPConnectionState`), one exchange (`HTTPExchangeState`), and HTTP/1's pairing of the two.
struct HTTPConnectionStateTests {
    // MARK: - Factories (reach each state through its transitions only)

    static func blocked() -> HTTPConnectionState {
        var state = HTTPConnectionState()
        _ = state.writeWouldBlock()
        return state
    }

    static func closing() -> HTTPConnectionState {
        var state = HTTPConnectionState()
        state.closeAfterFlush()
        return state
    }

    static func closed() -> HTTPConnectionState {
        var state = HTTPConnectionState()
        _ = state.abort()
        return state
    }

    static func draining() -> HTTPConnectionState {
        var state = HTTPConnectionState()
        _ = state.drain(exchangeInFlight: false)
        return state
    }

    // MARK: - Connection: phases

    @Test func new_isOpenReadingAndKeepsAlive() {
        let state = HTTPConnectionState()
        #expect(state.phase == .open)
        #expect(state.acceptsRequests && state.allowsKeepAlive)
        #expect(state.wantsReadable && !state.wantsWritable)
        #expect(!state.isPeerHalfClosed && !state.isWriteBlocked && !state.isReadingPaused)
    }

    @Test(arguments: [
        HTTPConnectionState(), HTTPConnectionStateTests.closing(), HTTPConnectionStateTests.draining(),
        HTTPConnectionStateTests.blocked(), HTTPConnectionStateTests.closed(),
    ])
    func abort_closesFromAnyPhase(start: HTTPConnectionState) {
        var state = start
        let actions1 = state.abort()
        #expect(actions1 == .close)
        #expect(state.phase == .closed)
        #expect(!state.wantsReadable && !state.wantsWritable && !state.acceptsRequests)
    }

    @Test func closeAfterFlush_stopsRequestsButNotReading() {
        var state = HTTPConnectionState()
        state.closeAfterFlush()
        #expect(state.phase == .closing)
        #expect(!state.acceptsRequests && !state.allowsKeepAlive)
        #expect(state.wantsReadable)
    }

    @Test func closeAfterFlush_fromDrainingIsClosing() {
        var state = Self.draining()
        state.closeAfterFlush()
        #expect(state.phase == .closing)
    }

    @Test func closeAfterFlush_leavesAClosedConnectionClosed() {
        var state = Self.closed()
        state.closeAfterFlush()
        #expect(state.phase == .closed)
    }

    // MARK: - Connection: drain

    @Test func drain_idleConnectionReadsWhatIsInFlight() {
        var state = HTTPConnectionState()
        let actions2 = state.drain(exchangeInFlight: false)
        #expect(actions2 == .read)
        #expect(state.phase == .draining)
        #expect(state.acceptsRequests && !state.allowsKeepAlive)
    }

    @Test func drain_busyConnectionDoesNotRead() {
        var state = HTTPConnectionState()
        let actions3 = state.drain(exchangeInFlight: true)
        #expect(actions3 == [])
        #expect(state.phase == .draining)
    }

    @Test func drain_pausedConnectionDoesNotRead() {
        var state = HTTPConnectionState()
        _ = state.pauseReading()
        let actions4 = state.drain(exchangeInFlight: false)
        #expect(actions4 == [])
        #expect(state.phase == .draining)
    }

    @Test(arguments: [HTTPConnectionStateTests.closing(), HTTPConnectionStateTests.closed()])
    func drain_leavesClosingAndClosedAlone(start: HTTPConnectionState) {
        var state = start
        let actions5 = state.drain(exchangeInFlight: false)
        #expect(actions5 == [])
        #expect(state == start)
    }

    @Test func drainSettled_closesWhatHasNothingLeft() {
        var state = Self.draining()
        let actions6 = state.drainSettled(exchangeInFlight: false, exchangeEndsOnlyByClose: false, hasPendingOutput: false)
        #expect(actions6 == .close)
        #expect(state.phase == .closed)
    }

    @Test func drainSettled_closesAnExchangeThatNeverEnds() {
        var state = Self.draining()
        let actions7 = state.drainSettled(exchangeInFlight: true, exchangeEndsOnlyByClose: true, hasPendingOutput: true)
        #expect(actions7 == .close)
    }

    @Test(arguments: [(true, false), (false, true), (true, true)])
    func drainSettled_waitsForInFlightOrUnsent(exchangeInFlight: Bool, hasPendingOutput: Bool) {
        var state = Self.draining()
        let actions8 = state.drainSettled(
            exchangeInFlight: exchangeInFlight, exchangeEndsOnlyByClose: false, hasPendingOutput: hasPendingOutput)
        #expect(actions8 == [])
        #expect(state.phase == .closing)
    }

    @Test func drainSettled_ignoresAClosedConnection() {
        var state = Self.closed()
        let actions9 = state.drainSettled(exchangeInFlight: false, exchangeEndsOnlyByClose: false, hasPendingOutput: false)
        #expect(actions9 == [])
    }

    // MARK: - Connection: reading

    @Test func pauseReading_updatesInterestOnce() {
        var state = HTTPConnectionState()
        let actions10 = state.pauseReading()
        #expect(actions10 == .updateInterest)
        #expect(state.isReadingPaused && !state.wantsReadable)
        let actions11 = state.pauseReading()
        #expect(actions11 == [])
    }

    @Test func resumeReading_afterPause() {
        var state = HTTPConnectionState()
        _ = state.pauseReading()
        let actions12 = state.resumeReading()
        #expect(actions12 == .updateInterest)
        #expect(!state.isReadingPaused && state.wantsReadable)
    }

    @Test func resumeReading_whenNotPausedDoesNothing() {
        var state = HTTPConnectionState()
        let actions13 = state.resumeReading()
        #expect(actions13 == [])
    }

    @Test func resumeReading_neverAfterThePeerHalfClosed() {
        var state = HTTPConnectionState()
        _ = state.peerHalfClosed(exchangeInFlight: false)
        let actions14 = state.resumeReading()
        #expect(actions14 == [])
        #expect(state.isReadingPaused)
    }

    @Test func resumeReading_whileWriteBlockedStillWaitsForTheWrite() {
        var state = Self.blocked()
        _ = state.pauseReading()
        let actions15 = state.resumeReading()
        #expect(actions15 == .updateInterest)
        #expect(!state.wantsReadable && state.wantsWritable)
    }

    @Test func peerHalfClosed_withNothingOwedServesWhatIsBuffered() {
        var state = HTTPConnectionState()
        let actions16 = state.peerHalfClosed(exchangeInFlight: false)
        #expect(actions16 == [.updateInterest, .serve])
        #expect(state.isPeerHalfClosed && state.isReadingPaused)
        #expect(state.acceptsRequests && !state.allowsKeepAlive)
    }

    @Test func peerHalfClosed_whilePausedOnlyServes() {
        var state = HTTPConnectionState()
        _ = state.pauseReading()
        let actions17 = state.peerHalfClosed(exchangeInFlight: false)
        #expect(actions17 == .serve)
    }

    @Test func peerHalfClosed_withAResponseOwedFreesTheSlot() {
        var state = HTTPConnectionState()
        let actions18 = state.peerHalfClosed(exchangeInFlight: true)
        #expect(actions18 == .close)
        #expect(state.phase == .closed)
    }

    @Test func servedAfterPeerHalfClosed_closesAfterTheAnsweredOutput() {
        var state = HTTPConnectionState()
        _ = state.peerHalfClosed(exchangeInFlight: false)
        let actions19 = state.servedAfterPeerHalfClosed(exchangeInFlight: false, hasPendingOutput: true)
        #expect(actions19 == [])
        #expect(state.phase == .closing)
    }

    @Test(arguments: [(false, false), (true, false), (true, true)])
    func servedAfterPeerHalfClosed_closesNowOtherwise(exchangeInFlight: Bool, hasPendingOutput: Bool) {
        var state = HTTPConnectionState()
        _ = state.peerHalfClosed(exchangeInFlight: false)
        let actions20 = state.servedAfterPeerHalfClosed(exchangeInFlight: exchangeInFlight, hasPendingOutput: hasPendingOutput)
        #expect(actions20 == .close)
    }

    @Test func servedAfterPeerHalfClosed_ignoresAClosedConnection() {
        var state = Self.closed()
        let actions21 = state.servedAfterPeerHalfClosed(exchangeInFlight: false, hasPendingOutput: false)
        #expect(actions21 == [])
    }

    @Test func peerHangUpNoticed_closesOnlyWhenAResponseIsOwed() {
        var idle = HTTPConnectionState()
        let actions22 = idle.peerHangUpNoticed(exchangeInFlight: false)
        #expect(actions22 == [])
        #expect(idle == HTTPConnectionState())
        var busy = HTTPConnectionState()
        let actions23 = busy.peerHangUpNoticed(exchangeInFlight: true)
        #expect(actions23 == .close)
        #expect(busy.phase == .closed)
    }

    // MARK: - Connection: writing

    @Test func writeWouldBlock_watchesWritableAndStopsReading() {
        var state = HTTPConnectionState()
        let actions24 = state.writeWouldBlock()
        #expect(actions24 == .updateInterest)
        #expect(state.isWriteBlocked && state.wantsWritable && !state.wantsReadable)
        let actions25 = state.writeWouldBlock()
        #expect(actions25 == [])
    }

    @Test func writeWouldBlock_onAClosedConnectionDoesNothing() {
        var state = Self.closed()
        let actions26 = state.writeWouldBlock()
        #expect(actions26 == [])
        #expect(!state.isWriteBlocked)
    }

    @Test func outputDrained_unblockedOpenConnectionDoesNothing() {
        var state = HTTPConnectionState()
        let actions27 = state.outputDrained(exchangeInFlight: false)
        #expect(actions27 == [])
        #expect(state == HTTPConnectionState())
    }

    @Test func outputDrained_afterBlockResumesReadingAndServes() {
        var state = Self.blocked()
        let actions28 = state.outputDrained(exchangeInFlight: false)
        #expect(actions28 == [.updateInterest, .serve])
        #expect(!state.isWriteBlocked && state.wantsReadable && !state.wantsWritable)
    }

    @Test func outputDrained_afterBlockWithAResponseOwedOnlyResumesReading() {
        var state = Self.blocked()
        let actions29 = state.outputDrained(exchangeInFlight: true)
        #expect(actions29 == .updateInterest)
        #expect(state.wantsReadable)
    }

    @Test func outputDrained_afterBlockClearsAPauseForTheInputCap() {
        var state = Self.blocked()
        _ = state.pauseReading()
        let actions30 = state.outputDrained(exchangeInFlight: false)
        #expect(actions30 == [.updateInterest, .serve])
        #expect(!state.isReadingPaused)
    }

    @Test func outputDrained_afterBlockWithThePeerGoneCloses() {
        var state = HTTPConnectionState()
        _ = state.peerHalfClosed(exchangeInFlight: false)
        _ = state.writeWouldBlock()
        let actions31 = state.outputDrained(exchangeInFlight: false)
        #expect(actions31 == .close)
    }

    @Test func outputDrained_afterBlockWithThePeerGoneAndAResponseOwedStaysPaused() {
        var state = HTTPConnectionState()
        _ = state.peerHalfClosed(exchangeInFlight: false)
        _ = state.writeWouldBlock()
        let actions32 = state.outputDrained(exchangeInFlight: true)
        #expect(actions32 == .updateInterest)
        #expect(state.isReadingPaused && !state.wantsReadable)
    }

    @Test func outputDrained_closingConnectionCloses() {
        var state = Self.closing()
        let actions33 = state.outputDrained(exchangeInFlight: false)
        #expect(actions33 == .close)
        #expect(state.phase == .closed)
    }

    @Test func outputDrained_closingConnectionWaitsForTheResponseOwed() {
        var state = Self.closing()
        let actions34 = state.outputDrained(exchangeInFlight: true)
        #expect(actions34 == [])
        #expect(state.phase == .closing)
    }

    @Test func outputDrained_onAClosedConnectionDoesNothing() {
        var state = Self.closed()
        let actions35 = state.outputDrained(exchangeInFlight: false)
        #expect(actions35 == [])
    }

    // MARK: - Connection: timeouts

    static let second: UInt64 = 1_000_000_000

    static func tick(
        _ state: inout HTTPConnectionState, now: UInt64, requestStartedAt: UInt64?, lastActivity: UInt64 = 0,
        exchangeInFlight: Bool = false, hasBufferedInput: Bool = false, hasPendingOutput: Bool = false
    ) -> HTTPConnectionActions {
        state.tick(
            now: now, requestStartedAt: requestStartedAt, lastActivity: lastActivity,
            requestTimeout: 10 * second, idleTimeout: 60 * second, exchangeInFlight: exchangeInFlight,
            hasBufferedInput: hasBufferedInput, hasPendingOutput: hasPendingOutput)
    }

    @Test func tick_silentConnectionPastTheRequestTimeoutCloses() {
        var state = HTTPConnectionState()
        let actions36 = Self.tick(&state, now: 11 * Self.second, requestStartedAt: 0, lastActivity: 11 * Self.second)
        #expect(actions36 == .close)
        #expect(state.phase == .closed)
    }

    @Test func tick_partialRequestPastTheRequestTimeoutGets408() {
        var state = HTTPConnectionState()
        let actions37 = Self.tick(&state, now: 11 * Self.second, requestStartedAt: 0, lastActivity: 11 * Self.second,
                          hasBufferedInput: true)
        #expect(actions37 == [.answerRequestTimeout, .flush])
        #expect(state.phase == .closing)
    }

    @Test func tick_withinTheRequestTimeoutDoesNothing() {
        var state = HTTPConnectionState()
        let actions38 = Self.tick(&state, now: 9 * Self.second, requestStartedAt: 0, hasBufferedInput: true)
        #expect(actions38 == [])
        #expect(state == HTTPConnectionState())
    }

    @Test func tick_neverInterruptsAResponseOwed() {
        var state = HTTPConnectionState()
        let actions39 = Self.tick(&state, now: 100 * Self.second, requestStartedAt: 0, exchangeInFlight: true)
        #expect(actions39 == [])
    }

    @Test func tick_idleKeepAlivePastTheIdleTimeoutCloses() {
        var state = HTTPConnectionState()
        let actions40 = Self.tick(&state, now: 61 * Self.second, requestStartedAt: nil)
        #expect(actions40 == .close)
    }

    @Test func tick_idleTimeoutSparesBufferedInput() {
        var state = HTTPConnectionState()
        let actions41 = Self.tick(&state, now: 61 * Self.second, requestStartedAt: nil, hasBufferedInput: true)
        #expect(actions41 == [])
    }

    @Test func tick_closingConnectionGetsNo408ButTheIdleTimeout() {
        var state = Self.closing()
        let actions42 = Self.tick(&state, now: 11 * Self.second, requestStartedAt: 0, lastActivity: 11 * Self.second,
                          hasPendingOutput: true)
        #expect(actions42 == [])
        let actions43 = Self.tick(&state, now: 72 * Self.second, requestStartedAt: 0, lastActivity: 11 * Self.second,
                          hasPendingOutput: true)
        #expect(actions43 == .close)
    }

    @Test func tick_onAClosedConnectionDoesNothing() {
        var state = Self.closed()
        let actions44 = Self.tick(&state, now: 100 * Self.second, requestStartedAt: 0)
        #expect(actions44 == [])
    }

    @Test func actions_describeThemselves() {
        #expect(HTTPConnectionActions([.flush, .serve]).description == "[flush, serve]")
        #expect(HTTPConnectionActions().description == "[]")
    }
}
