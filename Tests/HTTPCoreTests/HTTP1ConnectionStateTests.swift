import Testing
@testable import HTTPCore

/// One exchange's transitions, and HTTP/1's pairing of an exchange with the connection state:
/// pipelining, 100-continue, keep-alive, every delivery mode, FIN, drain. No socket.
struct HTTP1ConnectionStateTests {
    // MARK: - Exchange

    @Test func exchange_startsAwaitingARequest() {
        let exchange = HTTPExchangeState.awaitingRequest
        #expect(!exchange.isInFlight && !exchange.endsOnlyByClose && exchange.mayContinue)
    }

    @Test func exchange_continueIsSentOncePerRequest() {
        var exchange = HTTPExchangeState.awaitingRequest
        exchange.continueSent()
        #expect(exchange == .continueSent)
        #expect(!exchange.mayContinue && !exchange.isInFlight)
        exchange.requestDecoded()
        #expect(exchange == .awaitingRequest && exchange.mayContinue)
    }

    @Test func exchange_deferredThenFinished() {
        var exchange = HTTPExchangeState.awaitingRequest
        exchange.respondDeferred()
        #expect(exchange == .deferred && exchange.isInFlight && !exchange.endsOnlyByClose && !exchange.mayContinue)
        exchange.finishDeferred()
        #expect(exchange == .awaitingRequest)
    }

    @Test func exchange_hangEndsOnlyByClose() {
        var exchange = HTTPExchangeState.awaitingRequest
        exchange.respondDeferred()
        exchange.hang()
        #expect(exchange == .hanging && exchange.isInFlight && exchange.endsOnlyByClose)
    }

    @Test func exchange_streamEndsByFinishOrClose() {
        var exchange = HTTPExchangeState.awaitingRequest
        exchange.respondDeferred()
        exchange.startStream()
        #expect(exchange == .streaming && exchange.isInFlight && exchange.endsOnlyByClose)
        exchange.finishStream()
        #expect(exchange == .awaitingRequest)
    }

    // MARK: - HTTP/1: requests

    static func deferred() -> HTTP1ConnectionState {
        var state = HTTP1ConnectionState()
        _ = state.requestDecoded(wantsKeepAlive: true)
        state.respondDeferred()
        return state
    }

    static func streaming() -> HTTP1ConnectionState {
        var state = deferred()
        state.startStream()
        return state
    }

    @Test func requestDecoded_keepsAliveWhenAskedOnAnOpenConnection() {
        var state = HTTP1ConnectionState()
        let first = state.requestDecoded(wantsKeepAlive: true)
        let second = state.requestDecoded(wantsKeepAlive: false)
        #expect(first && !second)
    }

    @Test func requestDecoded_neverKeepsAliveWhileDraining() {
        var state = HTTP1ConnectionState()
        _ = state.drain()
        #expect(state.canAnswerRequest)
        let keepAlive = state.requestDecoded(wantsKeepAlive: true)
        #expect(!keepAlive)
    }

    @Test func requestDecoded_neverKeepsAliveAfterThePeerHalfClosed() {
        var state = HTTP1ConnectionState()
        _ = state.peerHalfClosed()
        let keepAlive = state.requestDecoded(wantsKeepAlive: true)
        #expect(!keepAlive)
    }

    @Test func respondedAtOnce_withCloseEndsTheConnectionAfterFlush() {
        var state = HTTP1ConnectionState()
        let keepAlive = state.requestDecoded(wantsKeepAlive: false)
        state.respondedAtOnce(keepAlive: keepAlive)
        #expect(state.connection.phase == .closing && !state.canAnswerRequest)
    }

    @Test func respondedAtOnce_withKeepAliveAnswersTheNextPipelinedRequest() {
        var state = HTTP1ConnectionState()
        state.respondedAtOnce(keepAlive: state.requestDecoded(wantsKeepAlive: true))
        #expect(state.canAnswerRequest && !state.isBusy)
    }

    @Test func decodeFailed_isTheLastResponse() {
        var state = HTTP1ConnectionState()
        state.decodeFailed()
        #expect(state.connection.phase == .closing && !state.canAnswerRequest)
    }

