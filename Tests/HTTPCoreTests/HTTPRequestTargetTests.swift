import Testing
@testable import HTTPCore

/// The decoder builds a request's path and query from the target bytes; they must match what the
/// public `String` initializer derives from the same target.
struct HTTPRequestTargetTests {
    @Test(arguments: [
        "/", "*", "/v1/organization/users", "/v1/organization/users?limit=10", "/a%20b", "/a%20b?c=d%20e",
        "/p?", "/p??x", "/%zz?q=a+b%2B&&=v&k", "/a+b", "/a?b=1&b=2&c", "/%C3%A9?%C3%A9=%FF",
    ])
    func targetBytes_giveTheSameRequestAsTheTargetString(target: String) {
        let fromString = HTTPRequest(method: "GET", target: target, headers: ["Host": "x"])
        let fromBytes = Array(target.utf8).withUnsafeBufferPointer {
            HTTPRequest(method: "GET", targetBytes: $0, version: .http11, headers: ["Host": "x"])
        }
        #expect(fromBytes.target == fromString.target)
        #expect(fromBytes.path == fromString.path)
        #expect(fromBytes.rawQuery == fromString.rawQuery)
        #expect(fromBytes.query == fromString.query)
        #expect(fromBytes.headers == fromString.headers)
        #expect(fromBytes.body.isEmpty)
    }

    @Test func decodedRequest_splitsPathAndQueryLikeTheTargetString() throws {
        let requests = try HTTPDecoder.decodeAll(
            "GET /a%20b?x=1+2&y HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET http://h/c?d=%41 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "GET HTTP://h?e HTTP/1.1\r\nHost: h\r\n\r\n"
            + "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"
        )
        #expect(requests.map(\.target) == ["/a%20b?x=1+2&y", "/c?d=%41", "/?e", "*"])
        for request in requests {
            let expected = HTTPRequest(method: request.method, target: request.target)
            #expect(request.path == expected.path)
            #expect(request.rawQuery == expected.rawQuery)
            #expect(request.query == expected.query)
        }
    }
}

/// `lastQueryValue` finds from the end what `queryValues(_:).last` finds by building every value.
struct HTTPRequestLastQueryValueTests {
    @Test(arguments: ["/p", "/p?", "/p?a=1", "/p?a=1&a=2&b=3", "/p?a=1&b=2&a=", "/p?a&a=x", "/p?b=1", "/p?%61=enc&a=plain", "/p?a+b=1&a%20b=2"])
    func lastQueryValue_isTheLastOfEveryValue(target: String) {
        let request = HTTPRequest(target: target)
        for name in ["a", "b", "c", "", "a b"] {
            #expect(request.lastQueryValue(name) == request.queryValues(name).last)
        }
    }
}
