import Synchronization

/// The sessions of one app: the default one plus those named by clients, with the cap
/// (`--max-sessions`), idle expiry (`--session-idle`) and the index of session credentials.
final class SessionBook: Sendable {
    /// Why a session could not be used, answered by understudy itself.
    enum Refusal: Error {
        case invalidName(String)
        case capReached(Int)
        case unknown(String)
    }

    let defaultSession: Session
    let maxSessions: Int
    let idleMilliseconds: Int64
    private let make: @Sendable (String) -> Session
    private let state = Mutex(State())
    /// How many named sessions exist, readable without the lock: every named session has
    /// credentials, so the hot path skips the credential lookup while this is 0.
    private let namedCount = Atomic<Int>(0)

    private struct State: Sendable {
        var sessions: [String: Session] = [:]
        /// `Authorization` value → session name.
        var sessionByCredential: [String: String] = [:]
        var lastSweep: Int64 = 0
    }

    init(defaultSession: Session, maxSessions: Int, idleMilliseconds: Int64, make: @escaping @Sendable (String) -> Session) {
        self.defaultSession = defaultSession
        self.maxSessions = maxSessions
        self.idleMilliseconds = idleMilliseconds
        self.make = make
    }

    /// The session called `name`, started on first use unless `create` is false.
    /// - Returns: the session and whether this call started it.
    @discardableResult
    func session(named name: String, create: Bool = true) throws(Refusal) -> (Session, created: Bool) {
        if name == Session.defaultName { return (defaultSession, false) }
        guard Session.isValidName(name) else { throw .invalidName(name) }
        let outcome: Result<(Session, Bool), Refusal> = state.withLock { state in
            sweep(&state)
            if let existing = state.sessions[name] { return .success((existing, false)) }
            guard create else { return .failure(.unknown(name)) }
            guard state.sessions.count < maxSessions else { return .failure(.capReached(maxSessions)) }
            let session = make(name)
            state.sessions[name] = session
            for list in session.credentials.values {
                for credential in list { state.sessionByCredential[credential.authorization] = name }
            }
            namedCount.add(1, ordering: .relaxed)
            return .success((session, true))
        }
        return try outcome.get()
    }

    /// The session a session credential belongs to (nil for any other value).
    func session(forAuthorization authorization: String?) -> Session? {
        guard let authorization, namedCount.load(ordering: .relaxed) > 0 else { return nil }
        return state.withLock { state in
            state.sessionByCredential[authorization].flatMap { state.sessions[$0] }
        }
    }

    /// Removes a session and its credentials; false when there is none.
    func remove(named name: String) -> Bool {
        state.withLock { state in removeLocked(name, &state) }
    }

    /// Removes every session but the default.
    func removeAll() {
        state.withLock { state in
            for name in Array(state.sessions.keys) { _ = removeLocked(name, &state) }
        }
    }

    /// Every session, the default first, then by name.
    func all() -> [Session] {
        let named = state.withLock { state in
            sweep(&state, force: true)
            return state.sessions.values.sorted { $0.name < $1.name }
        }
        return [defaultSession] + named
    }

    /// Named sessions now (for tests and memory figures).
    var count: Int { namedCount.load(ordering: .relaxed) }

    private func removeLocked(_ name: String, _ state: inout State) -> Bool {
        guard let session = state.sessions.removeValue(forKey: name) else { return false }
        for list in session.credentials.values {
            for credential in list { state.sessionByCredential[credential.authorization] = nil }
        }
        namedCount.subtract(1, ordering: .relaxed)
        return true
    }

    /// Drops sessions idle longer than the limit; runs at most once a second unless forced.
    private func sweep(_ state: inout State, force: Bool = false) {
        let now = Session.monotonicMilliseconds()
        guard force || now - state.lastSweep >= 1000 else { return }
        state.lastSweep = now
        for (name, session) in state.sessions where session.idleMilliseconds(now: now) > idleMilliseconds {
            _ = removeLocked(name, &state)
        }
    }
}
