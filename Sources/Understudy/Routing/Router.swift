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
        case found(Target, parameters: RouteParameters)
        /// The path exists but not for this method; carries the methods that are allowed and the
        /// target of the first route with that path (so its owner can render the 405).
        case methodNotAllowed([String], owner: Target)
        case notFound
    }

    private(set) var routes: [Route] = []
    /// Routes whose pattern has no parameter, by exact path: the common case costs one hash lookup.
    private var literalRoutes: [String: [Route]] = [:]
    /// Whether some literal route's path has this many bytes (by index): an ASCII path of another
    /// length cannot equal one, so it is not hashed for the lookup (a 1Password page path is 52 bytes
    /// of SipHash, ~550 instructions). A non-ASCII path is looked up whatever its length, since
    /// `String` equality is canonical equivalence and, say, U+037E equals `;` in fewer bytes.
    private var literalPathLengths: [Bool] = []
    /// Indices into `routes` (in its order) by segment count: a path is only ever compared with the
    /// patterns of its own length. Scanning every route cost a tenth of a 1Password page (issue 14).
    private var routesBySegmentCount: [[Int]] = []
    /// Every route's `literalLengths`, back to back in `routes` order, starting at
    /// `lengthOffsets[index]`: rejecting a same-length pattern then reads plain integers, where
    /// calling into each pattern retained and released its arrays (~60 of each per 1Password path).
    private var flatLiteralLengths: [Int] = []
    private var lengthOffsets: [Int] = []

    mutating func add(_ method: String, _ pattern: String, _ target: Target) {
        let route = Route(pattern: PathPattern(pattern), method: method, target: target)
        // Stable insertion by specificity: before the first route that is less specific.
        let position = routes.firstIndex { $0.pattern.specificity < route.pattern.specificity } ?? routes.endIndex
        routes.insert(route, at: position)
        if route.pattern.isLiteral {
            literalRoutes[pattern, default: []].append(route)
            let length = pattern.utf8.count
            if literalPathLengths.count <= length { literalPathLengths += Array(repeating: false, count: length + 1 - literalPathLengths.count) }
            literalPathLengths[length] = true
        }
        // Start-up only: rebuilt whole, since an insertion shifts the indices after it. One pass
        // over integers (a key-path map and a filter per length made routing a fifth of start-up).
        let length = route.pattern.literalLengths.count
        if routesBySegmentCount.count <= length { routesBySegmentCount += Array(repeating: [], count: length + 1 - routesBySegmentCount.count) }
        for index in routesBySegmentCount.indices { routesBySegmentCount[index].removeAll(keepingCapacity: true) }
        for index in routes.indices { routesBySegmentCount[routes[index].pattern.literalLengths.count].append(index) }
        flatLiteralLengths.removeAll(keepingCapacity: true)
        lengthOffsets.removeAll(keepingCapacity: true)
        for route in routes {
            lengthOffsets.append(flatLiteralLengths.count)
            flatLiteralLengths.append(contentsOf: route.pattern.literalLengths)
        }
    }

    func match(method: String, path: String) -> Match {
        if mayEqualALiteralRoute(path), let candidates = literalRoutes[path] {
            for route in candidates where route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: RouteParameters())
            }
        }
        // On the path's bytes, with segment bounds on the stack: splitting into `Substring`s walked
        // `String.UTF8View` indices and cost a quarter of a 1Password page's routing (callgrind).
        var path = path
        return path.withUTF8 { bytes in
            let limit = routesBySegmentCount.count
            return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: max(limit, 1)) { bounds in
                // More segments than any pattern has: nothing can match.
                guard let count = PathPattern.segmentBounds(of: bytes, into: bounds), count < limit else { return .notFound }
                return match(method: method, bytes, UnsafeBufferPointer(rebasing: bounds[..<count]))
            }
        }
    }

    /// Whether `literalRoutes` needs asking about this path (see `literalPathLengths`).
    private func mayEqualALiteralRoute(_ path: String) -> Bool {
        let length = path.utf8.count
        if length < literalPathLengths.count, literalPathLengths[length] { return true }
        return path.utf8.withContiguousStorageIfAvailable { !$0.isASCII } ?? true
    }

    private func match(method: String, _ path: UnsafeBufferPointer<UInt8>, _ segments: UnsafeBufferPointer<Range<Int>>) -> Match {
        var allowed: [String] = []
        var owner: Target?
        for index in routesBySegmentCount[segments.count] where literalLengthsFit(route: index, segments) {
            // Matched in place: copying the route first retained its pattern, method and target
            // for each of the dozens of same-length patterns a 1Password path is compared with.
            guard routes[index].pattern.matches(path, segments) else { continue }
            // RFC 9110 §9.3.2: HEAD is answered wherever GET is.
            if routes[index].method == method || (method == "HEAD" && routes[index].method == "GET") {
                // Parameters are copied out for the one route that answers, not for each that matched.
                return .found(routes[index].target, parameters: routes[index].pattern.parameters(path, segments))
            }
            if !allowed.contains(routes[index].method) { allowed.append(routes[index].method) }
            if owner == nil { owner = routes[index].target }
        }
        guard let owner else { return .notFound }
        if allowed.contains("GET"), !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .methodNotAllowed(allowed, owner: owner)
    }

    /// Whether each literal segment of route `index` has the byte count of the path's segment there
    /// (the caller passes only routes with as many segments as the path).
    private func literalLengthsFit(route index: Int, _ segments: UnsafeBufferPointer<Range<Int>>) -> Bool {
        flatLiteralLengths.withUnsafeBufferPointer { lengths in
            let offset = lengthOffsets[index]
            for position in segments.indices where lengths[offset + position] >= 0 && lengths[offset + position] != segments[position].count {
                return false
            }
            return true
        }
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
    /// Each segment's bytes: the literal, or a parameter's suffix (empty for a plain `{name}`).
    private let segmentBytes: [[UInt8]]

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
        segmentBytes = segments.map { segment in
            switch segment {
            case .literal(let literal): Array(literal.utf8)
            case .parameter(_, let suffix): Array(suffix.utf8)
            }
        }
        parameterCount = segments.reduce(0) { count, segment in if case .parameter = segment { count + 1 } else { count } }
        specificity = segments.reduce(0) { total, segment in
            switch segment {
            case .literal: total + 4
            case .parameter(_, let suffix): total + (suffix.isEmpty ? 1 : 2)
            }
        }
    }

    var isLiteral: Bool { parameterCount == 0 }

    /// How many `{name}` segments the pattern has.
    let parameterCount: Int

    /// Orders overlapping patterns: each literal segment counts most, a suffixed parameter next.
    let specificity: Int

    /// The non-empty `/`-separated segments of a pattern's text (start-up only).
    static func segments(of path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// Writes the byte ranges of `path`'s non-empty `/`-separated segments into `bounds`; returns
    /// how many, or `nil` when there are more than `bounds` holds.
    static func segmentBounds(of path: UnsafeBufferPointer<UInt8>, into bounds: UnsafeMutableBufferPointer<Range<Int>>) -> Int? {
        var count = 0
        var start = 0
        // From slash to slash (`memchr`), not byte by byte.
        while start <= path.count {
            let end = path.index(of: UInt8(ascii: "/"), from: start) ?? path.count
            if end > start {
                guard count < bounds.count else { return nil }
                bounds[count] = start..<end
                count += 1
            }
            start = end + 1
        }
        return count
    }

    /// Whether the path's segments fit this pattern: literals byte for byte, and a `{name}:verb`
    /// segment ends in its suffix with something before it. The caller passes as many segments as
    /// the pattern has (routes are kept by segment count).
    func matches(_ path: UnsafeBufferPointer<UInt8>, _ bounds: UnsafeBufferPointer<Range<Int>>) -> Bool {
        guard bounds.count == segmentBytes.count else { return false }
        for index in bounds.indices {
            let range = bounds[index]
            let matched = segmentBytes[index].withUnsafeBufferPointer { expected in
                if literalLengths[index] >= 0 { return UnsafeBufferPointer(rebasing: path[range]).hasSameBytes(as: expected) }
                return expected.isEmpty || (range.count > expected.count
                    && UnsafeBufferPointer(rebasing: path[(range.upperBound - expected.count)..<range.upperBound]).hasSameBytes(as: expected))
            }
            if !matched { return false }
        }
        return true
    }

    /// The parameter values of a path that ``matches(_:_:)`` this pattern (suffixes dropped).
    func parameters(_ path: UnsafeBufferPointer<UInt8>, _ bounds: UnsafeBufferPointer<Range<Int>>) -> RouteParameters {
        var parameters = RouteParameters(reservingCapacity: parameterCount)
        for (index, segment) in segments.enumerated() {
            guard case .parameter(let name, _) = segment else { continue }
            let range = bounds[index]
            let value = UnsafeBufferPointer(rebasing: path[range.lowerBound..<(range.upperBound - segmentBytes[index].count)])
            parameters.appendNew(name: name, value: String(decoding: value, as: UTF8.self))
        }
        return parameters
    }
}
