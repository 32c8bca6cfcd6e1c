import Foundation

/// Turns text into folded, hashed words in one pass over its UTF-8 bytes.
///
/// Folding makes copies of one text match whatever their typography: compatibility forms (ligatures,
/// full-width letters), case, and diacritics are folded; quotes, apostrophes, dashes and every kind of
/// space separate words; zero-width characters and soft hyphens vanish. ASCII takes a table lookup per
/// byte; any other character is folded once through Foundation and remembered, so a text in another
/// script costs a dictionary lookup per character. No folded text is built: each word's hash is
/// computed from its folded bytes as they are read, and the word is found again in the source text
/// when a person needs to see it.
///
/// A word is a run of letters and digits, as in `[a-z0-9]+` after folding, so `isn't` is `isn` and `t`;
/// commas and points between digits are dropped, so `5,000` and `5000` are the same number;
/// every ideograph is a word of its own, since those scripts put no spaces between words.
public struct Tokenizer: Sendable {
    /// How a non-ASCII character takes part in words.
    enum Folding: Sendable {
        case separator
        case lineSeparator
        case ignorable
        case letters([UInt8])
        case standalone([UInt8])
    }

    /// For each ASCII byte: 0 separates words, 1 ends a line, anything else is the folded byte.
    static let asciiClass: [UInt8] = (0..<128).map { byte -> UInt8 in
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
        var result = TokenizedText(source: text)
        var text = text
        text.withUTF8 { bytes in
            Self.asciiClass.withUnsafeBufferPointer { ascii in
                tokenize(bytes, ascii: ascii, into: &result)
            }
        }
        return result
    }

    private mutating func tokenize(
        _ bytes: UnsafeBufferPointer<UInt8>, ascii: UnsafeBufferPointer<UInt8>, into result: inout TokenizedText
    ) {
        // A word takes at least one byte and a separator, an ideograph three bytes: at most count / 2 + 1
        // words, written into scratch storage of that size. The words are then copied into an array of
        // their own size: prose has about one word in six bytes, so an array kept at the scratch size
        // would hold 12 bytes of words per byte of text, three times what it needs. A read-ahead of
        // 16 MiB of files held about 200 MiB that way, and the heap that grew for it stays resident.
        let capacity = bytes.count / 2 + 1
        let storage = UnsafeMutablePointer<Token>.allocate(capacity: capacity)
        defer { storage.deallocate() }
        var scanner = WordScanner(storage: storage)
        scan(bytes, ascii: ascii, with: &scanner)
        result.tokens = Array(UnsafeBufferPointer(start: storage, count: scanner.count))
        result.lineStarts = scanner.lineStarts
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, ascii: UnsafeBufferPointer<UInt8>, with scanner: inout WordScanner) {
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                var folded = ascii[Int(byte)]
                if folded > 1 {
                    // The ASCII run of a word, in a tight loop over raw pointers.
                    scanner.begin(at: index)
                    var hash = scanner.hash
                    var nonDigits: UInt8 = 0
                    let base = bytes.baseAddress!
                    let table = ascii.baseAddress!
                    var position = base + index
                    let end = base + count
                    repeat {
                        hash.add(folded)
                        nonDigits |= folded &- 0x30 < 10 ? 0 : 1
                        position += 1
                        if position == end { break }
                        let next = position.pointee
                        if next >= 0x80 { break }
                        folded = table[Int(next)]
                    } while folded > 1
                    index = position - base
                    scanner.hash = hash
                    scanner.nonDigits |= nonDigits
                    continue
                }
                if scanner.isInWord, byte == UInt8(ascii: ",") || byte == UInt8(ascii: "."), bytes[index - 1] &- 0x30 < 10,
                   index + 1 < count, bytes[index + 1] &- 0x30 < 10 {
                    // A digit group separator: "5,000" and "5000" are one number.
                } else {
                    scanner.finish(at: index)
                    if folded == 1 { scanner.lineEnded = true }
                }
                index += 1
                continue
            }
            let (scalar, width) = Self.decodeScalar(bytes, at: index)
            switch folding(of: scalar) {
            case .separator:
                scanner.finish(at: index)
            case .lineSeparator:
                scanner.finish(at: index)
                scanner.lineEnded = true
            case .ignorable:
                break
            case .letters(let folded):
                for byte in folded { scanner.add(byte, at: index) }
            case .standalone(let folded):
                scanner.finish(at: index)
                for byte in folded { scanner.add(byte, at: index) }
                scanner.finish(at: index + width)
            }
            index += width
        }
        scanner.finish(at: count)
    }

    /// The folded spelling of a word's bytes: what its hash was computed from.
    public static func fold(_ bytes: [UInt8]) -> String {
        var folded: [UInt8] = []
        var index = 0
        bytes.withUnsafeBufferPointer { bytes in
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    let value = asciiClass[Int(byte)]
                    if value > 1 { folded.append(value) }
                    index += 1
                    continue
                }
                let (scalar, width) = decodeScalar(bytes, at: index)
                switch computeFolding(of: scalar) {
                case .letters(let letters), .standalone(let letters): folded.append(contentsOf: letters)
                default: break
                }
                index += width
            }
        }
        return String(decoding: folded, as: UTF8.self)
    }

    /// Decodes the scalar that starts at `index` of valid UTF-8.
    @inline(__always)
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int) {
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
        case 0x85, 0x2028, 0x2029: return .lineSeparator
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

/// The word being read, and the words read so far.
private struct WordScanner {
    /// Where the next word goes; the caller sized the storage for every word the text can hold.
    let storage: UnsafeMutablePointer<Token>
    var count = 0
    var lineStarts: [Int] = []
    var hash = WordHash()
    var start = -1
    /// Non-zero once the word has a byte that is not a digit.
    var nonDigits: UInt8 = 0
    var lineEnded = true

    init(storage: UnsafeMutablePointer<Token>) {
        self.storage = storage
    }

    var isInWord: Bool { start >= 0 }

    @inline(__always)
    mutating func begin(at position: Int) {
        guard start < 0 else { return }
        start = position
        if lineEnded {
            lineStarts.append(count)
            lineEnded = false
        }
    }

    /// Adds a folded byte of a non-ASCII character.
    @inline(__always)
    mutating func add(_ byte: UInt8, at position: Int) {
        begin(at: position)
        hash.add(byte)
        nonDigits |= byte &- 0x30 < 10 ? 0 : 1
    }

    @inline(__always)
    mutating func finish(at end: Int) {
        guard start >= 0 else { return }
        (storage + count).initialize(to: Token(
            hash: hash.value, start: UInt32(truncatingIfNeeded: start),
            length: UInt32(truncatingIfNeeded: end - start), isNumeric: nonDigits == 0))
        count += 1
        hash = WordHash()
        start = -1
        nonDigits = 0
    }
}
