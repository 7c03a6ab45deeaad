/// A fault armed ahead of time through `POST /__admin/faults` or `serve --faults FILE`, for SDKs
/// whose URLs cannot carry per-request flags.
public struct FaultRule: Sendable, Equatable {
    /// Only this vendor's requests match (`nil`: every vendor).
    public var vendor: String?
    /// Only this path as the vendor sees it (`/v1/users`); a trailing `*` matches a prefix.
    public var path: String?
    /// Only this HTTP method (`POST`); `nil`: every method.
    public var method: String?
    public var effect: FaultEffect
    /// Fire this many times, then stop (`nil`: until removed).
    public var times: Int?
    /// Let this many matching requests through first.
    public var after: Int
    /// Chance that a matching request fires, drawn from a generator seeded by `seed`.
    public var probability: Double
    public var seed: UInt64

    public init(
        vendor: String? = nil, path: String? = nil, method: String? = nil, effect: FaultEffect, times: Int? = nil,
        after: Int = 0, probability: Double = 1.0, seed: UInt64 = 1
    ) {
        self.vendor = vendor
        self.path = path
        self.method = method
        self.effect = effect
        self.times = times
        self.after = after
        self.probability = probability
        self.seed = seed
    }

    func matches(vendor: String, method: String, path: String) -> Bool {
        if let wanted = self.vendor, wanted != vendor { return false }
        // RFC 9110 §9.1: method names are case-sensitive; rules are stored uppercased as sent on the wire.
        if let wanted = self.method, wanted != method { return false }
        guard let pattern = self.path else { return true }
        return pattern.hasSuffix("*") ? path.hasPrefix(pattern.dropLast()) : path == pattern
    }

    /// A rule problem, naming the field.
    public struct Invalid: Error, Sendable, Equatable {
        public var field: String
        public var problem: String
        public var message: String { "\(field): \(problem)" }
    }

    static let fields = ["vendor", "path", "method", "status", "fault", "delayMs", "times", "after", "probability", "seed"]

    /// Reads one rule from its JSON object; `knownVendors` guards against typos.
    public static func read(_ json: JSONValue, knownVendors: [String], field prefix: String = "") throws(Invalid) -> FaultRule {
        guard let members = json.objectValue else { throw Invalid(field: prefix.isEmpty ? "body" : prefix, problem: "expected a JSON object") }
        func name(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
        for (key, _) in members where !fields.contains(key) {
            throw Invalid(field: name(key), problem: "unknown field (known: \(fields.joined(separator: ", ")))")
        }
        func value(_ key: String) -> JSONValue? {
            guard let found = json[key], !found.isNull else { return nil }
            return found
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws(Invalid) -> Int? {
            guard let found = value(key) else { return nil }
            guard let number = found.intValue, range.contains(number) else {
                throw Invalid(field: name(key), problem: "expected an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        func string(_ key: String) throws(Invalid) -> String? {
            guard let found = value(key) else { return nil }
            guard let text = found.stringValue else { throw Invalid(field: name(key), problem: "expected a string") }
            return text
        }
        var rule = FaultRule(effect: FaultEffect())
        rule.vendor = try string("vendor")
        if let vendor = rule.vendor, !knownVendors.contains(vendor) {
            throw Invalid(field: name("vendor"), problem: "unknown vendor '\(vendor)' (known: \(knownVendors.joined(separator: ", ")))")
        }
        rule.path = try string("path")
        if let method = try string("method") {
            guard !method.isEmpty, method.utf8.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw Invalid(field: name("method"), problem: "expected an HTTP method such as GET, POST, PATCH or DELETE")
            }
            rule.method = method.uppercased()
        }
        rule.effect.status = try integer("status", in: 400...599)
        if let fault = try string("fault") {
            guard let kind = FaultEffect.Kind(rawValue: fault) else {
                throw Invalid(field: name("fault"), problem: "expected one of \(FaultFlags.faultAccepted)")
            }
            rule.effect.kind = kind
        }
        if let delay = try integer("delayMs", in: 0...600_000), delay > 0 { rule.effect.delayMilliseconds = delay }
        rule.times = try integer("times", in: 1...Int(Int32.max))
        rule.after = try integer("after", in: 0...Int(Int32.max)) ?? 0
        if let found = value("probability") {
            guard case .number(let probability, _) = found, (0...1).contains(probability) else {
                throw Invalid(field: name("probability"), problem: "expected a number from 0 to 1")
            }
            rule.probability = probability
        }
        rule.seed = UInt64(try integer("seed", in: 0...Int.max) ?? 1)
        guard !rule.effect.isEmpty else {
            throw Invalid(field: name("status"), problem: "a rule needs an effect: status, fault or delayMs")
        }
        return rule
    }

    /// Reads a rules file: a JSON array of rules, or `{"faults": [...]}`.
    public static func readFile(_ text: String, knownVendors: [String]) throws(Invalid) -> [FaultRule] {
        let json: JSONValue
        do { json = try JSONValue.parseStrictly(text) } catch { throw Invalid(field: "file", problem: error.description) }
        let list: [JSONValue]
        if let array = json.arrayValue {
            list = array
        } else if let array = json["faults"]?.arrayValue {
            list = array
        } else {
            throw Invalid(field: "file", problem: #"expected a JSON array of rules or {"faults": [...]}"#)
        }
        var rules: [FaultRule] = []
        for (index, element) in list.enumerated() {
            rules.append(try read(element, knownVendors: knownVendors, field: "faults[\(index)]"))
        }
        return rules
    }

    /// The rule as JSON, in the order of the request body.
    var members: [(String, JSONValue)] {
        func number(_ value: Int) -> JSONValue { .number(Double(value), text: String(value)) }
        return [
            ("vendor", vendor.map(JSONValue.string) ?? .null),
            ("path", path.map(JSONValue.string) ?? .null),
            ("method", method.map(JSONValue.string) ?? .null),
            ("status", effect.status.map(number) ?? .null),
            ("fault", effect.kind.map { .string($0.rawValue) } ?? .null),
            ("delayMs", number(effect.delayMilliseconds ?? 0)),
            ("times", times.map(number) ?? .null),
            ("after", number(after)),
            ("probability", .number(probability, text: probability == 1 ? "1.0" : probability == 0 ? "0.0" : "\(probability)")),
            ("seed", .number(Double(seed), text: String(seed))),
        ]
    }
}
