import HTTPCore

/// Matches a request path against route patterns with `{name}` segments, then by method.
/// Paths are split once; patterns are compared segment by segment without allocation per route.
/// Routes are kept most specific first (literal segments before `{name}:verb` before `{name}`), so
/// `/users/{user}:suspend` wins over `/users/{user}` whatever order they were added in.
struct Router<Target: Sendable>: Sendable {
    struct Route: Sendable {
        let pattern: PathPattern
        let method: String
        let target: Target
    }

    enum Match {
        case found(Target, parameters: [String: String])
        /// The path exists but not for this method; carries the methods that are allowed and the
        /// target of the first route with that path (so its owner can render the 405).
        case methodNotAllowed([String], owner: Target)
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Routes whose pattern has no parameter, by exact path: the common case costs one hash lookup.
    private var literalRoutes: [String: [Route]] = [:]
    /// Indices into `routes` (in its order) by segment count: a path is only ever compared with the
    /// patterns of its own length. Scanning every route cost a tenth of a 1Password page (issue 14).
    private var routesBySegmentCount: [[Int]] = []

    mutating func add(_ method: String, _ pattern: String, _ target: Target) {
        let route = Route(pattern: PathPattern(pattern), method: method, target: target)
        // Stable insertion by specificity: before the first route that is less specific.
        let position = routes.firstIndex { $0.pattern.specificity < route.pattern.specificity } ?? routes.endIndex
        routes.insert(route, at: position)
        if route.pattern.isLiteral { literalRoutes[pattern, default: []].append(route) }
        // Start-up only: rebuilt whole, since an insertion shifts the indices after it. One pass
        // over integers (a key-path map and a filter per length made routing a fifth of start-up).
        let length = route.pattern.literalLengths.count
        if routesBySegmentCount.count <= length { routesBySegmentCount += Array(repeating: [], count: length + 1 - routesBySegmentCount.count) }
        for index in routesBySegmentCount.indices { routesBySegmentCount[index].removeAll(keepingCapacity: true) }
        for index in routes.indices { routesBySegmentCount[routes[index].pattern.literalLengths.count].append(index) }
    }

    func match(method: String, path: String) -> Match {
        if let candidates = literalRoutes[path] {
            for route in candidates where route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: [:])
            }
        }
        let segments = PathPattern.segments(of: path)
        var allowed: [String] = []
        var owner: Target?
        guard segments.count < routesBySegmentCount.count else { return .notFound }
        let lengths = segments.map { $0.utf8.count }  // a closure: a key path here is projected at run time
        for index in routesBySegmentCount[segments.count] {
            // Literal lengths first, on plain integers: most same-length patterns differ there, and
            // it costs no retain of the pattern's segments (a 1Password path meets eighteen of them).
            guard routes[index].pattern.literalLengthsMatch(lengths) else { continue }
            // Matched in place: copying the route first retained its pattern, method and target
            // for each of the dozens of same-length patterns a 1Password path is compared with.
            guard let parameters = routes[index].pattern.match(segments) else { continue }
            let route = routes[index]
            // RFC 9110 §9.3.2: HEAD is answered wherever GET is.
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            if owner == nil { owner = route.target }
        }
        guard let owner else { return .notFound }
        if allowed.contains("GET"), !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed, owner: owner)
    }

    /// Every distinct pattern, for the 404 body that lists what is served.
    var patterns: [String] {
        var seen: [String] = []
        for route in routes where !seen.contains(route.pattern.text) { seen.append(route.pattern.text) }
        return seen
    }
}

/// A path like `/v1beta1/accounts/{account_id}/users/{user}:suspend`.
struct PathPattern: Sendable {
    enum Segment: Sendable {
        case literal(Substring)
        /// `{name}`, or `{name}:verb` when `suffix` is `:verb` (AIP-136 custom methods): the value is
        /// the segment without the suffix, and must not be empty.
        case parameter(String, suffix: Substring)
    }

    let text: String
    let segments: [Segment]
    /// Each segment's byte count when it is a literal, -1 for a parameter.
    let literalLengths: [Int]

    init(_ text: String) {
        self.text = text
        segments = Self.segments(of: text).map { segment in
            if segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") {
                let name = String(segment[segment.index(after: segment.startIndex)..<close])
                return .parameter(name, suffix: segment[segment.index(after: close)...])
            }
            return .literal(segment)
        }
        literalLengths = segments.map { if case .literal(let literal) = $0 { literal.utf8.count } else { -1 } }
        specificity = segments.reduce(0) { total, segment in
            switch segment {
            case .literal: total + 4
            case .parameter(_, let suffix): total + (suffix.isEmpty ? 1 : 2)
            }
        }
    }

    /// Whether every literal segment has the byte count of the path's segment there.
    func literalLengthsMatch(_ lengths: [Int]) -> Bool {
        guard lengths.count == literalLengths.count else { return false }
        for index in lengths.indices where literalLengths[index] >= 0 && literalLengths[index] != lengths[index] { return false }
        return true
    }

    var isLiteral: Bool {
        segments.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// Orders overlapping patterns: each literal segment counts most, a suffixed parameter next.
    let specificity: Int

    static func segments(of path: String) -> [Substring] {
        // A plain byte loop: the generic `split` plus `map` cost a fifth of a parameterised route match.
        var result: [Substring] = []
        result.reserveCapacity(8)
        let utf8 = path.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "/") {
                if start != index { result.append(path[start..<index]) }
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex { result.append(path[start..<utf8.endIndex]) }
        return result
    }

    func match(_ path: [Substring]) -> [String: String]? {
        guard path.count == segments.count else { return nil }
        // Literals first, on bytes (they are ASCII, so this is what `==` decides), before any
        // parameter is copied into a dictionary that a later mismatch would throw away.
        for (segment, value) in zip(segments, path) {
            if case .literal(let literal) = segment, !literal.hasSameBytes(as: value) { return nil }
        }
        var parameters: [String: String] = [:]
        for (segment, value) in zip(segments, path) {
            switch segment {
            case .literal:
                break  // compared above
            case .parameter(let name, let suffix):
                if suffix.isEmpty {
                    parameters[name] = String(value)
                } else {
                    guard value.utf8.count > suffix.utf8.count, value.hasSuffix(suffix) else { return nil }
                    parameters[name] = String(value.dropLast(suffix.count))
                }
            }
        }
        return parameters
    }
}
