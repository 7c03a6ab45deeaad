import Synchronization

/// The armed fault rules of a server, with how often each matched and fired. Rules are tried in
/// the order they were armed; the first that fires wins.
public final class FaultBook: Sendable {
    private struct Armed: Sendable {
        var id: String
        var rule: FaultRule
        var matched = 0
        var fired = 0
        var random: SplitMix64

        init(id: String, rule: FaultRule) {
            self.id = id
            self.rule = rule
            random = SplitMix64(seed: rule.seed)
        }
    }

    private struct State: Sendable {
        var rules: [Armed] = []
        var nextID = 1
    }

    private let state = Mutex(State())

    public init() {}

    /// Arms a rule. - Returns: its id (`fault_1`, `fault_2`, …).
    @discardableResult
    public func arm(_ rule: FaultRule) -> String {
        state.withLock { state in
            let id = "fault_\(state.nextID)"
            state.nextID += 1
            state.rules.append(Armed(id: id, rule: rule))
            return id
        }
    }

    public func remove(id: String) -> Bool {
        state.withLock { state in
            guard let index = state.rules.firstIndex(where: { $0.id == id }) else { return false }
            state.rules.remove(at: index)
            return true
        }
    }

    /// How many rules are armed.
    public var count: Int { state.withLock { $0.rules.count } }

    public func removeAll() {
        state.withLock { $0.rules.removeAll() }
    }

    /// The effect for a request, counting the match on every rule it matches.
    func effect(vendor: String, method: String, path: String) -> FaultEffect {
        state.withLock { state in
            guard !state.rules.isEmpty else { return FaultEffect() }
            for index in state.rules.indices where state.rules[index].rule.matches(vendor: vendor, method: method, path: path) {
                state.rules[index].matched += 1
                let armed = state.rules[index]
                if armed.matched <= armed.rule.after { continue }
                if let times = armed.rule.times, armed.fired >= times { continue }
                guard state.rules[index].random.nextUnitInterval() < armed.rule.probability else { continue }
                state.rules[index].fired += 1
                return armed.rule.effect
            }
            return FaultEffect()
        }
    }

    /// Every rule with its id and counters, for `GET /__admin/faults`.
    public var listing: JSONValue {
        state.withLock { state in
            .object([("faults", .array(state.rules.map { armed in
                .object([("id", .string(armed.id))] + armed.rule.members + [
                    ("matched", .number(Double(armed.matched), text: String(armed.matched))),
                    ("fired", .number(Double(armed.fired), text: String(armed.fired))),
                ])
            }))])
        }
    }

    /// How often the rule with `id` fired, or `nil` if there is no such rule.
    public func firedCount(id: String) -> Int? {
        state.withLock { $0.rules.first { $0.id == id }?.fired }
    }
}

/// SplitMix64 (Steele, Lea & Flood): small, fast and the same on every platform, so a seeded
/// flaky run replays exactly.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return VendorNumbers.splitMix64(state &- 0x9E37_79B9_7F4A_7C15)
    }

    /// A double in [0, 1).
    mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
