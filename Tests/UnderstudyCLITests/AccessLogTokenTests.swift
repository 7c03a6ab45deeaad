import HTTPCore
import Testing
@testable import UnderstudyCLI

/// The dashboard sends the admin token as `?token=` (EventSource cannot send headers): never log it.
struct AccessLogTokenTests {
    static func exchange(_ target: String) -> HTTPExchange {
        HTTPExchange(connectionID: 1, request: HTTPRequest(target: target, headers: ["Host": "x"]),
                     status: .ok, delivery: .normal, durationNanoseconds: 1, metadata: [:])
    }

    @Test func tokenQueryValue_isMaskedInBothFormats() {
        let exchange = Self.exchange("/__admin/events?session=*&token=s3cret&x=1")
        for line in [AccessLog.textLine(exchange), AccessLog.jsonLine(exchange)] {
            #expect(!line.contains("s3cret"))
            #expect(line.contains("/__admin/events?session=*&token=***&x=1"))
        }
    }

    @Test func otherParameters_areUntouched() {
        let target = "/v1/users?page_token=abc&pageToken=def"
        #expect(AccessLog.textLine(Self.exchange(target)).contains(target))
    }
}
