/// The weighted terms of one article: the stems of its content words (`Stemming`), and pairs of
/// adjacent ones once the text is long enough for its phrases to say something.
///
/// Titles count `titleWeight` times, since a headline names what the story is about. Function words,
/// numbers and one-letter words are left out. Two articles of one event share phrases only when they
/// tell it at length; two headlines of it share words, rarely a pair ("Senate overrides veto" /
/// "Congress rejects veto"), so in a text of fewer than `minimumWordsForPairs` distinct words the
/// pairs would only dilute the words it does share.
public struct TermBag: Sendable {
    /// Each distinct term with its count, in the order of the table that counted them (so the same in
    /// every run); kept as a list, a fifth of the table's size, since a prepared article may wait a while.
    private(set) var counts: [(term: UInt64, count: Float)]
    private let title: TokenizedText
    private let body: TokenizedText
    private let bodyRanges: [Range<Int>]
    /// Whether the bag holds word pairs as well as words.
    private let hasPairs: Bool

    /// How many times a title term counts.
    static let titleWeight: Float = 2
    /// Distinct content words from which a text's word pairs are terms too.
    static let minimumWordsForPairs = 25

    /// - Parameters:
    ///   - title: the folded headline.
    ///   - body: the folded body.
    ///   - bodyRanges: the token ranges of `body` that are content, not furniture.
    ///   - stems: the stems known so far, which this adds to.
    init(title: TokenizedText, body: TokenizedText, bodyRanges: [Range<Int>], stems: inout StemCache) {
        self.title = title
        self.body = body
        self.bodyRanges = bodyRanges
        var counts = HashMap<Float>(minimumCapacity: body.tokens.count + title.tokens.count)
        var words = 0
        // One pass: words are counted at once, pairs kept aside until the text proves long enough.
        var pairs: [(term: UInt64, weight: Float)] = []
        pairs.reserveCapacity(body.tokens.count + title.tokens.count)
        for (text, ranges, weight) in [(title, [title.tokens.indices], Self.titleWeight), (body, bodyRanges, 1)] {
            Self.forEachTerm(in: text, ranges: ranges, stem: { stems.term(of: $0, in: text) }) { term, _, isPair in
                if isPair {
                    pairs.append((term, weight))
                } else {
                    if counts[term] == nil { words += 1 }
                    counts[term, default: 0] += weight
                }
            }
        }
        hasPairs = words >= Self.minimumWordsForPairs
        if hasPairs {
            for (term, weight) in pairs { counts[term, default: 0] += weight }
        }
        self.counts = counts.entries.map { (term: $0.key, count: $0.value) }
    }

    /// Every distinct term, once.
    public var terms: [UInt64] { counts.map(\.term) }

    /// Calls `body` with every term of `text`, the index of its (first) word, and whether it is a pair.
    private static func forEachTerm(
        in text: TokenizedText, ranges: [Range<Int>], stem: (Token) -> UInt64, _ body: (UInt64, Int, Bool) -> Void
    ) {
        for range in ranges {
            var previous: UInt64?
            for index in range {
                let token = text.tokens[index]
                guard token.length >= 2, !token.isNumeric, let word = Lexicon.content(token.hash) else {
                    previous = nil
                    continue
                }
                // A word whose stem is a stop word ("wells", "others") keeps its own term.
                let term = Lexicon.content(stem(token)) ?? word
                body(term, index, false)
                if let before = previous { body(Hashing.mix(Hashing.combine(before, term)), index - 1, true) }
                previous = term
            }
        }
    }

    /// How each of `terms` is spelled, in their order: a word as written first (of a stem's words,
    /// the first in the text), or two words for a pair; nil for a term the text does not hold. Found
    /// again in the text when asked (only for the few terms a decision shows), rather than remembered
    /// for every term.
    func spellings(of terms: [UInt64], stems: inout StemCache) -> [String?] {
        var spellings = [String?](repeating: nil, count: terms.count)
        var missing = terms.count
        for (text, ranges) in [(title, [title.tokens.indices]), (body, bodyRanges)] where missing > 0 {
            Self.forEachTerm(in: text, ranges: ranges, stem: { stems.term(of: $0, in: text) }) { candidate, index, isPair in
                guard hasPairs || !isPair, let position = terms.firstIndex(of: candidate), spellings[position] == nil else { return }
                let first = text.word(at: index)
                spellings[position] = isPair ? first + " " + text.word(at: index + 1) : first
                missing -= 1
            }
        }
        return spellings
    }
}
