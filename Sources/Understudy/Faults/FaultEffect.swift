import HTTPCore

/// What a fault does to one response: an injected status, a delay, and/or a broken delivery.
public struct FaultEffect: Sendable, Equatable {
    /// Answer with this status in the vendor's own error envelope.
    public var status: Int?
    /// Wait this long before answering (for `slow`, the total time to send).
    public var delayMilliseconds: Int?
    public var kind: Kind?

    /// The transport-level ways a response can break.
    public enum Kind: String, Sendable, CaseIterable {
        /// TCP reset (SO_LINGER 0) before any response byte.
        case reset
        /// Close the connection without a response.
        case close
        /// Headers with the full Content-Length, half the body, then close.
        case truncate
        /// 200 with a body that is not valid JSON.
        case malformed
        /// The response a few bytes at a time over about 2 s (`delayMilliseconds` sets the total).
        case slow
        /// Accept the request and never answer.
        case hang
    }

    public init(status: Int? = nil, delayMilliseconds: Int? = nil, kind: Kind? = nil) {
        self.status = status
        self.delayMilliseconds = delayMilliseconds
        self.kind = kind
    }

    public var isEmpty: Bool { status == nil && delayMilliseconds == nil && kind == nil }

    /// `self`'s fields win; `other` fills the gaps (per-request flags over armed rules).
    func merged(over other: FaultEffect) -> FaultEffect {
        FaultEffect(status: status ?? other.status, delayMilliseconds: delayMilliseconds ?? other.delayMilliseconds, kind: kind ?? other.kind)
    }

    /// A short description for the access log and journal, e.g. `status=503 delay=1000ms`.
    public var summary: String {
        var parts: [String] = []
        if let status { parts.append("status=\(status)") }
        if let delayMilliseconds { parts.append("delay=\(delayMilliseconds)ms") }
        if let kind { parts.append(kind.rawValue) }
        return parts.joined(separator: " ")
    }

    /// Applies the effect to a vendor's response (the status was already applied by the caller).
    func apply(to response: HTTPResponse) -> HTTPResponse {
        var response = response
        switch kind {
        case .reset: response.delivery = .reset
        case .close: response.delivery = .close
        case .truncate: response.delivery = .truncate
        case .hang: response.delivery = .hang
        case .malformed:
            // What a proxy cutting a response short produces: the first half of the real JSON.
            response.status = .ok
            response.body = Array(response.body.prefix(max(1, response.body.count / 2)))
            if (try? JSONValue.parse(response.body)) != nil { response.body = Array("{\"data\":[".utf8) }
        case .slow:
            response.delivery = .slow(milliseconds: delayMilliseconds ?? 2000)
            return response
        case nil:
            break
        }
        if let delayMilliseconds { response.delayMilliseconds = delayMilliseconds }
        return response
    }
}
