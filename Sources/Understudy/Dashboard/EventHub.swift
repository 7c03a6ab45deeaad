public import HTTPCore
import Synchronization

/// The listeners of `GET /__admin/events`: one server-sent event (`data: <entry JSON>`) per journal
/// entry, the same JSON as `GET /__admin/requests`. With no listener, publishing costs one lock.
public final class EventHub: Sendable {
    private struct Listener: Sendable {
        var stream: HTTPStream
        /// The session whose entries it wants; `nil` for every session (`?session=*`).
        var session: String?
    }

    private let listeners = Mutex<[Listener]>([])

    public init() {}

    /// Whether anyone listens (checked before an entry is rendered).
    public var hasListeners: Bool { listeners.withLock { !$0.isEmpty } }

    /// A new stream for one client; it is forgotten when the client leaves.
    public func subscribe(session: String?) -> HTTPStream {
        let stream = HTTPStream()
        // `retry:` makes EventSource reconnect fast after a restart; the comment line opens the body at once.
        stream.send(Array("retry: 1000\n: understudy journal\n\n".utf8))
        listeners.withLock { $0.append(Listener(stream: stream, session: session)) }
        stream.onFinish { [weak self] in self?.drop(stream) }
        return stream
    }

    /// Sends one journal entry (as rendered for `GET /__admin/requests`) to the listeners of its session.
    func publish(_ entry: JSONValue, session: String) {
        let targets = listeners.withLock { $0.filter { $0.session == nil || $0.session == session }.map(\.stream) }
        guard !targets.isEmpty else { return }
        let event = Self.event(entry)
        for stream in targets { stream.send(event) }
    }

    /// `data: {…}\n\n`: compact JSON has no raw newline, so one entry is always one `data:` line.
    static func event(_ entry: JSONValue) -> [UInt8] {
        var bytes = Array("data: ".utf8)
        bytes += entry.compactBytes
        bytes += Array("\n\n".utf8)
        return bytes
    }

    /// Closes every open stream (tests; the server's own shutdown closes them anyway).
    public func finishAll() {
        for listener in listeners.withLock({ $0 }) { listener.stream.finish() }
    }

    private func drop(_ stream: HTTPStream) {
        listeners.withLock { $0.removeAll { $0.stream === stream } }
    }
}