    @Test func continue_isSentOnceThenResetByTheRequest() {
        var state = HTTP1ConnectionState()
        #expect(state.mayContinue)
        state.continueSent()
        #expect(!state.mayContinue)
        _ = state.requestDecoded(wantsKeepAlive: true)
        #expect(state.mayContinue)
    }

    @Test func respondDeferred_holdsThePipelinedRequestsBehind() {
        let state = Self.deferred()
        #expect(state.isBusy && !state.canAnswerRequest && !state.mayContinue)
    }

    // MARK: - HTTP/1: reading

    @Test func inputFull_withNothingOwedGets413() {
        var state = HTTP1ConnectionState()
        let actions1 = state.inputFull(hasPendingOutput: false)
        #expect(actions1 == [.answerContentTooLarge, .flush])
        #expect(state.connection.phase == .closing)
    }

    @Test func inputFull_whileAResponseIsOwedPausesReading() {
        var state = Self.deferred()
        let actions2 = state.inputFull(hasPendingOutput: false)
        #expect(actions2 == .updateInterest)
        #expect(state.connection.isReadingPaused)
    }

    @Test func inputFull_withUnsentOutputPausesReading() {
        var state = HTTP1ConnectionState()
        let actions3 = state.inputFull(hasPendingOutput: true)
        #expect(actions3 == .updateInterest)
        #expect(state.connection.phase == .open)
    }

    @Test func peerHalfClosed_whileAResponseIsOwedCloses() {
        var state = Self.deferred()
        let actions4 = state.peerHalfClosed()
        #expect(actions4 == .close)
    }

    @Test func servedAfterPeerHalfClosed_closesOnceAnswered() {
        var state = HTTP1ConnectionState()
        let actions5 = state.peerHalfClosed()
        #expect(actions5 == [.updateInterest, .serve])
        let actions6 = state.servedAfterPeerHalfClosed(hasPendingOutput: true)
        #expect(actions6 == [])
        let actions7 = state.outputDrained()
        #expect(actions7 == .close)
    }

    @Test func peerHangUpNoticed_whileAResponseIsOwedCloses() {
        var idle = HTTP1ConnectionState()
        let actions8 = idle.peerHangUpNoticed()
        #expect(actions8 == [])
        var busy = Self.deferred()
        let actions9 = busy.peerHangUpNoticed()
        #expect(actions9 == .close)
    }

    @Test func abort_closes() {
        var state = Self.deferred()
        let actions10 = state.abort()
        #expect(actions10 == .close)
        #expect(state.connection.phase == .closed)
    }

    // MARK: - HTTP/1: deliveries

    @Test func deferredKeepAlive_followsTheResponseAndThePhase() {
        var state = Self.deferred()
        #expect(state.deferredKeepAlive(closesConnection: false))
        #expect(!state.deferredKeepAlive(closesConnection: true))
        _ = state.drain()
        #expect(!state.deferredKeepAlive(closesConnection: false))
    }

    @Test func finishDeferred_keepAliveServesTheRequestsBehind() {
        var state = Self.deferred()
        let actions11 = state.finishDeferred(keepAlive: true, hasPendingOutput: false)
        #expect(actions11 == .serve)
        #expect(!state.isBusy && state.canAnswerRequest)
    }

    @Test func finishDeferred_withOutputFlushesThenServes() {
        var state = Self.deferred()
        let actions12 = state.finishDeferred(keepAlive: true, hasPendingOutput: true)
        #expect(actions12 == [.flush, .serve])
    }

    @Test func finishDeferred_withoutKeepAliveClosesAfterTheOutput() {
        var state = Self.deferred()
        let actions13 = state.finishDeferred(keepAlive: false, hasPendingOutput: true)
        #expect(actions13 == [.flush, .serve])
        #expect(state.connection.phase == .closing)
        var empty = Self.deferred()
        let actions14 = empty.finishDeferred(keepAlive: false, hasPendingOutput: false)
        #expect(actions14 == .close)
    }

