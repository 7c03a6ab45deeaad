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

    private func target(_ method: String, _ path: String) -> (String, [String: String])? {
        if case .found(let target, let parameters) = router().match(method: method, path: path) { return (target, parameters) }
        return nil
    }

    @Test func customMethodSuffix_winsOverThePlainParameterAndYieldsTheBareValue() {
        #expect(target("POST", "/v1/accounts/A1/users/U2:suspend")?.0 == "suspend")
        #expect(target("POST", "/v1/accounts/A1/users/U2:suspend")?.1 == ["account": "A1", "user": "U2"])
        #expect(target("POST", "/v1/accounts/A1/users/U2:reactivate")?.0 == "reactivate")
        #expect(target("GET", "/v1/accounts/A1/users/U2")?.1 == ["account": "A1", "user": "U2"])
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
}
