/// One vendor as a running app serves it: its API, its loaded seed, its store and its state.
/// Every version of the vendor and the admin API read and write these same objects.
public final class VendorRecord: Sendable {
    public let api: any VendorAPI
    public let seed: VendorSeed
    public let store: UserStore
    public let state: (any VendorState)?
    public let operations: [VendorOperation]

    init(api: any VendorAPI, seed: VendorSeed, store: UserStore, state: (any VendorState)?, operations: [VendorOperation]? = nil) {
        self.api = api
        self.seed = seed
        self.store = store
        self.state = state
        self.operations = operations ?? api.operations()
    }

    public var id: String { api.id }

    /// Users and state back to the seeds.
    func reset() {
        store.reset()
        state?.reset()
    }
}
