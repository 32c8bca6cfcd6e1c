import Foundation

/// Turns text into folded, hashed words in one pass over its UTF-8 bytes.
///
/// Folding makes copies of one text match whatever their typography: compatibility forms (ligatures,
/// full-width letters), case, and diacritics are folded; quotes, apostrophes, dashes and every kind of
/// space separate words; zero-width characters and soft hyphens vanish. ASCII takes a table lookup per
/// byte; any other character is folded once through Foundation and remembered, so a text in another
/// script costs a dictionary lookup per character.
///
/// A word is a run of letters and digits, as in `[a-z0-9]+` after folding, so `isn't` is `isn` and `t`;
/// commas and points between digits are dropped, so `5,000` and `5000` are the same number;
/// every ideograph is a word of its own, since those scripts put no spaces between words.
public struct Tokenizer: Sendable {
    /// How a non-ASCII character takes part in words.
    enum Folding: Sendable {
        case separator
        case ignorable
        case letters([UInt8])
        case standalone([UInt8])
    }

    /// The longest prefix of a word kept for display; the hash covers the whole word.
    static let maximumKeptWordLength = 64

    /// For each ASCII byte: 0 separates words, 1 ends a line, anything else is the folded byte.
    private static let asciiClass: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"): return 1
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt8(byte) | 0x20
        default: return 0
        }
    }

    private var foldings: [UInt32: Folding] = [:]

    public init() {}

    /// Splits `text` into folded words.
    public mutating func tokenize(_ text: String) -> TokenizedText {
        var text = text
        return text.withUTF8 { tokenize(utf8: $0) }
    }

    /// Splits valid UTF-8 bytes into folded words.
    public mutating func tokenize(utf8 bytes: UnsafeBufferPointer<UInt8>) -> TokenizedText {
        var result = TokenizedText()
        result.tokens.reserveCapacity(bytes.count / 5)
        result.folded.reserveCapacity(bytes.count)
        var builder = WordBuilder()
        var index = 0
        let count = bytes.count
        Self.asciiClass.withUnsafeBufferPointer { ascii in
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    let folded = ascii[Int(byte)]
                    if folded > 1 {
                        builder.append(folded, to: &result)
                    } else if builder.lastWasDigit, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "."),
                              index + 1 < count, bytes[index + 1] &- 0x30 < 10 {
                        // A digit group separator: "5,000" and "5000" are one number.
                    } else {
                        builder.finish(into: &result)
                        if folded == 1 { builder.lineEnded = true }
                    }
                    index += 1
                    continue
                }
                let (scalar, width) = Self.decodeScalar(bytes, at: index)
                index += width
                switch folding(of: scalar) {
                case .separator:
                    builder.finish(into: &result)
                    if scalar == 0x2028 || scalar == 0x2029 || scalar == 0x85 { builder.lineEnded = true }
                case .ignorable:
                    break
                case .letters(let folded):
                    for byte in folded { builder.append(byte, to: &result) }
                case .standalone(let folded):
                    builder.finish(into: &result)
                    for byte in folded { builder.append(byte, to: &result) }
                    builder.finish(into: &result)
                }
            }
        }
        builder.finish(into: &result)
        return result
    }

    /// Decodes the scalar that starts at `index` of valid UTF-8.
    @inline(__always)
    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
        let lead = UInt32(bytes[index])
        func continuation(_ offset: Int) -> UInt32 {
            index + offset < bytes.count ? UInt32(bytes[index + offset] & 0x3f) : 0
        }
        if lead < 0xe0 { return (((lead & 0x1f) << 6) | continuation(1), 2) }
        if lead < 0xf0 { return (((lead & 0x0f) << 12) | (continuation(1) << 6) | continuation(2), 3) }
        return (((lead & 0x07) << 18) | (continuation(1) << 12) | (continuation(2) << 6) | continuation(3), 4)
    }

    private mutating func folding(of scalar: UInt32) -> Folding {
        if let known = foldings[scalar] { return known }
        let folding = Self.computeFolding(of: scalar)
        foldings[scalar] = folding
        return folding
    }

    static func computeFolding(of value: UInt32) -> Folding {
        guard let scalar = Unicode.Scalar(value) else { return .separator }
        switch value {
        case 0xad, 0x200b...0x200d, 0x2060, 0xfeff: return .ignorable  // soft hyphen, zero-width
        default: break
        }
        let properties = scalar.properties
        if properties.isIdeographic {
            return .standalone(Array(String(Character(scalar)).utf8))
        }
        if Self.isMark(properties.generalCategory) { return .ignorable }
        var folded: [UInt8] = []
        let decomposed = String(Character(scalar)).decomposedStringWithCompatibilityMapping
        for part in decomposed.unicodeScalars {
            let partProperties = part.properties
            if Self.isMark(partProperties.generalCategory) { continue }
            guard partProperties.isAlphabetic || partProperties.numericType != nil else { return .separator }
            folded.append(contentsOf: partProperties.lowercaseMapping.utf8)
        }
        return folded.isEmpty ? .separator : .letters(folded)
    }

    private static func isMark(_ category: Unicode.GeneralCategory) -> Bool {
        switch category {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }
}

/// The word being read: its hash so far, where its bytes start, whether it is all digits.
private struct WordBuilder {
    var hash = Hashing.fnvOffset
    var start = -1
    var keptLength = 0
    var isNumeric = true
    var lastWasDigit = false
    var lineEnded = true

    @inline(__always)
    mutating func append(_ byte: UInt8, to text: inout TokenizedText) {
        if start < 0 {
            start = text.folded.count
            if lineEnded {
                text.lineStarts.append(text.tokens.count)
                lineEnded = false
            }
        }
        hash = (hash ^ UInt64(byte)) &* Hashing.fnvPrime
        lastWasDigit = byte &- 0x30 < 10
        if !lastWasDigit { isNumeric = false }
        if keptLength < Tokenizer.maximumKeptWordLength {
            text.folded.append(byte)
            keptLength += 1
        }
    }

    @inline(__always)
    mutating func finish(into text: inout TokenizedText) {
        guard start >= 0 else { return }
        text.tokens.append(Token(
            hash: Hashing.mix(hash), start: UInt32(start), length: UInt16(keptLength), isNumeric: isNumeric))
        hash = Hashing.fnvOffset
        start = -1
        keptLength = 0
        isNumeric = true
        lastWasDigit = false
    }
}
