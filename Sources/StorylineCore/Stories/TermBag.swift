/// The weighted terms of one article: content words and pairs of adjacent content words.
///
/// Titles count `titleWeight` times, since a headline names what the story is about. Function words,
/// numbers and one-letter words are left out.
public struct TermBag: Sendable {
    /// Where a term was first seen, to spell it for people.
    struct Origin: Sendable {
        var inTitle: Bool
        var tokenIndex: Int
        var isPair: Bool
    }

    public private(set) var counts: [UInt64: Float] = [:]
    private var origins: [UInt64: Origin] = [:]
    private let title: TokenizedText
    private let body: TokenizedText

    /// How many times a title term counts.
    static let titleWeight: Float = 2

    /// - Parameters:
    ///   - title: the folded headline.
    ///   - body: the folded body.
    ///   - bodyRanges: the token ranges of `body` that are content, not furniture.
    public init(title: TokenizedText, body: TokenizedText, bodyRanges: [Range<Int>]) {
        self.title = title
        self.body = body
        add(title, ranges: [title.tokens.indices], inTitle: true, weight: Self.titleWeight)
        add(body, ranges: bodyRanges, inTitle: false, weight: 1)
    }

    private mutating func add(_ text: TokenizedText, ranges: [Range<Int>], inTitle: Bool, weight: Float) {
        for range in ranges {
            var previous: UInt64?
            for index in range {
                let token = text.tokens[index]
                guard token.length >= 2, !token.isNumeric, let term = Lexicon.content(token.hash) else {
                    previous = nil
                    continue
                }
                note(term, weight: weight, origin: Origin(inTitle: inTitle, tokenIndex: index, isPair: false))
                if let before = previous {
                    let pair = Hashing.mix(Hashing.combine(before, term))
                    note(pair, weight: weight, origin: Origin(inTitle: inTitle, tokenIndex: index - 1, isPair: true))
                }
                previous = term
            }
        }
    }

    private mutating func note(_ term: UInt64, weight: Float, origin: Origin) {
        counts[term, default: 0] += weight
        if origins[term] == nil { origins[term] = origin }
    }

    /// How `term` is spelled: a word, or two words for a pair.
    public func spelling(of term: UInt64) -> String? {
        guard let origin = origins[term] else { return nil }
        let text = origin.inTitle ? title : body
        let first = text.word(at: origin.tokenIndex)
        return origin.isPair ? first + " " + text.word(at: origin.tokenIndex + 1) : first
    }
}
