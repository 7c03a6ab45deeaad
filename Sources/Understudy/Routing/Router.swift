import HTTPCore

/// Matches a request path against route patterns with `{name}` segments, then by method.
/// Paths are split once; patterns are compared segment by segment without allocation per route.
struct Router<Target: Sendable>: Sendable {
    struct Route: Sendable {
        let pattern: PathPattern
        let method: String
        let target: Target
    }

    enum Match {
        case found(Target, parameters: [String: String])
        /// The path exists but not for this method; carries the methods that are allowed.
        case methodNotAllowed([String])
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Routes whose pattern has no parameter, by exact path: the common case costs one hash lookup.
    private var literalRoutes: [String: [Route]] = [:]

    mutating func add(_ method: String, _ pattern: String, _ target: Target) {
        let route = Route(pattern: PathPattern(pattern), method: method, target: target)
        routes.append(route)
        if route.pattern.isLiteral { literalRoutes[pattern, default: []].append(route) }
    }

    func match(method: String, path: String) -> Match {
        if let candidates = literalRoutes[path] {
            for route in candidates where route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: [:])
            }
        }
        let segments = PathPattern.segments(of: path)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.pattern.match(segments) else { continue }
            // RFC 9110 §9.3.2: HEAD is answered wherever GET is.
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET"), !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed)
    }

    /// Every distinct pattern, for the 404 body that lists what is served.
    var patterns: [String] {
        var seen: [String] = []
        for route in routes where !seen.contains(route.pattern.text) { seen.append(route.pattern.text) }
        return seen
    }
}

/// A path like `/v1beta1/accounts/{account_id}/users`.
struct PathPattern: Sendable {
    enum Segment: Sendable {
        case literal(Substring)
        case parameter(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        segments = Self.segments(of: text).map { segment in
            if segment.hasPrefix("{"), segment.hasSuffix("}") {
                return .parameter(String(segment.dropFirst().dropLast()))
            }
            return .literal(segment)
        }
    }

    var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    static func segments(of path: String) -> [Substring] {
        path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Substring($0) }
    }

    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .literal(let literal):
                guard literal == value else { return nil }
            case .parameter(let name):
                parameters[name] = String(value)
            }
        }
        return parameters
    }
}
