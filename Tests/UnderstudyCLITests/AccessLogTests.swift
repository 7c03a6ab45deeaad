import HTTPCore
import Testing
@testable import UnderstudyCLI

struct AccessLogTests {
    @Test func jsonLine_carriesFixedKeysAndMetadata() {
        let exchange = HTTPExchange(
            connectionID: 7, request: HTTPRequest(target: "/v1/users?maxResults=1", headers: ["Host": "x"]),
            status: .unauthorized, delivery: .normal, durationNanoseconds: 1_234_567, metadata: ["vendor": "openphone"]
        )
        let line = AccessLog.jsonLine(exchange)
        #expect(line.contains(#""request.method":"GET","request.path":"/v1/users?maxResults=1","response.status":401,"durationMs":1.23,"connection.id":7"#))
        #expect(line.hasSuffix(#","vendor":"openphone"}"# + "\n"))
    }

    @Test func textLine_isReadableAtAGlance() {
        let exchange = HTTPExchange(
            connectionID: 1, request: HTTPRequest(target: "/x", headers: ["Host": "x"]),
            status: .ok, delivery: .normal, durationNanoseconds: 50_000, metadata: [:]
        )
        #expect(AccessLog.textLine(exchange).hasSuffix(" GET /x 200 0.05ms\n"))
    }
}
