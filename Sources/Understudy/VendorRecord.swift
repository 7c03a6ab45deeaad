import Synchronization

/// One vendor as a running app serves it: its API, its loaded seed, its store and its state.
/// Every version of the vendor and the admin API read and write these same objects.
///
/// With the embedded default seeds the seed is parsed, its users encoded and the state built on
/// the record's first use rather than at start-up: those seeds are fixed (tests load every one of
/// them), so nothing can fail later that start-up would have caught, and a server that is asked only
/// about OpenAI never pays for the other four vendors (issue 14: start → first 200, idle RSS).
/// A `--seeds` directory or `--users` population is loaded eagerly, so a bad file still fails start-up.
public final class VendorRecord: Sendable {
    public let api: any VendorAPI
    public let operations: [VendorOperation]
    private let contents: OnFirstUse<Contents>

    /// What the seed yields; built once, then only read.
    final class Contents: Sendable {
        let seed: VendorSeed
        let store: UserStore
        let state: (any VendorState)?
        /// The seed's magic credentials by `Authorization` value, and the byte lengths they span: an
        /// `Authorization` outside them (every ordinary key, shorter than its `-magic-` forms) skips
        /// the hashed lookup on the hot path.
        let magic: [String: MagicCredential]
        let magicLengths: ClosedRange<Int>

        init(seed: VendorSeed, store: UserStore, state: (any VendorState)?) {
            self.seed = seed
            self.store = store
            self.state = state
            magic = Dictionary(MagicCredential.all(for: seed).map { ($0.authorization, $0) }, uniquingKeysWith: { first, _ in first })
            let lengths = magic.keys.map(\.utf8.count)
            if let shortest = lengths.min(), let longest = lengths.max() { magicLengths = shortest...longest } else { magicLengths = 0...0 }
        }
    }

    init(api: any VendorAPI, seed: VendorSeed, store: UserStore, state: (any VendorState)?, operations: [VendorOperation]? = nil) {
        self.api = api
        self.operations = operations ?? api.operations()
        contents = OnFirstUse(Contents(seed: seed, store: store, state: state))
    }

    init(api: any VendorAPI, loaded: Contents) {
        self.api = api
        operations = api.operations()
        contents = OnFirstUse(loaded)
    }

    /// A record whose seed, store and state `load` builds on first use (at most once, on whichever
    /// thread asks first).
    init(api: any VendorAPI, loadingOnFirstUse load: @escaping @Sendable () -> Contents) {
        self.api = api
        operations = api.operations()
        contents = OnFirstUse(load)
    }

    public var id: String { api.id }
    /// Whether the seed has been loaded (always, unless the record loads on first use and is still unused).
    var isLoaded: Bool { contents.isBuilt }
    public var seed: VendorSeed { contents.value.seed }
    public var store: UserStore { contents.value.store }
    public var state: (any VendorState)? { contents.value.state }
    /// The seed's magic credentials by `Authorization` value.
    var magicCredentials: [String: MagicCredential] { contents.value.magic }
    /// The magic credential this `Authorization` value names, if any.
    func magicCredential(_ authorization: String) -> MagicCredential? {
        let loaded = contents.value
        return loaded.magicLengths.contains(authorization.utf8.count) ? loaded.magic[authorization] : nil
    }

    /// Users and state back to the seeds.
    func reset() {
        store.reset()
        state?.reset()
    }
}

/// A value built by a closure the first time it is read. After that a read is one acquiring load
/// (a plain load on x86-64), no lock, because records are read on every request.
final class OnFirstUse<Value: AnyObject & Sendable>: Sendable {
    private let built = Atomic<Unmanaged<Value>?>(nil)
    /// The builder until it has run; taken under the lock so it runs once.
    private let builder: Mutex<(@Sendable () -> Value)?>

    init(_ value: Value) {
        built.store(Unmanaged.passRetained(value), ordering: .releasing)
        builder = Mutex(nil)
    }

    init(_ build: @escaping @Sendable () -> Value) {
        builder = Mutex(build)
    }

    deinit { built.load(ordering: .acquiring)?.release() }

    var isBuilt: Bool { built.load(ordering: .acquiring) != nil }

    var value: Value {
        if let value = built.load(ordering: .acquiring) { return value.takeUnretainedValue() }
        return buildOnce()
    }

    private func buildOnce() -> Value {
        builder.withLock { build in
            if let value = built.load(ordering: .acquiring) { return value.takeUnretainedValue() }
            let value = build!()
            build = nil
            built.store(Unmanaged.passRetained(value), ordering: .releasing)
            return value
        }
    }
}
