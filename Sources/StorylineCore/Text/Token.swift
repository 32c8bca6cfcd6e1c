/// One word of a normalised text: its hash, and where it stands in the original text.
public struct Token: Sendable, Hashable {
    /// The 64-bit hash of the folded word.
    public var hash: UInt64
    /// Offset of the word's first byte in the text's UTF-8.
    public var start: UInt32
    /// Length of the word in the text's UTF-8 bytes (before folding).
    public var length: UInt32
    /// Whether the word is made of digits only.
    public var isNumeric: Bool
}

/// A text after normalisation: its words, grouped by the lines they came from.
public struct TokenizedText: Sendable {
    /// The text the words come from.
    public let source: String
    /// The words in reading order.
    public var tokens: [Token] = []
    /// For every line that holds words, the index in `tokens` of its first word.
    public var lineStarts: [Int] = []

    public init(source: String) {
        self.source = source
    }

    /// The folded spelling of the token at `index`, for showing to people.
    public func word(at index: Int) -> String {
        word(of: tokens[index])
    }

    /// The folded spelling of `token`, one of this text's words.
    public func word(of token: Token) -> String {
        let bytes = Array(source.utf8.dropFirst(Int(token.start)).prefix(Int(token.length)))
        return Tokenizer.fold(bytes)
    }

    /// The token indices of line `line`.
    public func tokenRange(ofLine line: Int) -> Range<Int> {
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] : tokens.count
        return lineStarts[line]..<end
    }
}
