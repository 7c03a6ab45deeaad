import Testing
@testable import HTTPCore

struct ConnectionTableTests {
    static func connection(_ fd: Int32) -> HTTPConnection { HTTPConnection(fd: fd, id: UInt64(fd), limits: HTTPLimits(), now: 0) }

    @Test func countsSetsReplacementsAndRemovals() {
        var table = ConnectionTable()
        #expect(table.isEmpty)
        let a = Self.connection(5), b = Self.connection(5), c = Self.connection(900)
        table[5] = a
        table[900] = c
        #expect(table.count == 2)
        #expect(table[5] === a && table[900] === c)
        table[5] = b  // a reused descriptor replaces, it does not add
        #expect(table.count == 2 && table[5] === b)
        table[5] = nil
        table[5] = nil  // removing twice is harmless
        table[4000] = nil  // past the end: nothing to remove, nothing grows
        #expect(table.count == 1)
        #expect(table[5] == nil && table[4000] == nil && table[-1] == nil)
        #expect(table.values.map(\.fd) == [900])
    }

    @Test func valuesIsASnapshotThatSurvivesClosesDuringTheWalk() {
        var table = ConnectionTable()
        for fd in Int32(3)..<Int32(40) { table[fd] = Self.connection(fd) }
        var seen: [Int32] = []
        for connection in table.values {
            seen.append(connection.fd)
            table[connection.fd] = nil
            table[connection.fd + 100] = Self.connection(connection.fd + 100)  // growth mid-walk too
        }
        #expect(seen == Array(3..<40))
        #expect(table.count == 37)
        #expect(table.values.map(\.fd) == Array(103..<140))
    }
}
