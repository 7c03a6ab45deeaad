@testable import HTTPCore

extension HTTPDecoder {
    /// Decodes every complete request in `text`; throws on the first decoder error.
    static func decodeAll(_ text: String, limits: HTTPLimits = HTTPLimits()) throws -> [HTTPRequest] {
        try decodeFeeding([Array(text.utf8)], limits: limits)
    }

    /// Feeds `reads` one at a time into a growing buffer, as a connection would, decoding
    /// everything complete after each read.
    static func decodeFeeding(_ reads: [[UInt8]], limits: HTTPLimits = HTTPLimits()) throws -> [HTTPRequest] {
        var decoder = HTTPDecoder(limits: limits)
        var buffer: [UInt8] = []
        var requests: [HTTPRequest] = []
        for read in reads {
            buffer.append(contentsOf: read)
            while let (request, consumed) = try buffer.withUnsafeBytes({ try decoder.decode($0) }) {
                requests.append(request)
                buffer.removeFirst(consumed)
            }
        }
        return requests
    }
}
