/// Opaque, tamper-evident page tokens. A token carries the sequence number of the last user a
/// page returned plus a 64-bit SipHash MAC over that number and the token's scope (vendor,
/// account, filter), so an edited, truncated or foreign token is rejected instead of serving a
/// wrong page. The key is fixed, so tokens are byte-identical across runs (determinism).
public enum PageToken {
    /// The binary token: a protobuf-style body (field 1 = sequence, varint) followed by the MAC.
    public static func encode(sequence: UInt64, scope: String) -> [UInt8] {
        withToken(sequence: sequence, scope: scope) { Array($0) }
    }

    /// The token as vendors hand it out: the unpadded Base64 of ``encode(sequence:scope:)``
    /// (`urlSafe` alphabet or the standard one), encoded from the stack: building the token array
    /// byte by byte, then a Base64 array, then a string, cost ~2 000 instructions on every
    /// 1Password and OpenPhone page that has a next one.
    public static func text(sequence: UInt64, scope: String, urlSafe: Bool) -> String {
        withToken(sequence: sequence, scope: scope) { Base64.encode($0, urlSafe: urlSafe) }
    }

    /// Calls `body` with the token's bytes, built and signed in stack memory.
    private static func withToken<Result>(sequence: UInt64, scope: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxTokenBytes) { token in
            token[0] = 0x08
            var bodyCount = 1
            var value = sequence
            repeat {
                token[bodyCount] = UInt8(value & 0x7F) | (value >> 7 != 0 ? 0x80 : 0)
                value >>= 7
                bodyCount += 1
            } while value != 0
            var mac = mac(body: UnsafeBufferPointer(rebasing: token[..<bodyCount]), scope: scope).littleEndian
            for offset in 0..<8 {
                token[bodyCount + offset] = UInt8(truncatingIfNeeded: mac)
                mac >>= 8
            }
            return body(UnsafeBufferPointer(rebasing: token[..<(bodyCount + 8)]))
        }
    }

    /// The MAC of a token's body for `scope`: SipHash over the body followed by the scope's UTF-8,
    /// gathered in stack memory. What ``encode(sequence:scope:)`` appends and `decode` checks.
    private static func mac(body: UnsafeBufferPointer<UInt8>, scope: String) -> UInt64 {
        let scopeCount = scope.utf8.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: body.count + scopeCount) { message in
            _ = message.initialize(fromContentsOf: body)
            let rest = UnsafeMutableBufferPointer(rebasing: message[body.count...])
            let copied: Void? = scope.utf8.withContiguousStorageIfAvailable { _ = rest.initialize(fromContentsOf: $0) }
            if copied == nil { _ = rest.initialize(from: scope.utf8) }
            return SipHash.hash(UnsafeBufferPointer(message))
        }
    }

    /// The sequence inside a token, or `nil` if it was not issued for `scope` or was altered.
    public static func decode(_ bytes: [UInt8], scope: String) -> UInt64? {
        bytes.withUnsafeBufferPointer { decode(bytes: $0, scope: scope) }
    }

    /// The sequence inside a token as vendors hand it out: the unpadded Base64 text (`urlSafe`
    /// alphabet or the standard one) of ``encode(sequence:scope:)``. `nil` unless `text` is exactly
    /// such a token for `scope`: re-encoding its bytes must give `text` back, so padding, the other
    /// alphabet and nonzero unused trailing bits are refused, as an edited token is.
    /// Decoded on the stack, without the three arrays and the re-encoded string of the general
    /// route: a deep OpenPhone or 1Password page reads a token on every request (issue 14).
    public static func decode(base64 text: String, urlSafe: Bool, scope: String) -> UInt64? {
        var text = text
        return text.withUTF8 { characters in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxTokenBytes) { buffer in
                // Longer text cannot fit, and could not be a token: its varint would pass 64 bits.
                guard let count = Base64.decodeCanonical(characters, urlSafe: urlSafe, into: buffer) else { return nil }
                return decode(bytes: UnsafeBufferPointer(rebasing: buffer[..<count]), scope: scope)
            }
        }
    }

    /// The tag, a varint of at most ten bytes (64 bits), and the MAC: the longest token `decode` accepts.
    static let maxTokenBytes = 1 + 10 + 8

    private static func decode(bytes: UnsafeBufferPointer<UInt8>, scope: String) -> UInt64? {
        guard bytes.count > 9, bytes[0] == 0x08 else { return nil }
        let bodyCount = bytes.count - 8
        var mac: UInt64 = 0
        for offset in 0..<8 { mac |= UInt64(bytes[bodyCount + offset]) << (8 * UInt64(offset)) }
        guard Self.mac(body: UnsafeBufferPointer(rebasing: bytes[..<bodyCount]), scope: scope) == mac else { return nil }
        var sequence: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes[1..<bodyCount] {
            guard shift < 64 else { return nil }
            sequence |= UInt64(byte & 0x7F) << shift
            shift += 7
        }
        return sequence
    }
}

