import Testing
@testable import Understudy

/// `int` writes its digits itself; it must write exactly what `String(value)` spells.
struct JSONWriterIntTests {
    @Test(arguments: [0, 1, -1, 9, 10, -10, 99, 100, 12_345, -987_654_321, 1_000_000, Int(Int32.max), Int(Int32.min),
                      Int.max, Int.min, Int.max - 1, Int.min + 1])
    func int_spellsTheNumberAsStringDoes(value: Int) {
        var writer = JSONWriter()
        writer.raw("[")
        writer.int(value)
        writer.raw("]")
        #expect(writer.bytes == Array("[\(value)]".utf8))
    }
}
