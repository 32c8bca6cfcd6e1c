/// Reads the few fields a reader of the timeline needs from one line, without decoding the whole object.
///
/// A line is a compact JSON object (docs/timeline.md): `seq` comes first, `event` and `story` are
/// top-level strings. `storyline tail` looks at every line of what may be a long history, so it scans
/// the top level of the object and stops as soon as it has what it asked for; nested objects (`article`,
/// `why`) and long strings (titles, reasons) are skipped, never decoded.
public enum TimelineLine {
    /// The `seq` of a line, or nil when the line has none (it is not a timeline line).
    ///
    /// The writer puts `seq` first (`{"seq":N,`), which is read directly; any other placement is found
    /// by scanning the top level. Digits that do not fit an `Int` are no seq, not a crash.
    public static func seq(of line: ArraySlice<UInt8>) -> Int? {
        let prefix = #"{"seq":"#.utf8
        if line.starts(with: prefix) {
            let digits = line.dropFirst(prefix.count).prefix { $0 >= 0x30 && $0 <= 0x39 }
            return integer(digits)
        }
        guard case let .number(digits) = topLevelValues(["seq"], in: line)["seq"] else { return nil }
        return integer(digits[...])
    }

    /// A non-negative decimal integer written with digits only, or nil (empty, other bytes, too large).
    static func integer(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for digit in digits {
            guard digit >= 0x30 && digit <= 0x39 else { return nil }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAgain) = times10.addingReportingOverflow(Int(digit - 0x30))
            guard !overflow, !overflowAgain else { return nil }
            value = sum
        }
        return value
    }

    /// The value of a top-level key, as far as a filter needs it.
    public enum Value: Equatable, Sendable {
        /// A string, unescaped, as UTF-8 bytes.
        case string([UInt8])
        /// A number, as its digits and signs exactly as written.
        case number([UInt8])
        /// An object, array, `true`, `false` or `null`: present, not decoded.
        case other
    }

    /// The values of `keys` at the top level of the JSON object `line`; absent keys are missing from the
    /// result, and so is everything after a syntax error.
    public static func topLevelValues(_ keys: Set<String>, in line: ArraySlice<UInt8>) -> [String: Value] {
        var scanner = Scanner(bytes: line)
        var found: [String: Value] = [:]
        let wanted = Dictionary(uniqueKeysWithValues: keys.map { (Array($0.utf8), $0) })
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return found }
        while found.count < keys.count {
            scanner.skipWhitespace()
            guard let key = scanner.string() else { return found }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ":")) else { return found }
            scanner.skipWhitespace()
            if let name = wanted[key] {
                switch scanner.peek ?? 0 {
                case UInt8(ascii: "\""):
                    guard let value = scanner.string() else { return found }
                    found[name] = .string(value)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    found[name] = .number(scanner.scalarToken())
                default:
                    guard scanner.skipValue() else { return found }
                    found[name] = .other
                }
            } else {
                guard scanner.skipValue() else { return found }
            }
            scanner.skipWhitespace()
            guard scanner.take(UInt8(ascii: ",")) else { return found }
        }
        return found
    }

    /// A cursor over one line's bytes that knows just enough JSON to walk the top level.
    private struct Scanner {
        let bytes: ArraySlice<UInt8>
        var index: ArraySlice<UInt8>.Index

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        /// A string at the cursor, unescaped; nil when there is none or it never ends.
        mutating func string() -> [UInt8]? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var value: [UInt8] = []
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return value
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return nil }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "b"): value.append(0x08)
                    case UInt8(ascii: "f"): value.append(0x0C)
                    case UInt8(ascii: "n"): value.append(0x0A)
                    case UInt8(ascii: "r"): value.append(0x0D)
                    case UInt8(ascii: "t"): value.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        value.append(contentsOf: String(Character(scalar)).utf8)
                    default: value.append(escaped)  // \" \\ \/
                    }
                default:
                    value.append(byte)
                }
            }
            return nil
        }

        /// The scalar of a `\uXXXX` escape (the `\u` already taken), joining a surrogate pair.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hexQuad() else { return nil }
            if (0xD800..<0xDC00).contains(high) {
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hexQuad(),
                      (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            }
            return Unicode.Scalar(high)
        }

        private mutating func hexQuad() -> UInt32? {
            guard bytes.endIndex - index >= 4 else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                index += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// A number or literal: everything up to the next delimiter.
        mutating func scalarToken() -> [UInt8] {
            let start = index
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                  byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                index += 1
            }
            return Array(bytes[start..<index])
        }

        /// Steps over one value of any kind; false on a syntax error.
        mutating func skipValue() -> Bool {
            switch peek {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            case nil:
                return false
            default:
                return !scalarToken().isEmpty
            }
        }

        /// Steps over a string without decoding it.
        private mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while let byte = peek {
                index += byte == UInt8(ascii: "\\") ? 2 : 1
                if byte == UInt8(ascii: "\"") { return true }
            }
            return false
        }
    }
}
