import HTTPCore

extension RequestJournal {
    /// A client that polls a page gets the same body and sends the same target and headers each time.
    /// Sharing them with the previous entry frees the new copies at once, so the next request
    /// writes its body into the warm memory they leave, instead of into fresh memory that the
    /// journal would keep: the journal holds up to 64 MiB, far beyond the caches, and writing a
    /// new 8 KiB page into cold memory cost ~15 % of an OpenAI page (Benchmarks/run; the same
    /// page with `--journal-bytes 1048576` took 10.9 CPU µs instead of 12.8). What the journal
    /// shows is unchanged: only byte-identical values are shared (not `==`, which calls "é" and
    /// "e" + U+0301 equal).
    ///
    /// The previous exchange is read in its slot (`inout`, never written): a copy of it, or of its
    /// request kept aside, cost a retain and a release per reference it holds.
    static func shareRepeats(_ exchange: inout HTTPExchange, withPrevious previous: inout HTTPExchange) {
        if !exchange.responseBody.isEmpty, exchange.responseBody.hasSameBytes(as: previous.responseBody) {
            exchange.responseBody = previous.responseBody
        }
        guard exchange.request != nil, previous.request != nil else { return }
        if exchange.request!.target.hasSameBytes(as: previous.request!.target) { exchange.request!.target = previous.request!.target }
        if exchange.request!.path.hasSameBytes(as: previous.request!.path) { exchange.request!.path = previous.request!.path }
        if exchange.request!.query.hasSameBytes(as: previous.request!.query) { exchange.request!.query = previous.request!.query }
        if exchange.request!.headers.hasSameBytes(as: previous.request!.headers) { exchange.request!.headers = previous.request!.headers }
    }
}

extension [UInt8] {
    /// Byte equality in one `memcmp`, skipped when both arrays are the same storage (a handler
    /// that answers with a stored body).
    func hasSameBytes(as other: [UInt8]) -> Bool {
        withUnsafeBufferPointer { lhs in other.withUnsafeBufferPointer { rhs in lhs.hasSameBytes(as: rhs) } }
    }
}

extension String {
    /// Byte equality (`==` answers a different question: canonical equivalence). The
    /// representation first, then the lengths, then the UTF-8 in place, by ``sameWords(_:_:)``.
    @inline(__always)
    func hasSameBytes(as other: String) -> Bool {
        // One representation (the same inline small string, or the same storage and length) holds
        // one run of bytes: most of a repeated request's names and values are small strings.
        if withUnsafeBytes(of: self, { lhs in withUnsafeBytes(of: other) { rhs in sameWords(lhs, rhs) } }) { return true }
        guard utf8.count == other.utf8.count else { return false }
        let contiguous = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in sameWords(UnsafeRawBufferPointer(lhs), UnsafeRawBufferPointer(rhs)) }
        }
        if let contiguous, let equal = contiguous { return equal }
        return utf8.elementsEqual(other.utf8)
    }
}

/// Whether two runs of bytes of one length are equal, eight at a time, the last eight read
/// overlapping the ones before. For the short strings of a request: a call to `memcmp` made the
/// caller retain and release both strings around it (the optimizer cannot see that it leaves
/// them alone), and `elementsEqual` went byte by byte (callgrind: ~160 instructions for a
/// 30-byte header value).
@inline(__always)
func sameWords(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
    let count = lhs.count
    guard count >= 8 else {
        for offset in 0..<count where lhs[offset] != rhs[offset] { return false }
        return true
    }
    func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    var offset = 0
    while offset + 8 < count {
        guard word(lhs, offset) == word(rhs, offset) else { return false }
        offset += 8
    }
    return word(lhs, count - 8) == word(rhs, count - 8)
}

extension HTTPHeaders {
    /// Same fields in the same order, names and values byte for byte.
    func hasSameBytes(as other: HTTPHeaders) -> Bool { fields.hasSameBytes(as: other.fields) }
}

/// A name and a value of a request, header field or query item, compared as a pair.
protocol NameValuePair {
    var name: String { get }
    var value: String { get }
}

extension HTTPHeaders.Field: NameValuePair {}
extension HTTPRequest.QueryItem: NameValuePair {}

extension Array where Element: NameValuePair {
    /// Same pairs in the same order, names and values byte for byte.
    func hasSameBytes(as other: [Element]) -> Bool {
        guard count == other.count else { return false }
        for index in indices {
            // Values first: of two pairs with the same name, the value is what differs.
            guard self[index].value.hasSameBytes(as: other[index].value), self[index].name.hasSameBytes(as: other[index].name) else {
                return false
            }
        }
        return true
    }
}
