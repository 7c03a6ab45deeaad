/// The open connections by descriptor. The kernel hands out the lowest free descriptor, so the
/// numbers stay small and dense and an array indexed by them finds a connection with a bounds check;
/// the dictionary it replaces hashed the descriptor for every event and again for every `isOpen`
/// check (perf at 1 000 keep-alive connections: `handleBatch`'s own time was 2 % of the server's CPU).
/// Confined to the server's event loop, like the rest of its state.
struct ConnectionTable {
    private var slots: [HTTPConnection?] = []
    /// How many slots hold a connection.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(fd: Int32) -> HTTPConnection? {
        get { fd >= 0 && Int(fd) < slots.count ? slots[Int(fd)] : nil }
        set {
            guard fd >= 0 else { return }
            let index = Int(fd)
            if index >= slots.count {
                guard newValue != nil else { return }
                // Doubling: a burst of accepts grows the table a few times, not once per descriptor.
                slots.append(contentsOf: repeatElement(nil, count: max(index + 1, slots.count * 2) - slots.count))
            }
            if slots[index] != nil { count -= 1 }
            if newValue != nil { count += 1 }
            slots[index] = newValue
        }
    }

    /// Every open connection, by descriptor. The walk is over a snapshot (the array is a value), so
    /// closing connections during it is safe; copy-on-write copies the slots only when one closes.
    var values: some Sequence<HTTPConnection> { slots.lazy.compactMap { $0 } }
}
