import Testing
@testable import HTTPCore

/// The encoder measures a head, then writes it in one block: every head must be exactly what
/// writing it piece by piece gives.
struct HTTPEncoderTests {
    /// The head written the plain way, as RFC 9112 §4 lays it out (the `Date` line taken from the encoder's).
    func reference(_ response: HTTPResponse, bodyLength: Int?, keepAlive: Bool, version: HTTPVersion, date: String) -> String {
        var head = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\nDate: \(date)\r\n"
        for field in response.headers { head += "\(field.name): \(field.value)\r\n" }
        if let bodyLength, response.status.code >= 200, response.status.code != 204 { head += "Content-Length: \(bodyLength)\r\n" }
        if !keepAlive { head += "Connection: close\r\n" } else if version == .http10 { head += "Connection: keep-alive\r\n" }
        return head + "\r\n"
    }

    @Test(arguments: [100, 200, 204, 304, 404, 429, 500, 599, 999, 1000])
    func head_isWhatWritingItPieceByPieceGives(code: Int) {
        let headers = HTTPHeaders([
            ("x-request-id", "req_0123456789abcdef0123456789abcdef"), ("X-Ünïcode", "välue ✓"), ("Empty", ""),
            (String(repeating: "Long-Name-", count: 40), String(repeating: "v", count: 3000)),
        ])
        let cases: [(HTTPResponse, Int?)] = [
            (HTTPResponse(status: HTTPStatus(code: code)), 0),
            (HTTPResponse(status: HTTPStatus(code: code), contentType: nil), nil),
            (HTTPResponse(status: HTTPStatus(code: code, reasonPhrase: "Custom Phrase"), headers: headers, text: "body"), 4),
            (HTTPResponse(status: HTTPStatus(code: code, reasonPhrase: ""), headers: headers), 1_234_567_890_123),
            (HTTPResponse(status: HTTPStatus(code: code)), 9),
            (HTTPResponse(status: HTTPStatus(code: code)), 10),
        ]
        for (response, bodyLength) in cases {
            for (keepAlive, version) in [(true, HTTPVersion.http11), (false, .http11), (true, .http10), (false, .http10)] {
                var encoder = HTTPEncoder()
                var bytes: [UInt8] = Array("earlier output".utf8)
                // Read before and after: the second may turn while the head is written.
                let before = String(decoding: encoder.currentDate(), as: UTF8.self)
                encoder.appendHead(response, bodyLength: bodyLength, into: &bytes, keepAlive: keepAlive, requestVersion: version)
                let written = String(decoding: bytes.dropFirst(14), as: UTF8.self)
                #expect(bytes.prefix(14).elementsEqual("earlier output".utf8))
                let after = String(decoding: encoder.currentDate(), as: UTF8.self)
                #expect([before, after].contains { date in
                    written == reference(response, bodyLength: bodyLength, keepAlive: keepAlive, version: version, date: date)
                })
            }
        }
    }

    @Test(arguments: [0, 1, 9, 10, 99, 100, 12345, Int.max])
    func decimalDigits_countWhatDescriptionWrites(value: Int) {
        #expect(HeadWriter.decimalDigits(value) == String(value).count)
    }
}
