/// One word of a normalised text: its hash, and where its folded bytes are kept for display.
public struct Token: Sendable, Hashable {
    /// The 64-bit hash of the folded word.
    public var hash: UInt64
    /// Offset of the word's folded bytes in `TokenizedText.folded`.
    public var start: UInt32
    /// Number of folded bytes kept (long words are kept in part; the hash covers all of them).
    public var length: UInt16
    /// Whether the word is made of digits only.
    public var isNumeric: Bool
}

/// A text after normalisation: its words, grouped by the lines they came from.
public struct TokenizedText: Sendable {
    /// The folded bytes of every word, one after another, for showing words to people.
    public var folded: [UInt8] = []
    /// The words in reading order.
    public var tokens: [Token] = []
    /// For every line that holds words, the index in `tokens` of its first word.
    public var lineStarts: [Int] = []

    public init() {}

    /// The folded spelling of the token at `index`.
    public func word(at index: Int) -> String {
        let token = tokens[index]
        let start = Int(token.start)
        return String(decoding: folded[start..<start + Int(token.length)], as: UTF8.self)
    }

    /// The token indices of line `line`.
    public func tokenRange(ofLine line: Int) -> Range<Int> {
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] : tokens.count
        return lineStarts[line]..<end
    }
}
