import HTTPCore

extension PandaDoc {
    /// A JSON request body read the way DRF's `JSONParser` and serializer fields read it.
    struct Body {
        let members: [(String, JSONValue)]

        /// Empty body → `{}` (DRF's empty `request.data`); invalid JSON → 400 "JSON parse error - …";
        /// `null` → "No data provided"; any other non-object → "Invalid data. Expected a dictionary, but got <type>."
        init(_ http: HTTPRequest) throws(Failure) {
            if http.body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                members = []
                return
            }
            let value: JSONValue
            do { value = try JSONValue.parse(http.body) } catch {
                throw .request(.badRequest, Failure.parseErrorMessage(Body.pythonMessage(error, in: http.body)))
            }
            if value.isNull {
                var errors = FieldErrors()
                errors.add("non_field_errors", Failure.noDataMessage)
                throw .fields(errors)
            }
            guard let object = value.objectValue else {
                var errors = FieldErrors()
                errors.add("non_field_errors", Failure.notDictionaryMessage(Body.pythonType(value)))
                throw .fields(errors)
            }
            members = object
        }

        init(object: [(String, JSONValue)]) { members = object }

        /// Python's `json.JSONDecodeError` text for a syntax error (`Expecting value: line 1 column 1 (char 0)`),
        /// which DRF puts after "JSON parse error - ". Positions count code points, as Python's do.
        static func pythonMessage(_ error: JSONParseError, in bytes: [UInt8]) -> String {
            let reason = switch error.reason {
            case "expected a string key": "Expecting property name enclosed in double quotes"
            case "expected ':'": "Expecting ':' delimiter"
            case "expected ',' or '}'", "expected ',' or ']'", "unterminated object", "unterminated array": "Expecting ',' delimiter"
            case "unterminated string": "Unterminated string starting at"
            case "unterminated escape", "invalid escape", "short unicode escape", "invalid hex digit": "Invalid \\escape"
            case "control character in string": "Invalid control character at"
            case "unexpected trailing characters": "Extra data"
            default: "Expecting value"
            }
            var offset = min(max(error.offset, 0), bytes.count)
            // A misspelt literal (`tru`, `nope`) is reported where the value starts, as Python does.
            if error.reason.hasPrefix("expected '") {
                while offset > 0, bytes[offset - 1] | 0x20 >= 0x61, bytes[offset - 1] | 0x20 <= 0x7A { offset -= 1 }
            }
            let prefix = bytes[..<offset]
            let text = String(decoding: prefix, as: UTF8.self)
            var line = 1
            var column = 1
            var characters = 0
            for scalar in text.unicodeScalars {
                characters += 1
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            }
            return "\(reason): line \(line) column \(column) (char \(characters))"
        }

        /// The last value for `key`, as Python's `json` keeps the last duplicate.
        func value(_ key: String) -> JSONValue? { members.last { $0.0 == key }?.1 }

        /// Python's name for a decoded JSON value's type, as DRF's messages print it.
        static func pythonType(_ value: JSONValue) -> String {
            switch value {
            case .null: "NoneType"
            case .bool: "bool"
            case .number(_, let text): text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? "float" : "int"
            case .string: "str"
            case .array: "list"
            case .object: "dict"
            }
        }

        /// DRF `CharField` (`trim_whitespace`): numbers become their text; bools, lists and objects are invalid.
        static func string(_ value: JSONValue, allowBlank: Bool) -> Result<String, FieldMessage> {
            let text: String
            switch value {
            case .null: return .failure(FieldMessage(Failure.nullMessage))
            case .string(let string): text = VendorRequest.trimmingSpaces(string)
            case .number(_, let number): text = number
            case .bool, .array, .object: return .failure(FieldMessage(Failure.notStringMessage))
            }
            if text.isEmpty, !allowBlank { return .failure(FieldMessage(Failure.blankMessage)) }
            return .success(text)
        }
    }

    /// Django's `EmailValidator`, reduced to its shape rules: a dot-atom local part, then a domain of
    /// 1–63-character labels (letters, digits, inner hyphens) ending in a top-level label of 2+ letters.
    static func isValidEmail(_ email: String) -> Bool {
        guard email.utf8.count <= 254, let at = email.lastIndex(of: "@") else { return false }
        let local = email[..<at]
        let domain = email[email.index(after: at)...]
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-".utf8)
        let atoms = local.split(separator: ".", omittingEmptySubsequences: false)
        guard !local.isEmpty, atoms.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(localAllowed.contains) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let top = labels.last, top.count >= 2, top.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D }
        }
    }

    /// A phone number as a lenient E.164 check: optional `+`, 7–15 digits, separators `space . - ( )`.
    static func isValidPhone(_ phone: String) -> Bool {
        var digits = 0
        for (offset, byte) in phone.utf8.enumerated() {
            switch byte {
            case 0x30...0x39: digits += 1
            case UInt8(ascii: "+") where offset == 0: continue
            case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            default: return false
            }
        }
        return (7...15).contains(digits)
    }
}
