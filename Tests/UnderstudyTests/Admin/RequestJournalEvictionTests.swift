import HTTPCore
import Testing
@testable import Understudy

/// The journal's two bounds (entries and bytes) evict the oldest entries first, and what is
/// left, counted and charged is exact however often the storage has wrapped around.
@Suite struct RequestJournalEvictionTests {
    /// An exchange whose cost is exactly the entry overhead plus its response body (no request,
    /// no response headers), so the expected byte totals are simple sums.
    private func exchange(responseBytes: Int) -> HTTPExchange {
        var exchange = HTTPExchange(connectionID: 1, request: nil, status: .badRequest, delivery: .normal,
                                    durationNanoseconds: 1, metadata: [:])
        exchange.responseBody = [UInt8](repeating: UInt8(ascii: "x"), count: responseBytes)
        return exchange
    }

    private func ids(_ journal: RequestJournal) -> [UInt64] { journal.entries().map(\.id) }

    @Test func evictionByCount_keepsTheNewest_andCountsOnlyThem() {
        let journal = RequestJournal(capacity: 100)
        for _ in 0..<250 { journal.append(exchange(responseBytes: 1)) }
        #expect(journal.count == 100)
        #expect(ids(journal) == Array(151...250))
        #expect(journal.storedBytes == 100 * (RequestJournal.entryOverhead + 1))
    }

    @Test func evictionByBytes_dropsExactlyWhatNoLongerFits() {
        let cost = RequestJournal.entryOverhead + 100
        // Room for three entries and a bit, not four.
        let journal = RequestJournal(capacity: 1000, byteLimit: 3 * cost + 50)
        for _ in 0..<10 { journal.append(exchange(responseBytes: 100)) }
        #expect(ids(journal) == [8, 9, 10])
        #expect(journal.storedBytes == 3 * cost)
        // A larger entry pushes out as many old ones as its size needs, and no more.
        journal.append(exchange(responseBytes: 100 + cost))
        #expect(ids(journal) == [10, 11])
        #expect(journal.storedBytes == cost + (cost + cost))
    }

    @Test func entryLargerThanTheByteLimit_isStillKept_alone() {
        let journal = RequestJournal(capacity: 10, byteLimit: 1000)
        journal.append(exchange(responseBytes: 10))
        journal.append(exchange(responseBytes: 5000))
        #expect(ids(journal) == [2])
        #expect(journal.storedBytes == RequestJournal.entryOverhead + 5000)
        journal.append(exchange(responseBytes: 10))
        #expect(ids(journal) == [3])
    }

    @Test func clear_emptiesTheJournal_andIDsKeepCounting() {
        let journal = RequestJournal(capacity: 3)
        for _ in 0..<5 { journal.append(exchange(responseBytes: 1)) }
        journal.clear()
        #expect(journal.count == 0)
        #expect(journal.storedBytes == 0)
        journal.append(exchange(responseBytes: 1))
        #expect(ids(journal) == [6])
    }

    @Test func capacityOfOne_keepsOnlyTheNewest() {
        let journal = RequestJournal(capacity: 1)
        for size in [3, 3, 7] { journal.append(exchange(responseBytes: size)) }
        #expect(ids(journal) == [3])
        #expect(journal.entries().first?.exchange.responseBody.count == 7)
        #expect(journal.storedBytes == RequestJournal.entryOverhead + 7)
    }

    /// Both bounds at once over many wraps of the storage, against a plain array doing the same
    /// bookkeeping: the same entries, in the same order, charged the same bytes.
    @Test func bothBounds_overManyWraps_matchAPlainModel() {
        let capacity = 7, byteLimit = 6 * (RequestJournal.entryOverhead + 60)
        let journal = RequestJournal(capacity: capacity, byteLimit: byteLimit)
        var model: [(id: UInt64, cost: Int)] = []
        for id in UInt64(1)...300 {
            let size = Int(id * 37 % 120)  // sizes vary, so sometimes one entry evicts several
            journal.append(exchange(responseBytes: size))
            model.append((id, RequestJournal.entryOverhead + size))
            while model.count > capacity || (model.map(\.cost).reduce(0, +) > byteLimit && model.count > 1) { model.removeFirst() }
            #expect(ids(journal) == model.map(\.id))
            #expect(journal.storedBytes == model.map(\.cost).reduce(0, +))
            #expect(journal.count == model.count)
        }
    }
}
