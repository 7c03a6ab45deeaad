import Testing
@testable import Understudy

struct RouteParametersTests {
    @Test func lookup_findsEachNameAndNothingElse() {
        let parameters: RouteParameters = ["account_id": "A1", "user": "U2"]
        #expect(parameters["account_id"] == "A1")
        #expect(parameters["user"] == "U2")
        #expect(parameters["users"] == nil)
        #expect(parameters.count == 2)
        #expect(RouteParameters().isEmpty)
    }

    @Test func setting_replacesInPlaceAndNilRemoves() {
        var parameters: RouteParameters = ["id": "1"]
        parameters["id"] = "2"
        #expect(parameters["id"] == "2")
        #expect(parameters.count == 1)
        parameters["vendor"] = "openai"
        parameters["id"] = nil
        #expect(parameters["id"] == nil)
        #expect(parameters == ["vendor": "openai"])
    }

    /// Equality is a dictionary's: order does not matter, every value does.
    @Test func equality_ignoresOrderButNotValuesOrExtraNames() {
        let ordered: RouteParameters = ["a": "1", "b": "2"]
        #expect(ordered == ["b": "2", "a": "1"])
        #expect(ordered != ["a": "1", "b": "3"])
        #expect(ordered != ["a": "1"])
        #expect(ordered != ["a": "1", "b": "2", "c": "3"])
    }

    @Test func aRoutePattern_yieldsItsParametersInPatternOrder() {
        var router = Router<String>()
        router.add("GET", "/v1/accounts/{account_id}/users/{user}:suspend", "suspend")
        guard case .found(_, let parameters) = router.match(method: "GET", path: "/v1/accounts/ACC/users/U9:suspend") else {
            Issue.record("expected a match")
            return
        }
        #expect(parameters == ["account_id": "ACC", "user": "U9"])
    }
}
