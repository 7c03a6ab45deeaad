import Synchronization

extension OnePassword {
    /// What an OAuth app may do, as granted per app in 1Password's UI (vendor-notes/users-resource/1password.md:
    /// "get user, list users, suspend users, reactivate users"). Seeds spell them as the UI does.
    enum Permission: String, CaseIterable, Sendable {
        case listUsers = "list users"
        case getUser = "get user"
        case suspendUsers = "suspend users"
        case reactivateUsers = "reactivate users"

        /// Every permission (seeded admin credentials, `--any-key` clients).
        static let all = Set(allCases)
    }

    /// One OAuth app of the seeded account (seed key `oauthClients`).
    struct OAuthClient: Sendable, Equatable {
        var id: String
        var secret: String
        var permissions: Set<Permission>
    }
}

/// 1Password's mutable data beside its users: the OAuth clients and owners the seed names, and the
/// access tokens issued since the last reset.
final class OnePasswordState: VendorState {
    /// The seeded OAuth apps, in seed order.
    let clients: [OnePassword.OAuthClient]
    /// Ids of the account's owners (seed key `ownerIds`); the user object itself has no role field.
    let ownerIDs: Set<String>
    /// `serve --token-ttl`, seconds.
    let tokenTTL: Int
    /// At most this many live tokens; issuing one more drops the oldest.
    let capacity: Int

    struct Token: Sendable {
        var clientID: String
        var permissions: Set<OnePassword.Permission>
        var expiresAt: UInt64
    }

    private struct Tokens: Sendable {
        var byValue: [String: Token] = [:]
        /// Issue order, oldest first, for eviction.
        var order: [String] = []
        var issued: UInt64 = 0
        /// Added to the monotonic clock: lets in-process tests pass time without sleeping.
        var clockOffset: UInt64 = 0
    }

    private let tokens = Mutex(Tokens())

    init(clients: [OnePassword.OAuthClient], ownerIDs: Set<String>, tokenTTL: Int, capacity: Int = 4096) {
        self.clients = clients
        self.ownerIDs = ownerIDs
        self.tokenTTL = tokenTTL
        self.capacity = capacity
    }

    func client(id: String) -> OnePassword.OAuthClient? { clients.first { $0.id == id } }

    /// Issues a new opaque token. Values come from a counter through SipHash with a fixed key: they look
    /// random, and the same run of requests after a reset gets the same tokens (deterministic responses).
    func issue(clientID: String, permissions: Set<OnePassword.Permission>) -> String {
        tokens.withLock { tokens in
            tokens.issued += 1
            var bytes: [UInt8] = []
            for part in 0..<4 as Range<UInt64> {
                var material = Array("1password-access-token".utf8)
                withUnsafeBytes(of: tokens.issued.littleEndian) { material.append(contentsOf: $0) }
                withUnsafeBytes(of: part.littleEndian) { material.append(contentsOf: $0) }
                withUnsafeBytes(of: SipHash.hash(material).littleEndian) { bytes.append(contentsOf: $0) }
            }
            let value = Base64.encode(bytes, urlSafe: true)
            let ttl = UInt64(max(0, tokenTTL)) * 1_000_000_000
            tokens.byValue[value] = Token(clientID: clientID, permissions: permissions, expiresAt: now(tokens) + ttl)
            tokens.order.append(value)
            while tokens.byValue.count > capacity, !tokens.order.isEmpty {
                tokens.byValue[tokens.order.removeFirst()] = nil
            }
            return value
        }
    }

    /// What a bearer credential is: a live token with its permissions, an expired one, or none of ours.
    enum Lookup: Equatable {
        case live(Set<OnePassword.Permission>)
        case expired
        case unknown
    }

    /// Whether any token was issued and is still held: until a client asks for one, a request's
    /// bearer credential need not be cut out of its header and looked up (a seed key's common case).
    var holdsTokens: Bool { tokens.withLock { !$0.byValue.isEmpty } }

    func lookup(_ value: String) -> Lookup {
        tokens.withLock { tokens in
            guard let token = tokens.byValue[value] else { return .unknown }
            return now(tokens) < token.expiresAt ? .live(token.permissions) : .expired
        }
    }

    /// RFC 7009 §2.2: revoking an unknown token, or another client's, changes nothing and still succeeds.
    func revoke(_ value: String, clientID: String) {
        tokens.withLock { tokens in
            guard tokens.byValue[value]?.clientID == clientID else { return }
            tokens.byValue[value] = nil
            tokens.order.removeAll { $0 == value }
        }
    }

    /// How many issued tokens are held (live or expired but not yet evicted).
    var tokenCount: Int { tokens.withLock { $0.byValue.count } }

    /// Moves this state's clock forward (tests).
    func advanceClock(seconds: Int) {
        tokens.withLock { $0.clockOffset += UInt64(seconds) * 1_000_000_000 }
    }

    /// Issued tokens forgotten and the counter restarted; the test clock offset is kept.
    func reset() {
        tokens.withLock { tokens in
            let offset = tokens.clockOffset
            tokens = Tokens()
            tokens.clockOffset = offset
        }
    }

    private func now(_ tokens: Tokens) -> UInt64 {
        SystemClock.monotonicNanoseconds() + tokens.clockOffset
    }
}