/// SipHash-2-4 (Aumasson & Bernstein) with a fixed key: a MAC, not secrecy.
enum SipHash {
    static let key: (UInt64, UInt64) = (0x756E_6465_7273_7475, 0x6479_2D74_6F6B_656E)

    static func hash(_ data: [UInt8]) -> UInt64 { data.withUnsafeBufferPointer(hash) }

    static func hash(_ data: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ key.0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ key.1
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ key.0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key.1
        func round() {
            v0 &+= v1; v1 = v1.rotatedLeft(13); v1 ^= v0; v0 = v0.rotatedLeft(32)
            v2 &+= v3; v3 = v3.rotatedLeft(16); v3 ^= v2
            v0 &+= v3; v3 = v3.rotatedLeft(21); v3 ^= v0
            v2 &+= v1; v1 = v1.rotatedLeft(17); v1 ^= v2; v2 = v2.rotatedLeft(32)
        }
        let blocks = data.count / 8
        for block in 0..<blocks {
            var m: UInt64 = 0
            for offset in 0..<8 { m |= UInt64(data[block * 8 + offset]) << (8 * UInt64(offset)) }
            v3 ^= m; round(); round(); v0 ^= m
        }
        var last = UInt64(data.count & 0xFF) << 56
        for offset in 0..<(data.count % 8) { last |= UInt64(data[blocks * 8 + offset]) << (8 * UInt64(offset)) }
        v3 ^= last; round(); round(); v0 ^= last
        v2 ^= 0xFF
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }
}

extension UInt64 {
    func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}

/// Base64 (RFC 4648) encoders for the token formats vendors use.
public enum Base64 {
    /// Encodes `bytes`; `urlSafe` uses `-_`, `padded` appends `=`.
    public static func encode(_ bytes: [UInt8], urlSafe: Bool = false, padded: Bool = false) -> String {
        bytes.withUnsafeBufferPointer { encode($0, urlSafe: urlSafe, padded: padded) }
    }

    /// ``encode(_:urlSafe:padded:)`` for bytes in place (a page token built on the stack).
    public static func encode(_ bytes: UnsafeBufferPointer<UInt8>, urlSafe: Bool = false, padded: Bool = false) -> String {
        // Written straight into the string, each character computed: appending to an array through
        // a table read per character, then copying the array into a string, cost ~1 200 instructions
        // for a 1Password page token.
        let whole = bytes.count / 3 * 3
        let tail = bytes.count - whole
        let length = whole / 3 * 4 + (tail == 0 ? 0 : padded ? 4 : tail + 1)
        return String(unsafeUninitializedCapacity: length) { output in
            func put(_ chunk: UInt32, _ shift: UInt32, at position: Int) {
                output[position] = character(forSextet: chunk >> shift & 63, urlSafe: urlSafe)
            }
            var written = 0
            for index in stride(from: 0, to: whole, by: 3) {
                let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                put(chunk, 18, at: written)
                put(chunk, 12, at: written + 1)
                put(chunk, 6, at: written + 2)
                put(chunk, 0, at: written + 3)
                written += 4
            }
            if tail > 0 {
                let chunk = UInt32(bytes[whole]) << 16 | (tail == 2 ? UInt32(bytes[whole + 1]) << 8 : 0)
                put(chunk, 18, at: written)
                put(chunk, 12, at: written + 1)
                written += 2
                if tail == 2 {
                    put(chunk, 6, at: written)
                    written += 1
                }
                if padded {
                    for _ in tail..<3 {
                        output[written] = UInt8(ascii: "=")
                        written += 1
                    }
                }
            }
            return written
        }
    }

