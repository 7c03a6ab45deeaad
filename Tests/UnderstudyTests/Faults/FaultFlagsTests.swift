import HTTPCore
import Testing
@testable import Understudy

struct FaultFlagsTests {
    @Test func flags_areReadFromQueryAndStripped() throws {
        let request = HTTPRequest.make("/v1/organization/users?limit=2&__status=503&__delay=2s&%5F%5Ffault=slow&after=x")
        let extracted = try FaultFlags.extract(from: request)
        #expect(extracted.effect == FaultEffect(status: 503, delayMilliseconds: 2000, kind: .slow))
        #expect(extracted.stripped?.target == "/v1/organization/users?limit=2&after=x")
        #expect(extracted.stripped?.query.map(\.name) == ["limit", "after"])
        #expect(extracted.unknownFlags.isEmpty)
    }

    @Test func otherDoubleUnderscoreParameters_reachTheVendorWithAWarning() throws {
        let request = HTTPRequest.make("/v1/users?__stauts=503&maxResults=2&__vendor_param=1", headers: [("X-Understudy-Dealy", "2s")])
        let extracted = try FaultFlags.extract(from: request)
        #expect(extracted.effect.isEmpty)
        #expect(extracted.stripped == nil)  // nothing reserved to strip: the vendor sees every parameter
        #expect(extracted.unknownFlags == ["__stauts", "__vendor_param", "X-Understudy-Dealy"])
    }

    @Test func lookAlikeFlag_isAnsweredNormallyAndNamedInAWarningHeader() throws {
        let app = try makeApp()
        let key = FaultInjectionTests.openAIKey
        let plain = app.handle(.make("/v1/organization/users?limit=2", authorization: key))
        let typo = app.handle(.make("/v1/organization/users?limit=2&__stauts=503", authorization: key))
        #expect(typo.status == .ok)
        #expect(typo.body == plain.body)
        #expect(typo.headers["X-Understudy-Warning"]?.contains("__stauts") == true)
        #expect(typo.logMetadata["warning"]?.contains("__stauts") == true)
        #expect(plain.headers["X-Understudy-Warning"] == nil)
    }

    @Test func flags_areReadFromHeaders() throws {
        let request = HTTPRequest.make("/v1/users", headers: [("X-Understudy-Status", "429"), ("X-Understudy-Delay", "250ms"), ("X-Understudy-Fault", "reset")])
        let extracted = try FaultFlags.extract(from: request)
        #expect(extracted.effect == FaultEffect(status: 429, delayMilliseconds: 250, kind: .reset))
        #expect(extracted.stripped == nil)  // nothing to strip from the query: the vendor gets the request as it is
    }

    @Test(arguments: [("250", 250), ("250ms", 250), ("2s", 2000), ("0", 0)])
    func delay_acceptsMillisecondsAndSeconds(text: String, milliseconds: Int) throws {
        #expect(try FaultFlags.readDelay(text, flag: "__delay") == milliseconds)
    }

    @Test(arguments: [
        ("__status=200", "__status"), ("__status=abc", "__status"), ("__delay=soon", "__delay"),
        ("__delay=-5", "__delay"), ("__delay=601s", "__delay"), ("__fault=explode", "__fault"),
    ])
    func badFlag_namesTheFlag(query: String, flag: String) {
        #expect { try FaultFlags.extract(from: .make("/v1/users?\(query)")) } throws: { ($0 as? FaultFlags.InvalidFlag)?.flag == flag }
    }
}

struct FaultInjectionTests {
    static let openAIKey = "Bearer sk-admin-understudy-test"

    private func list(_ app: UnderstudyApp, _ query: String = "") -> HTTPResponse {
        app.handle(.make("/v1/organization/users\(query)", authorization: Self.openAIKey))
    }

    @Test func statusFlag_rendersTheVendorsEnvelope() throws {
        let app = try makeApp()
        let response = list(app, "?__status=500")
        #expect(response.status.code == 500)
        #expect(response.text == #"{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"#)
        #expect(response.logMetadata["fault"] == "status=500")
        let throttled = list(app, "?__status=429")
        #expect(throttled.headers["x-ratelimit-remaining-requests"] == "0")
    }

    @Test func badFlag_isUnderstudysOwn400() throws {
        let response = list(try makeApp(), "?__status=299")
        #expect(response.status == .badRequest)
        #expect(response.text == #"{"error":"Bad Request","message":"invalid value '299' for __status: expected an HTTP error status from 400 to 599 (e.g. 429, 503)","understudy":true}"#)
    }

