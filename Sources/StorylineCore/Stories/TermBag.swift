/// The weighted terms of one article: content words, and pairs of adjacent content words once the
/// text is long enough for its phrases to say something.
///
/// Titles count `titleWeight` times, since a headline names what the story is about. Function words,
/// numbers and one-letter words are left out. Two articles of one event share phrases only when they
/// tell it at length; two headlines of it share words, rarely a pair ("Senate overrides veto" /
/// "Congress rejects veto"), so in a text of fewer than `minimumWordsForPairs` distinct words the
/// pairs would only dilute the words it does share.
public struct TermBag: Sendable {
    private(set) var counts: HashMap<Float>
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
    public init(title: TokenizedText, body: TokenizedText, bodyRanges: [Range<Int>]) {
        self.title = title
        self.body = body
        self.bodyRanges = bodyRanges
        var counts = HashMap<Float>(minimumCapacity: body.tokens.count + title.tokens.count)
        var words = 0
        // One pass: words are counted at once, pairs kept aside until the text proves long enough.
        var pairs: [(term: UInt64, weight: Float)] = []
        pairs.reserveCapacity(body.tokens.count + title.tokens.count)
        for (text, ranges, weight) in [(title, [title.tokens.indices], Self.titleWeight), (body, bodyRanges, 1)] {
            Self.forEachTerm(in: text, ranges: ranges) { term, _, isPair in
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
        self.counts = counts
    }

    /// Every distinct term, once.
    public var terms: [UInt64] { counts.keysInSlotOrder }

    /// Calls `body` with every term of `text`, the index of its (first) word, and whether it is a pair.
    private static func forEachTerm(
        in text: TokenizedText, ranges: [Range<Int>], _ body: (UInt64, Int, Bool) -> Void
    ) {
        for range in ranges {
            var previous: UInt64?
            for index in range {
                let token = text.tokens[index]
                guard token.length >= 2, !token.isNumeric, let term = Lexicon.content(token.hash) else {
                    previous = nil
                    continue
                }
                body(term, index, false)
                if let before = previous { body(Hashing.mix(Hashing.combine(before, term)), index - 1, true) }
                previous = term
            }
        }
    }

    /// How `term` is spelled: a word, or two words for a pair. Found again in the text when asked
    /// (only for the few terms a decision shows), rather than remembered for every term.
    public func spelling(of term: UInt64) -> String? {
        for (text, ranges) in [(title, [title.tokens.indices]), (body, bodyRanges)] {
            var found: (Int, Bool)?
            Self.forEachTerm(in: text, ranges: ranges) { candidate, index, isPair in
                if found == nil && candidate == term && (hasPairs || !isPair) { found = (index, isPair) }
            }
            if let (index, isPair) = found {
                let first = text.word(at: index)
                return isPair ? first + " " + text.word(at: index + 1) : first
            }
        }
        return nil
    }
}
