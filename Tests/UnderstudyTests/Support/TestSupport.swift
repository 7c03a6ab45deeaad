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
