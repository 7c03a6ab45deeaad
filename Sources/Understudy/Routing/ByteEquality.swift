extension Substring {
    /// Byte equality: lengths first (most literals differ there), then one contiguous comparison;
    /// the generic `UTF8View.elementsEqual` walked index by index (a tenth of a routed request).
    func hasSameBytes(as other: Substring) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let contiguous = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in lhs.elementsEqual(rhs) }
        }
        if let contiguous, let equal = contiguous { return equal }
        return utf8.elementsEqual(other.utf8)
    }

    /// Whether the bytes hold `byte`, in one contiguous scan when the storage allows it.
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }
}