    @Test func flagsNeverTripVendorValidation() throws {
        let app = try makeApp()
        #expect(list(app, "?limit=3&__delay=10").status == .ok)
        #expect(list(app, "?limit=3&__delay=10").delayMilliseconds == 10)
        #expect(list(app, "?limit=3&__delay=10").body == list(app, "?limit=3").body)
    }

    @Test func malformedFault_isA200ThatIsNotJSON() throws {
        let response = list(try makeApp(), "?__fault=malformed")
        #expect(response.status == .ok)
        #expect((try? JSONValue.parse(response.body)) == nil)
    }

    @Test func armedRule_firesExactlyTimesAfterSkipping() throws {
        let app = try makeApp()
        let rule = try FaultRule.read(try JSONValue.parse(#"{"vendor":"openai","status":429,"times":2,"after":1}"#), knownVendors: ["openai"])
        let id = app.faults.arm(rule)
        let statuses = (0..<5).map { _ in list(app).status.code }
        #expect(statuses == [200, 429, 429, 200, 200])
        #expect(app.faults.firedCount(id: id) == 2)
        // Another vendor's path does not match.
        #expect(app.handle(.make("/v1/users?maxResults=1", authorization: "openphone-test-key")).status.code != 429)
    }

    @Test func seededProbability_replaysExactlyAcrossServers() throws {
        func run() throws -> [Int] {
            let app = try makeApp()
            app.faults.arm(try FaultRule.read(try JSONValue.parse(#"{"status":503,"probability":0.5,"seed":42}"#), knownVendors: []))
            return (0..<40).map { _ in list(app).status.code }
        }
        let first = try run()
        #expect(first == (try run()))
        #expect(first.contains(503) && first.contains(200))
    }

    @Test func adminFaultRoutes_armListAndRemove() throws {
        let app = try makeApp()
        let created = app.handle(HTTPRequest(method: "POST", target: "/__admin/faults", headers: ["Host": "x"],
                                             body: Array(#"{"vendor":"openai","status":503,"times":1}"#.utf8)))
        #expect(created.status == .created)
        #expect(created.text == #"{"id":"fault_1"}"#)
        _ = list(app)
        let listing = app.handle(.make("/__admin/faults"))
        #expect(listing.text == #"{"faults":[{"id":"fault_1","vendor":"openai","path":null,"method":null,"status":503,"fault":null,"delayMs":0,"times":1,"after":0,"probability":1.0,"seed":1,"matched":1,"fired":1}]}"#)
        #expect(app.handle(.make("/__admin/faults/fault_1", method: "DELETE")).status == .noContent)
        #expect(app.handle(.make("/__admin/faults/fault_1", method: "DELETE")).status == .notFound)
    }

    @Test(arguments: [
        (#"{"vendor":"nope","status":500}"#, "vendor: unknown vendor 'nope'"),
        (#"{"status":200}"#, "status: expected an integer from 400 to 599"),
        (#"{"fault":"explode"}"#, "fault: expected one of"),
        (#"{"status":500,"probability":2}"#, "probability: expected a number from 0 to 1"),
        (#"{"status":500,"colour":"red"}"#, "colour: unknown field"),
        (#"{"times":3}"#, "status: a rule needs an effect"),
        (#"not json"#, "body: invalid JSON"),
    ])
    func badRule_is400NamingTheField(body: String, message: String) throws {
        let response = try makeApp().handle(HTTPRequest(method: "POST", target: "/__admin/faults", headers: ["Host": "x"], body: Array(body.utf8)))
        #expect(response.status == .badRequest)
        #expect(response.text.contains(message))
    }
}

struct FaultRuleMethodTests {
    @Test func ruleWithAMethod_firesOnlyForThatMethod() throws {
        let app = try makeApp()
        let key = FaultInjectionTests.openAIKey
        app.faults.arm(FaultRule(vendor: "openai", method: "POST", effect: FaultEffect(status: 503)))
        #expect(app.handle(.make("/v1/organization/users", authorization: key)).status == .ok)
        app.faults.arm(FaultRule(vendor: "openai", method: "GET", effect: FaultEffect(status: 502)))
        #expect(app.handle(.make("/v1/organization/users", authorization: key)).status.code == 502)
    }

    @Test func methodField_isReadUppercasedAndValidated() throws {
        let rule = try FaultRule.read(try JSONValue.parse(#"{"method":"delete","status":500}"#), knownVendors: [])
        #expect(rule.method == "DELETE")
        #expect(throws: FaultRule.Invalid.self) { try FaultRule.read(try JSONValue.parse(#"{"method":"GE T","status":500}"#), knownVendors: []) }
    }
}
