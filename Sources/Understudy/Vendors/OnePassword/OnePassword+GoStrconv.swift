/// Go's `strconv.ParseInt(s, 10, 32)` and `strconv.Quote`, for grpc-gateway's exact parse-error texts.
enum GoStrconv {
    enum Error: String, Swift.Error {
        case syntax = "invalid syntax"
        case range = "value out of range"
    }

    /// Same outcomes as Go: optional sign, ASCII digits; overflow past 2^32-1 is reported as soon as it
    /// happens (so `9999999999x` is out of range, not bad syntax), then the int32 bounds are checked.
    static func parseInt32(_ text: String) -> Result<Int32, Error> {
        var digits = Substring(text).utf8[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return .failure(.syntax) }
        var value: UInt64 = 0
        for byte in digits {
            guard (48...57).contains(byte) else { return .failure(.syntax) }
            value = value * 10 + UInt64(byte - 48)
            if value > UInt64(UInt32.max) { return .failure(.range) }
        }
        if negative ? value > 1 << 31 : value >= 1 << 31 { return .failure(.range) }
        return .success(negative ? Int32(truncatingIfNeeded: 0 &- Int64(value)) : Int32(value))
    }

    /// `strconv.Quote`: printable runes (letters, marks, numbers, punctuation, symbols, ASCII space) as is,
    /// the rest escaped.
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{07}": output += "\\a"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0B}": output += "\\v"
            default:
                if scalar == " " || isPrintable(scalar) {
                    output.unicodeScalars.append(scalar)
                } else if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    output += "\\u" + hex(scalar.value, width: 4)
                } else {
                    output += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        return output + "\""
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            true
        default:
            false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