    @Test func finishDeferred_resumesReadingPausedAtTheInputCap() {
        var state = Self.deferred()
        _ = state.inputFull(hasPendingOutput: false)
        let actions15 = state.finishDeferred(keepAlive: true, hasPendingOutput: false)
        #expect(actions15 == [.updateInterest, .serve])
        #expect(state.connection.wantsReadable)
    }

    @Test func finishDeferred_whenNothingIsDeferredIsIgnored() {
        var state = HTTP1ConnectionState()
        let actions16 = state.finishDeferred(keepAlive: true, hasPendingOutput: false)
        #expect(actions16 == [])
        #expect(state == HTTP1ConnectionState())
    }

    @Test func truncated_flushesHalfThenCloses() {
        var state = Self.deferred()
        let actions17 = state.truncated()
        #expect(actions17 == .flush)
        #expect(!state.isBusy && state.connection.phase == .closing)
        let actions18 = state.outputDrained()
        #expect(actions18 == .close)
        var idle = HTTP1ConnectionState()
        let actions19 = idle.truncated()
        #expect(actions19 == [])
    }

    @Test func hang_staysInFlightAndClosesOnDrain() {
        var state = Self.deferred()
        state.hang()
        #expect(state.isBusy && state.exchange.endsOnlyByClose)
        let actions20 = state.drain()
        #expect(actions20 == [])
        let actions21 = state.drainSettled(hasPendingOutput: false)
        #expect(actions21 == .close)
    }

    @Test func streamedBytesQueued_flushesUnlessTheSocketIsFull() {
        var state = Self.streaming()
        #expect(state.streamedBytesQueued() == .flush)
        _ = state.writeWouldBlock()
        #expect(state.isWriteBlocked)
        #expect(state.streamedBytesQueued() == [])
    }

    @Test func finishStream_closesAfterTheOutput() {
        var state = Self.streaming()
        let actions22 = state.finishStream(hasPendingOutput: true)
        #expect(actions22 == .flush)
        #expect(state.connection.phase == .closing && !state.isBusy)
        let actions23 = state.finishStream(hasPendingOutput: true)
        #expect(actions23 == [])
        var empty = Self.streaming()
        let actions24 = empty.finishStream(hasPendingOutput: false)
        #expect(actions24 == .close)
    }

    // MARK: - HTTP/1: output, timeouts and shutdown

    @Test func outputDrained_afterBlockServesUnlessBusy() {
        var idle = HTTP1ConnectionState()
        _ = idle.writeWouldBlock()
        let actions25 = idle.outputDrained()
        #expect(actions25 == [.updateInterest, .serve])
        var busy = Self.streaming()
        _ = busy.writeWouldBlock()
        let actions26 = busy.outputDrained()
        #expect(actions26 == .updateInterest)
    }

    @Test func drain_slowResponseFinishesWithCloseThenCloses() {
        var state = Self.deferred()
        let actions27 = state.drain()
        #expect(actions27 == [])
        let actions28 = state.drainSettled(hasPendingOutput: true)
        #expect(actions28 == [])
        #expect(state.connection.phase == .closing)
        let actions29 = state.outputDrained()
        #expect(actions29 == [])  // the slow response is still trickling
        let actions30 = state.finishDeferred(keepAlive: true, hasPendingOutput: false)
        #expect(actions30 == .close)
    }

    @Test func drain_idleConnectionReadsThenCloses() {
        var state = HTTP1ConnectionState()
        let actions31 = state.drain()
        #expect(actions31 == .read)
        let actions32 = state.drainSettled(hasPendingOutput: false)
        #expect(actions32 == .close)
    }

    @Test func tick_sparesAResponseOwedAndTimesOutTheRest() {
        var busy = Self.deferred()
        let actions33 = busy.tick(now: 100, requestStartedAt: 0, lastActivity: 0, requestTimeout: 10, idleTimeout: 60,
                          hasBufferedInput: true, hasPendingOutput: false)
        #expect(actions33 == [])
        var idle = HTTP1ConnectionState()
        let actions34 = idle.tick(now: 100, requestStartedAt: 0, lastActivity: 0, requestTimeout: 10, idleTimeout: 60,
                          hasBufferedInput: true, hasPendingOutput: false)
        #expect(actions34 == [.answerRequestTimeout, .flush])
    }
}
