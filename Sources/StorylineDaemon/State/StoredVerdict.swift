import StorylineCore

/// A judgement's verdict as the `articles` table keeps it: the columns it fills, written and read here
/// only. A row this build did not write (an unknown verdict or measure, a duplicate without its
/// original) is an error that names the article, never a default.
struct StoredVerdict: Equatable {
    var verdict: String
    var duplicateOf: Int?
    var measure: String?
    var similarity: Double?
    /// An extension's terms, joined by U+001F.
    var terms: String?

    static let termSeparator = "\u{1F}"

    init(verdict: String, duplicateOf: Int? = nil, measure: String? = nil, similarity: Double? = nil, terms: String? = nil) {
        self.verdict = verdict
        self.duplicateOf = duplicateOf
        self.measure = measure
        self.similarity = similarity
        self.terms = terms
    }

    init(_ verdict: Verdict) {
        switch verdict {
        case .started:
            self.init(verdict: "started")
        case let .extended(similarity, terms, _):
            self.init(verdict: "extended", similarity: similarity, terms: terms.joined(separator: Self.termSeparator))
        case let .duplicate(original, measure, similarity):
            self.init(verdict: "duplicate", duplicateOf: original, measure: measure.rawValue, similarity: similarity)
        }
    }

    /// The verdict of article `article`. An extension's time gap is on its stored timeline line, not here:
    /// restoring needs only the story, so it comes back as 0.
    ///
    /// - Throws: `StateRowError` for columns this build does not write.
    func decoded(article: Int) throws(StateRowError) -> Verdict {
        switch verdict {
        case "started":
            return .started
        case "extended":
            guard let similarity else { throw StateRowError(article: article, "is an extension without its similarity") }
            let words = terms ?? ""
            return .extended(similarity: similarity, terms: words.isEmpty ? [] : words.components(separatedBy: Self.termSeparator),
                             gapHours: 0)
        case "duplicate":
            guard let duplicateOf, let similarity else {
                throw StateRowError(article: article, "is a duplicate without its original or similarity")
            }
            guard let measure = measure.flatMap(DuplicateMeasure.init(rawValue:)) else {
                throw StateRowError(article: article, "is a duplicate by measure \(measure.map { "'\($0)'" } ?? "(none)"), which this build does not know")
            }
            return .duplicate(of: duplicateOf, measure: measure, similarity: similarity)
        default:
            throw StateRowError(article: article, "has verdict '\(verdict)', which this build does not write")
        }
    }
}

/// A row of the state that this build cannot read back: written by another build, or damaged.
public struct StateRowError: Error, CustomStringConvertible {
    public let description: String

    init(article: Int, _ problem: String) {
        description = "article \(article) of the state \(problem) (a state from another build, or damaged)"
    }

    init(seq: Int, _ problem: String) {
        description = "the state's event \(seq) \(problem) (a state from another build, or damaged)"
    }
}
