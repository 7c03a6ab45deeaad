import HTTPCore
import Testing
@testable import Understudy

/// The journal shares byte-identical parts of consecutive entries (a client polling a page), so
/// the new copies are freed at once; what it shows must not change.
@Suite struct RequestJournalTests {
    private func exchange(_ target: String, body: String, authorization: String = "Bearer k") -> HTTPExchange {
        var exchange = HTTPExchange(connectionID: 1, request: .make(target, authorization: authorization), status: .ok,
                                    delivery: .normal, durationNanoseconds: 1, metadata: ["vendor": "openai"])
        exchange.responseBody = Array(body.utf8)
        return exchange
    }

    private func address(_ bytes: [UInt8]) -> UnsafeRawPointer? {
        bytes.withUnsafeBytes { $0.baseAddress.map(UnsafeRawPointer.init) }
    }

    @Test func repeatedResponseBody_isKeptOnce_andShownForBothEntries() throws {
        let journal = RequestJournal()
        journal.append(exchange("/v1/organization/users?limit=10", body: #"{"data":[1,2]}"#))
        journal.append(exchange("/v1/organization/users?limit=10", body: #"{"data":[1,2]}"#))
        let entries = journal.entries()
        try #require(entries.count == 2)
        #expect(address(entries[0].exchange.responseBody) == address(entries[1].exchange.responseBody))
        #expect(entries[1].exchange.request?.headers == entries[0].exchange.request?.headers)
        let rendered = entries.map { RequestJournal.render($0)["responseBody"] }
        #expect(rendered[0] == rendered[1])
        #expect(rendered[1]?.stringValue == #"{"data":[1,2]}"#)
    }

    @Test func differentBodiesAndRequests_areKeptAsTheyCame() throws {
        let journal = RequestJournal()
        journal.append(exchange("/a?limit=1", body: #"{"n":1}"#))
        journal.append(exchange("/b?limit=2", body: #"{"n":2}"#, authorization: "Bearer other"))
        let entries = journal.entries()
        try #require(entries.count == 2)
        #expect(address(entries[0].exchange.responseBody) != address(entries[1].exchange.responseBody))
        let second = RequestJournal.render(entries[1])
        #expect(second["responseBody"]?.stringValue == #"{"n":2}"#)
        #expect(second["path"]?.stringValue == "/b")
        #expect(second["query"] == .object([("limit", .string("2"))]))
        #expect(entries[1].exchange.request?.headers["Authorization"] == "Bearer other")
    }

    @Test func sharedBody_isNotChangedByTheNextEntrysTruncation() throws {
        let journal = RequestJournal()
        let long = String(repeating: "a", count: RequestJournal.bodyCap + 10)
        journal.append(exchange("/x", body: #"{"short":true}"#))
        journal.append(exchange("/x", body: long))
        journal.append(exchange("/x", body: #"{"short":true}"#))
        let bodies = journal.entries().map { RequestJournal.render($0)["responseBody"]?.stringValue?.utf8.count }
        #expect(bodies == [14, RequestJournal.bodyCap, 14])
    }

    /// `==` on strings is canonical equivalence ("é" equals "e" + U+0301), so sharing on `==` would
    /// show the previous request's bytes for a path, query value or header the client spelled otherwise.
    @Test func canonicallyEquivalentButDifferentBytes_areNotShared() throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)  // what makes `==` the wrong test for sharing
        let journal = RequestJournal()
        journal.append(exchange("/\(composed)?q=\(composed)", body: "{}", authorization: "Bearer \(composed)"))
        journal.append(exchange("/\(decomposed)?q=\(decomposed)", body: "{}", authorization: "Bearer \(decomposed)"))
        let second = RequestJournal.render(try #require(journal.entries().last))
        let bytes = { (value: JSONValue?) in value?.stringValue.map { Array($0.utf8) } }
        #expect(bytes(second["path"]) == Array("/\(decomposed)".utf8))
        #expect(bytes(second["query"]?["q"]) == Array(decomposed.utf8))
        let request = try #require(journal.entries().last?.exchange.request)
        #expect(request.headers["Authorization"].map { Array($0.utf8) } == Array("Bearer \(decomposed)".utf8))
        #expect(Array(request.target.utf8) == Array("/\(decomposed)?q=\(decomposed)".utf8))
    }
}
