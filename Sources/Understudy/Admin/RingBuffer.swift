/// A first-in-first-out queue of at most ``capacity`` elements in one buffer that it wraps around:
/// dropping the oldest moves nothing, where an array with a head index had to shift every
/// survivor down now and then (at a full journal, each request paid for one entry moved and for
/// the compaction's bookkeeping). The buffer grows as it fills, up to ``capacity``, so a
/// journal that sees few requests keeps few slots.
struct RingBuffer<Element> {
    /// The oldest element at `head`, the others after it, wrapping at the end; slots holding no
    /// element are `nil`.
    private var slots: [Element?] = []
    private var head = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity >= 1, "a ring buffer holds at least one element")
        self.capacity = capacity
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == capacity }

    /// Adds `element` as the newest. A full buffer refuses it: the caller chooses what to drop.
    mutating func append(_ element: consuming Element) {
        var moved: Element? = consume element
        append(taking: &moved)
    }

    /// Moves the element out of `element` (leaving `nil`) into the buffer as the newest, by a swap
    /// with the empty slot: assigning it wrapped it in a new Optional and destroyed the slot's
    /// `nil` first, copying a ~300-byte journal entry more often (callgrind: ~370 instructions of
    /// memcpy a request). A full buffer refuses it.
    mutating func append(taking element: inout Element?) {
        precondition(!isFull, "append to a full ring buffer")
        precondition(element != nil, "append of nothing")
        if count == slots.count, head != 0 { makeRoomAfterNewest() }
        if count == slots.count {
            // Not wrapped and every slot taken: the array grows itself (moving its elements once
            // per doubling), without a run of empty slots to write first.
            slots.append(nil)
        }
        swap(&slots[slot(count)], &element)
        count += 1
    }

    /// Removes the oldest element, destroyed in its slot, and returns what `read` took from it
    /// first: moving the element out to return it copied its bytes (~300 for a journal entry)
    /// three times for a caller that wanted one number.
    @discardableResult
    mutating func removeFirst<Result>(reading read: (inout Element) -> Result) -> Result {
        precondition(!isEmpty, "removeFirst from an empty ring buffer")
        let result = read(&slots[head]!)
        slots[head] = nil
        head = slot(1)
        count -= 1
        return result
    }

    /// Runs `body` on the newest element in its slot (reading it through a copy would retain every
    /// reference it holds); `nil` when empty.
    mutating func withNewest<Result>(_ body: (inout Element) -> Result) -> Result? {
        guard !isEmpty else { return nil }
        return body(&slots[slot(count - 1)]!)
    }

    /// A copy of the newest element.
    var newest: Element? { isEmpty ? nil : slots[slot(count - 1)] }

    /// Copies of the elements, oldest first.
    var elements: [Element] { (0..<count).map { slots[slot($0)]! } }

    /// The slot of the element `offset` places after the oldest.
    private func slot(_ offset: Int) -> Int {
        let index = head + offset
        return index < slots.count ? index : index - slots.count
    }

    /// Twice the slots (at most ``capacity``) for a buffer that is wrapped and has no free slot,
    /// which happens only when elements were removed before it reached ``capacity``. The new
    /// empty slots go in right after the newest element, so the elements keep their order.
    private mutating func makeRoomAfterNewest() {
        let added = min(capacity, slots.count * 2) - slots.count
        slots.insert(contentsOf: [Element?](repeating: nil, count: added), at: head)
        head += added
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
