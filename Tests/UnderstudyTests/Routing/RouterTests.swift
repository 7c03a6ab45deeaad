import Testing
@testable import Understudy

struct RouterTests {
    private func router() -> Router<String> {
        var router = Router<String>()
        router.add("GET", "/v1/accounts/{account}/users/{user}", "get")
        router.add("POST", "/v1/accounts/{account}/users/{user}:suspend", "suspend")
        router.add("POST", "/v1/accounts/{account}/users/{user}:reactivate", "reactivate")
        router.add("GET", "/members/{id}", "member")
        router.add("GET", "/members/current", "current")
        router.add("GET", "/org/users", "list")
        router.add("DELETE", "/org/users", "remove")
        return router
    }

    private func target(_ method: String, _ path: String) -> (String, RouteParameters)? {
        if case .found(let target, let parameters) = router().match(method: method, path: path) { return (target, parameters) }
        return nil
    }

    @Test func customMethodSuffix_winsOverThePlainParameterAndYieldsTheBareValue() {
        #expect(target("POST", "/v1/accounts/A1/users/U2:suspend")?.0 == "suspend")
        #expect(target("POST", "/v1/accounts/A1/users/U2:suspend")?.1 == ["account": "A1", "user": "U2"])
        #expect(target("POST", "/v1/accounts/A1/users/U2:reactivate")?.0 == "reactivate")
        #expect(target("GET", "/v1/accounts/A1/users/U2")?.1 == ["account": "A1", "user": "U2"])
    }

    /// Literal routes are found by `String` equality, which is canonical equivalence: a path of
    /// another byte length can still equal one (U+037E is `;`, U+212A is `K`), so the length check
    /// that skips the lookup applies to ASCII paths only.
    @Test func literalRoutes_matchCanonicallyEquivalentPathsOfOtherLengths() {
        var router = Router<String>()
        router.add("GET", "/a;b/K", "literal")
        router.add("GET", "/x/{id}", "parameter")
        func found(_ path: String) -> String? {
            if case .found(let target, _) = router.match(method: "GET", path: path) { return target }
            return nil
        }
        #expect(found("/a;b/K") == "literal")
        #expect(found("/a\u{037E}b/\u{212A}") == "literal")
        #expect(found("/a;b/k") == nil)
        #expect(found("/a;b/KK") == nil)
        #expect(found("/x/\u{212A}") == "parameter")
        #expect(found("//a;b/K/") == "literal")  // by segments: empty ones are not segments
    }

