import HTTPCore
import Testing
@testable import Understudy

extension HTTPRequest {
    /// A GET with an optional `Authorization` header, as a client would send it.
    static func make(_ target: String, authorization: String? = nil, method: String = "GET", headers: [(String, String)] = []) -> HTTPRequest {
        var fields: HTTPHeaders = ["Host": "127.0.0.1"]
        if let authorization { fields.add(name: "Authorization", value: authorization) }
        for (name, value) in headers { fields.add(name: name, value: value) }
        return HTTPRequest(method: method, target: target, headers: fields)
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> JSONValue { try JSONValue.parse(body) }
}

/// Seed users of a vendor as the embedded seed file lists them (id order = list order).
func seededIDs(_ app: UnderstudyApp, _ vendor: String) -> [String] {
    app.seed(for: vendor)!.users.map(\.id)
}

/// Compact JSON of a seed user, the exact bytes a page must contain.
func seededJSON(_ app: UnderstudyApp, _ vendor: String) -> [String] {
    app.seed(for: vendor)!.users.map { String(decoding: $0.json, as: UTF8.self) }
}

/// A fresh app per test, so store mutations never leak between tests.
func makeApp() throws -> UnderstudyApp { try UnderstudyApp() }

import TestSupport

/// One request over a fresh real connection to `server`; `request` is `"/path"` or `"METHOD /path"`.
func send(
    _ server: UnderstudyServer, _ request: String, headers: [(String, String)] = [], body: String? = nil
) throws -> RawClient.Response {
    let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
    let (method, target) = parts.count == 2 ? (parts[0], parts[1]) : ("GET", request)
    let client = try RawClient(port: server.port)
    var text = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    if let body { text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { text += "\r\n" }
    try client.send(text)
    return try client.readResponse(isHead: method == "HEAD")
}
