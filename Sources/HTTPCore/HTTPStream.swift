import Synchronization

/// An open-ended response body the application appends to from any thread (server-sent events,
/// for one). A handler returns a response whose delivery is ``HTTPResponse/Delivery/stream(_:)``;
/// the server writes the head without `Content-Length` (the body ends when the connection closes,
/// RFC 9112 §6.3 rule 8) and then every chunk given to ``send(_:)``, in order, on its event loop.
///
/// Bytes sent before the server attaches are buffered. The stream finishes when the client leaves,
/// when the server stops (graceful shutdown never waits for a stream), when the client stops
/// reading for too long (``maxPendingBytes``), or when the application calls ``finish()``.
public final class HTTPStream: Sendable, Equatable {
    /// How many unsent bytes a slow reader may hold up before its stream is closed (the client can
    /// reconnect and catch up from a listing, as the dashboard does).
    public static let maxPendingBytes = 16 * 1024 * 1024

    private struct State {
        var pending: [UInt8] = []
        var sink: (@Sendable ([UInt8]) -> Void)?
        var closer: (@Sendable () -> Void)?
        var isFinished = false
        var onFinish: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the stream has ended (client gone, server stopped, or ``finish()``).
    public var isFinished: Bool { state.withLock { $0.isFinished } }

    /// Appends bytes to the body. Returns `false` once the stream has finished (drop the stream then).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        let sink: (@Sendable ([UInt8]) -> Void)? = state.withLock { state in
            if state.isFinished { return nil }
            if let sink = state.sink { return sink }
            state.pending.append(contentsOf: bytes)
            return nil
        }
        guard let sink else { return !isFinished }
        sink(bytes)
        return true
    }

    /// Ends the body: the server closes the connection once what was sent has been written.
    public func finish() {
        let closer = state.withLock { state in state.isFinished ? nil : state.closer }
        if let closer { closer() } else { markFinished() }
    }

    /// Runs `action` once when the stream finishes (immediately if it already has).
    public func onFinish(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state in
            if state.isFinished { return true }
            state.onFinish.append(action)
            return false
        }
        if runNow { action() }
    }

    public static func == (lhs: HTTPStream, rhs: HTTPStream) -> Bool { lhs === rhs }

    // MARK: - Server side

    /// Connects the stream to a connection; returns what was sent before.
    func attach(sink: @escaping @Sendable ([UInt8]) -> Void, closer: @escaping @Sendable () -> Void) -> [UInt8] {
        state.withLock { state in
            state.sink = sink
            state.closer = closer
            defer { state.pending = [] }
            return state.pending
        }
    }

    /// Called by the server when the connection closes, for whatever reason.
    func markFinished() {
        let actions = state.withLock { state in
            if state.isFinished { return [@Sendable () -> Void]() }
            state.isFinished = true
            state.sink = nil
            state.closer = nil
            defer { state.onFinish = [] }
            return state.onFinish
        }
        for action in actions { action() }
    }
}
