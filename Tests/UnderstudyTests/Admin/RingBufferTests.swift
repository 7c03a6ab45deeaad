import Testing
@testable import Understudy

/// The journal's storage: order, count and lifetimes must survive wrapping around and growing
/// while wrapped (removals before the buffer reached its capacity).
@Suite struct RingBufferTests {
    /// Counts live instances, to see that removed elements are released, not kept in a slot.
    private final class Tracked {
        let value: Int
        init(_ value: Int) { self.value = value }
    }

    @Test func appendAndRemove_keepOrder_acrossManyWraps() {
        var ring = RingBuffer<Int>(capacity: 5)
        var expected: [Int] = []
        for value in 0..<53 {
            if ring.isFull {
                #expect(ring.removeFirst { $0 } == expected.removeFirst())
            }
            ring.append(value)
            expected.append(value)
            #expect(ring.elements == expected)
            #expect(ring.count == expected.count)
            #expect(ring.newest == value)
        }
        #expect(ring.count == 5)
    }

    @Test func growingWhileWrapped_keepsOrder() {
        var ring = RingBuffer<Int>(capacity: 100)
        var expected: [Int] = []
        var next = 0
        // Grow, remove a few (the start moves off slot 0), fill again past the old size: the
        // buffer must make room while its elements wrap around the end.
        for round in 0..<12 {
            for _ in 0..<(round + 3) where !ring.isFull {
                ring.append(next)
                expected.append(next)
                next += 1
            }
            for _ in 0..<(round % 3) where !ring.isEmpty {
                #expect(ring.removeFirst { $0 } == expected.removeFirst())
            }
            #expect(ring.elements == expected)
        }
        while !ring.isFull {
            ring.append(next)
            expected.append(next)
            next += 1
        }
        #expect(ring.count == 100)
        #expect(ring.elements == expected)
    }

    @Test func emptiedBuffer_startsAgainAnywhere() {
        var ring = RingBuffer<Int>(capacity: 3)
        for value in 0..<3 { ring.append(value) }
        for value in 0..<3 { #expect(ring.removeFirst { $0 } == value) }
        #expect(ring.isEmpty)
        #expect(ring.newest == nil)
        #expect(ring.elements.isEmpty)
        ring.append(7)
        ring.append(8)
        #expect(ring.elements == [7, 8])
    }

    @Test func capacityOfOne_holdsTheNewest() {
        var ring = RingBuffer<Int>(capacity: 1)
        ring.append(1)
        #expect(ring.isFull)
        #expect(ring.removeFirst { $0 } == 1)
        ring.append(2)
        #expect(ring.elements == [2])
    }

    @Test func withNewest_changesTheNewestInPlace() {
        var ring = RingBuffer<Int>(capacity: 4)
        #expect(ring.withNewest { $0 += 1 } == nil)
        for value in [10, 20, 30, 40] { ring.append(value) }
        ring.removeFirst { _ in }
        ring.append(50)  // the newest now sits in slot 0, after a wrap
        let seen = ring.withNewest { newest -> Int in
            newest += 1
            return newest
        }
        #expect(seen == 51)
        #expect(ring.elements == [20, 30, 40, 51])
    }

    @Test func removedElements_areReleased() {
        weak var first: Tracked?
        var ring = RingBuffer<Tracked>(capacity: 2)
        do {
            let tracked = Tracked(1)
            first = tracked
            ring.append(tracked)
        }
        ring.append(Tracked(2))
        #expect(first != nil)
        #expect(ring.removeFirst { $0.value } == 1)
        #expect(first == nil)
        ring.append(Tracked(3))
        #expect(ring.elements.map(\.value) == [2, 3])
    }

    @Test func appendTaking_movesTheElementIn_andLeavesNil() {
        var ring = RingBuffer<Int>(capacity: 3)
        var pending: Int? = 1
        ring.append(taking: &pending)
        #expect(pending == nil)
        for value in 2...5 {
            if ring.isFull { ring.removeFirst { _ in } }
            pending = value
            ring.append(taking: &pending)
            #expect(pending == nil)
        }
        #expect(ring.elements == [3, 4, 5])
    }
}
