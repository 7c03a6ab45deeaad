import Testing
@testable import Understudy

struct JSONValueTests {
    @Test func parse_keepsKeyOrderAndRoundTripsCompactly() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"\u00e9\n"],"c":{"z":-1.5e3,"y":{}}}"#
        let value = try JSONValue.parse(text)
        #expect(value.objectValue?.map(\.0) == ["b", "a", "c"])
        #expect(String(decoding: value.compactBytes, as: UTF8.self) == #"{"b":1,"a":[true,false,null,"x\"é\n"],"c":{"z":-1.5e3,"y":{}}}"#)
        #expect(try JSONValue.parse(value.prettyText) == value)
    }

    @Test(arguments: ["", "{", "[1,]", #"{"a" 1}"#, "01", "1.", "tru", #""\x""#, #""\ud800""#, "[1] 2", String(repeating: "[", count: 300)])
    func invalidJSON_isAnErrorWithAnOffset(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func randomBytes_neverCrashTheParser() {
        var state: UInt64 = 7
        let alphabet = Array(#"{}[],:"\ 0123456789.-+eEtruefalsn\u"#.utf8)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<(Int(state % 40) + 1) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            _ = try? JSONValue.parse(bytes)
        }
    }
}