    /// The character for six bits: `A`–`Z`, `a`–`z`, `0`–`9`, then `+/` or (`urlSafe`) `-_`.
    @inline(__always)
    static func character(forSextet value: UInt32, urlSafe: Bool) -> UInt8 {
        switch value {
        case 0..<26: UInt8(65 + value)
        case 26..<52: UInt8(71 + value)
        case 52..<62: UInt8(value - 4)
        case 62: urlSafe ? UInt8(ascii: "-") : UInt8(ascii: "+")
        default: urlSafe ? UInt8(ascii: "_") : UInt8(ascii: "/")
        }
    }

    /// Decodes either alphabet, with or without padding; `nil` for anything else.
    public static func decode(_ text: String) -> [UInt8]? {
        // On contiguous bytes: OpenPhone and 1Password decode a page token on every deep page.
        if let decoded = text.utf8.withContiguousStorageIfAvailable(decode(bytes:)) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer(decode(bytes:))
    }

    /// Which characters may stand for 62 and 63: `+/`, `-_`, or either pair.
    private enum Alphabet { case standard, urlSafe, either }

    /// The six bits a character stands for, or `nil` for a character outside `alphabet`.
    private static func sextet(_ byte: UInt8, _ alphabet: Alphabet) -> UInt8? {
        switch byte {
        case 65...90: byte - 65
        case 97...122: byte - 71
        case 48...57: byte + 4
        case UInt8(ascii: "+") where alphabet != .urlSafe, UInt8(ascii: "-") where alphabet != .standard: 62
        case UInt8(ascii: "/") where alphabet != .urlSafe, UInt8(ascii: "_") where alphabet != .standard: 63
        default: nil
        }
    }

    /// Decodes `text` into `output` only if it is exactly what `encode(_:urlSafe:padded: false)` gives
    /// for the bytes it holds: characters of that one alphabet, no padding, no length that leaves a
    /// lone character, and zero bits in the last character's unused tail. The byte count, or `nil`
    /// (also when `output` is too small). Equivalent to decoding, re-encoding and comparing, in one pass.
    static func decodeCanonical(_ text: UnsafeBufferPointer<UInt8>, urlSafe: Bool, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard text.count % 4 != 1, text.count / 4 * 3 + max(text.count % 4 - 1, 0) <= output.count else { return nil }
        var accumulator: UInt32 = 0
        var bits = 0
        var written = 0
        for byte in text {
            guard let value = sextet(byte, urlSafe ? .urlSafe : .standard) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output[written] = UInt8(accumulator >> UInt32(bits) & 0xFF)
                written += 1
            }
        }
        // The bits left over must be zero, or two texts would decode to the same bytes.
        guard accumulator & (1 << UInt32(bits) - 1) == 0 else { return nil }
        return written
    }

    private static func decode(bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        // One pass, one allocation: six bits per character into a bit accumulator.
        var padding = 0
        var characters = 0
        var accumulator: UInt32 = 0
        var bits = 0
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 2)
        for byte in bytes {
            if byte == 61 { padding += 1; continue }
            guard padding == 0, let value = sextet(byte, .either) else { return nil }
            characters += 1
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(accumulator >> UInt32(bits) & 0xFF))
            }
        }
        // A lone character in the last group carries no whole byte (the old decoder refused it too).
        guard characters % 4 != 1, padding <= 2 else { return nil }
        return output
    }
}
