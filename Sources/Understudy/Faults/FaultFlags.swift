public import HTTPCore

/// Per-request fault flags: `__status`, `__delay`, `__fault` in the query, or the
/// `X-Understudy-Status`, `X-Understudy-Delay`, `X-Understudy-Fault` headers for clients that
/// cannot touch the URL. The flags are stripped before the vendor sees the query, so they never
/// trip vendor validation.
///
/// Only these three names are reserved: understudy must never be stricter than the vendor, so any
/// other parameter, `__`-prefixed or not, reaches the vendor (which ignores unknown parameters as the
/// real API does). A `__` name that is not a flag is probably a typo: it is answered normally and
/// named in an `X-Understudy-Warning` response header and the access log (issue 10).
public enum FaultFlags {
    /// The reserved query names; everything else belongs to the vendor.
    static let names = ["__status", "__delay", "__fault"]
    /// `X-Understudy-*` request headers understudy reads; others get a warning.
    static let headerNames = ["x-understudy-status", "x-understudy-delay", "x-understudy-fault", "x-understudy-session"]

    /// What a request asked of the fault layer.
    public struct Extracted: Sendable {
        public var effect: FaultEffect
        /// The request as the vendor must see it when flags had to be removed from the query
        /// (`nil` when it can go to the vendor as it is, which spares a copy).
        public var stripped: HTTPRequest?
        /// Look-alike flags that were not understood (`__stauts`, `X-Understudy-Dealy`), for the
        /// `X-Understudy-Warning` header.
        public var unknownFlags: [String]
    }

    /// A flag with a value understudy does not understand.
    public struct InvalidFlag: Error, Equatable, Sendable {
        public var flag: String
        public var value: String
        public var accepted: String

        public var message: String { "invalid value '\(value)' for \(flag): expected \(accepted)" }
    }

    static let statusAccepted = "an HTTP error status from 400 to 599 (e.g. 429, 503)"
    static let delayAccepted = "a duration such as 250, 250ms or 2s (at most 600s)"
    static let faultAccepted = FaultEffect.Kind.allCases.map(\.rawValue).joined(separator: ", ")

    /// The flags in `request`, the request as the vendor must see it, and look-alike flags.
    public static func extract(from request: HTTPRequest) throws(InvalidFlag) -> Extracted {
        let hasQueryFlags = request.query.contains { $0.name.utf8.first == UInt8(ascii: "_") && $0.name.hasPrefix("__") }
        // One cheap pass on the hot path: most requests carry no X-Understudy-* header at all.
        let hasHeaderFlags = request.headers.contains { isUnderstudyHeader($0.name) }
        guard hasQueryFlags || hasHeaderFlags else { return Extracted(effect: FaultEffect(), stripped: nil, unknownFlags: []) }
        let headerStatus = request.headers["X-Understudy-Status"]
        let headerDelay = request.headers["X-Understudy-Delay"]
        let headerFault = request.headers["X-Understudy-Fault"]
        var effect = FaultEffect()
        if let value = request.queryValue("__status") ?? headerStatus { effect.status = try readStatus(value) }
        if let value = request.queryValue("__delay") ?? headerDelay { effect.delayMilliseconds = try readDelay(value, flag: "__delay") }
        if let value = request.queryValue("__fault") ?? headerFault {
            guard let kind = FaultEffect.Kind(rawValue: value) else {
                throw InvalidFlag(flag: "__fault", value: value, accepted: "one of \(faultAccepted)")
            }
            effect.kind = kind
        }
        // In first-seen order, each once; a set keeps a query of thousands of `__` names linear.
        var unknown: [String] = []
        var seen: Set<String> = []
        for item in request.query where item.name.hasPrefix("__") && !names.contains(item.name) && seen.insert(item.name).inserted {
            unknown.append(item.name)
        }
        for field in request.headers where isUnderstudyHeader(field.name) && !headerNames.contains(field.name.lowercased()) {
            if seen.insert(field.name).inserted { unknown.append(field.name) }
        }
        let hasReservedQuery = hasQueryFlags && request.query.contains { names.contains($0.name) }
        return Extracted(effect: effect, stripped: hasReservedQuery ? strippingFlags(from: request) : nil, unknownFlags: unknown)
    }

    /// Whether a header name starts with `X-Understudy-` in any case, compared on bytes: lowercasing
    /// every long name (`Accept-Encoding`, `Content-Type`) allocated a string per request.
    static func isUnderstudyHeader(_ name: String) -> Bool {
        let prefix = "x-understudy-".utf8
        guard name.utf8.count > prefix.count else { return false }
        return zip(name.utf8, prefix).allSatisfy { byte, expected in byte | (byte >= 65 && byte <= 90 ? 0x20 : 0) == expected }
    }

    /// The `X-Understudy-Warning` value for look-alike flags.
    static func warning(for unknown: [String]) -> String {
        "ignored unknown flag\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) (understudy reads only __status, __delay, __fault and X-Understudy-Status/-Delay/-Fault; other parameters go to the vendor)"
    }

    static func readStatus(_ value: String) throws(InvalidFlag) -> Int {
        guard let status = Int(value), (400...599).contains(status) else {
            throw InvalidFlag(flag: "__status", value: value, accepted: statusAccepted)
        }
        return status
    }

    /// `250`, `250ms` and `2s` are accepted; a bare number means milliseconds.
    static func readDelay(_ value: String, flag: String) throws(InvalidFlag) -> Int {
        let (digits, scale): (Substring, Int) = if value.hasSuffix("ms") {
            (value.dropLast(2), 1)
        } else if value.hasSuffix("s") {
            (value.dropLast(), 1000)
        } else {
            (Substring(value), 1)
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), digits.count <= 9,
              let amount = Int(digits), amount * scale <= 600_000
        else { throw InvalidFlag(flag: flag, value: value, accepted: delayAccepted) }
        return amount * scale
    }

    /// Rebuilds the target without the reserved parameters, keeping every other byte of the query as sent.
    static func strippingFlags(from request: HTTPRequest) -> HTTPRequest {
        let kept = request.rawQuery.split(separator: "&", omittingEmptySubsequences: false).filter { segment in
            let name = segment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? segment
            return !names.contains(PercentDecoding.decode(name, plusIsSpace: true))
        }
        let path = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.target
        let target = kept.isEmpty ? path : "\(path)?\(kept.joined(separator: "&"))"
        var stripped = HTTPRequest(method: request.method, target: target, version: request.version, headers: request.headers, body: request.body)
        stripped.path = request.path
        return stripped
    }
}