    @Test func suffixAlone_isNotAValue() {
        // `:suspend` with an empty user id matches no custom method; only GET exists for the plain form.
        guard case .methodNotAllowed(let allowed, _) = router().match(method: "POST", path: "/v1/accounts/A1/users/:suspend") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "HEAD"])
    }

    @Test func literalSegment_winsOverAParameterWhateverTheOrderAdded() {
        #expect(target("GET", "/members/current")?.0 == "current")
        #expect(target("GET", "/members/M1")?.1 == ["id": "M1"])
    }

    @Test func sameLiteralPath_isMatchedByMethod() {
        #expect(target("GET", "/org/users")?.0 == "list")
        #expect(target("DELETE", "/org/users")?.0 == "remove")
        #expect(target("HEAD", "/org/users")?.0 == "list")
        guard case .methodNotAllowed(let allowed, let owner) = router().match(method: "PUT", path: "/org/users") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "DELETE", "HEAD"])
        #expect(owner == "list")
    }

    @Test(arguments: [
        ("/a/b", "/a/b"), ("//a//b/", "/a/b"), ("/a/./b", "/a/b"), ("/x/../a/b", "/a/b"), ("/../a", "/a"),
        ("//__admin/vendors", "/__admin/vendors"), ("/", "/"), ("", "/"), ("/a/.hidden", "/a/.hidden"),
    ])
    func normalizedPath_dropsEmptyAndDotSegments(path: String, expected: String) {
        #expect(UnderstudyApp.normalizedPath(path) == expected)
    }

    /// The byte check that lets a normal path through unchanged agrees on contiguous and copied
    /// bytes, and lets through only paths the full normalisation keeps (up to a trailing `/`,
    /// which routing ignores).
    @Test(arguments: ["/v1/organization/users", "//v1/./x", "/v1/%2F/x", "/a/.hidden", "/a/b/", "/", "", "v1/x",
                      "/.", "/..", "/a//", "/a/..b", "/a.b/c.", "/x/../a", "/é/ü"])
    func alreadyNormalPaths_areTheOnesNormalisationKeeps(path: String) {
        var contiguous = path
        let onBytes = contiguous.withUTF8 { UnderstudyApp.isAlreadyNormal($0) }
        #expect(onBytes == Array(path.utf8).withUnsafeBufferPointer(UnderstudyApp.isAlreadyNormal))
        #expect((UnderstudyApp.normalizedPathIfChanged(path) == nil) == onBytes)
        if onBytes {
            let full = "/" + path.split(separator: "/").joined(separator: "/")
            #expect(full == path || full + "/" == path)
        }
    }

    @Test func pathsLongerThanEveryPattern_andEmptySegments() {
        #expect(target("GET", "/org//users/")?.0 == "list")  // empty segments are not segments
        guard case .notFound = router().match(method: "GET", path: "/v1/accounts/A/users/U/extra/more") else {
            Issue.record("expected 404")
            return
        }
        guard case .notFound = router().match(method: "GET", path: "") else {
            Issue.record("expected 404")
            return
        }
    }

    /// Against a plain reference matcher (split, compare strings, most specific first): every path
    /// built from the patterns' own pieces, edited ones, and every method get the same answer.
    @Test func matchesWhatAStringReferenceMatcherFinds() {
        let routes: [(String, String)] = [
            ("GET", "/v1/accounts/{account}/users/{user}"), ("POST", "/v1/accounts/{account}/users/{user}:suspend"),
            ("DELETE", "/v1/accounts/{account}/users/{user}"), ("GET", "/members/{id}"), ("GET", "/members/current"),
            ("GET", "/org/users"), ("DELETE", "/org/users"), ("PATCH", "/org/users/{id}"), ("GET", "/{a}/{b}:x"),
        ]
        var router = Router<Int>()
        for (index, route) in routes.enumerated() { router.add(route.0, route.1, index) }
        func reference(_ method: String, _ path: String) -> (Int, RouteParameters)? {
            let parts = path.split(separator: "/").map(String.init)
            let ordered = routes.enumerated().sorted { PathPattern($0.element.1).specificity > PathPattern($1.element.1).specificity }
            for (index, route) in ordered where route.0 == method || (method == "HEAD" && route.0 == "GET") {
                let pattern = route.1.split(separator: "/").map(String.init)
                guard pattern.count == parts.count else { continue }
                var values: RouteParameters = [:]
                var fits = true
                for (piece, part) in zip(pattern, parts) {
                    if piece.hasPrefix("{"), let close = piece.firstIndex(of: "}") {
                        let suffix = String(piece[piece.index(after: close)...])
                        guard part.count > suffix.count, part.hasSuffix(suffix) else { fits = false; break }
                        values[String(piece[piece.index(after: piece.startIndex)..<close])] = String(part.dropLast(suffix.count))
                    } else if piece != part { fits = false; break }
                }
                if fits { return (index, values) }
            }
            return nil
        }
        let pieces = ["v1", "accounts", "A1", "users", "U2", "U2:suspend", ":suspend", "members", "current", "org", "x:x", ":x", "é"]
        var paths: [String] = ["/"]
        for first in pieces {
            paths.append("/\(first)")
            for second in pieces {
                paths.append("/\(first)/\(second)")
                for third in ["users", "U2:suspend", "current"] { paths.append("/v1/\(first)/\(second)/\(third)") }
            }
        }
        paths += ["/v1/accounts/A1/users/U2", "/v1/accounts/A1/users/U2:suspend", "/v1/accounts/A1/users/:suspend"]
        for path in paths {
            for method in ["GET", "HEAD", "POST", "DELETE", "PATCH"] {
                let found: (Int, RouteParameters)? = if case .found(let target, let parameters) = router.match(method: method, path: path) {
                    (target, parameters)
                } else {
                    nil
                }
                let expected = reference(method, path)
                #expect(found?.0 == expected?.0 && found?.1 == expected?.1, "\(method) \(path)")
            }
        }
    }
}
