/// Writes news-like English articles from a fixed seed: the same seed gives the same articles, byte for
/// byte, on every machine.
///
/// Articles are 3 to 8 KiB of UTF-8: a headline, a byline, then paragraphs of two to four sentences made
/// from templates a wire story would use (who did what, when; figures with digit groups and currencies;
/// quotes in curly quotes; an em dash now and then). Names and places carry the occasional diacritic,
/// so the tokenizer's non-ASCII path is exercised in roughly the share real English news gives it.
public struct ArticleGenerator: Sendable {
    /// Sizes of generated articles, in UTF-8 bytes.
    public static let sizeRange = 3 * 1024...8 * 1024

    private var random: SplitMix64

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// A new article.
    public mutating func article() -> NewsArticle {
        let place = random.pick(Vocabulary.places)
        var article = NewsArticle(headline: headline(), byline: "By \(name())", paragraphs: [])
        let target = random.number(in: Self.sizeRange)
        var size = article.text.utf8.count
        while size < target {
            var next = paragraph()
            if article.paragraphs.isEmpty { next = "\(place.uppercased()) (Storyline) — " + next }
            let grown = size + next.utf8.count + 2
            if grown > Self.sizeRange.upperBound { break }
            article.paragraphs.append(next)
            size = grown
        }
        return article
    }

    /// A copy-edited version of `article`: one paragraph after the first rewritten, as when a wire story
    /// is updated, so the two share most but not all of their shingles.
    public mutating func revision(of article: NewsArticle) -> NewsArticle {
        var revised = article
        guard revised.paragraphs.count > 1 else {
            revised.paragraphs.append(paragraph())
            return revised
        }
        revised.paragraphs[1 + random.below(revised.paragraphs.count - 1)] = paragraph()
        return revised
    }

    /// A later article on the same story as `article`: the headline's subject and place kept, the opening
    /// paragraph restated as updates do, two more paragraphs carried over, and the rest new. Too different
    /// to be a near-duplicate of `article`, close enough in terms to join its story.
    public mutating func followUp(of article: NewsArticle) -> NewsArticle {
        var headlineWords = article.headline.split(separator: " ").map(String.init)
        // "Adjective Noun Verbed in Place as Nouns Trend": the development (verb and trend) changes.
        if headlineWords.count == 8 {
            headlineWords[2] = random.pick(Vocabulary.pastVerbs).capitalisedFirst
            headlineWords[7] = random.pick(Vocabulary.trendVerbs).capitalisedFirst
        }
        var update = NewsArticle(headline: headlineWords.joined(separator: " "), byline: "By \(name())", paragraphs: [])
        var carried = Array(article.paragraphs.dropFirst())
        if let lede = article.paragraphs.first { update.paragraphs.append(lede) }
        let target = random.number(in: Self.sizeRange)
        var size = update.text.utf8.count
        while size < target {
            // New paragraphs, with one of the earlier article's taken in turn after the first two.
            var next = paragraph()
            if update.paragraphs.count % 2 == 0 && update.paragraphs.count <= 4 && !carried.isEmpty {
                next = carried.remove(at: random.below(carried.count))
            }
            let grown = size + next.utf8.count + 2
            if grown > Self.sizeRange.upperBound { break }
            update.paragraphs.append(next)
            size = grown
        }
        return update
    }

    // MARK: - Parts of an article

    private mutating func headline() -> String {
        let words = [
            random.pick(Vocabulary.adjectives), random.pick(Vocabulary.nouns), random.pick(Vocabulary.pastVerbs),
            "in", random.pick(Vocabulary.places), "as", random.pick(Vocabulary.pluralNouns),
            random.pick(Vocabulary.trendVerbs),
        ]
        return words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    private mutating func paragraph() -> String {
        (0..<random.number(in: 2...4)).map { _ in sentence() }.joined(separator: " ")
    }

    private mutating func sentence() -> String {
        switch random.below(10) {
        case 0:
            return "\(subject().capitalisedFirst) \(random.pick(Vocabulary.pastVerbs)) the "
                + "\(random.pick(Vocabulary.adjectives)) \(random.pick(Vocabulary.nouns)) \(random.pick(Vocabulary.times))."
        case 1:
            return "\(subject().capitalisedFirst) \(random.pick(Vocabulary.pastVerbs)) a plan to "
                + "\(random.pick(Vocabulary.baseVerbs)) the \(random.pick(Vocabulary.nouns)) in \(random.pick(Vocabulary.places)), "
                + "\(random.pick(Vocabulary.reportingClauses))."
        case 2:
            return "“\(random.pick(Vocabulary.quoteOpenings)),” said \(name()), \(random.pick(Vocabulary.titles)) at "
                + "\(random.pick(Vocabulary.organisations)). “\(random.pick(Vocabulary.quoteOpenings)).”"
        case 3:
            return "The number of \(random.pick(Vocabulary.pluralNouns)) \(random.pick(Vocabulary.trendVerbs)) "
                + "\(percentage()) to \(count()) \(random.pick(Vocabulary.times)), \(random.pick(Vocabulary.reportingClauses))."
        case 4:
            return "\(random.pick(Vocabulary.connectors)) \(subject()) said the \(random.pick(Vocabulary.nouns)) would "
                + "\(random.pick(Vocabulary.baseVerbs)) \(count()) \(random.pick(Vocabulary.pluralNouns)) by "
                + "\(random.pick(Vocabulary.deadlines))."
        case 5:
            return "About \(count()) \(random.pick(Vocabulary.pluralNouns)) \(random.pick(Vocabulary.intransitivePastVerbs)) "
                + "in \(random.pick(Vocabulary.places)) \(random.pick(Vocabulary.times)), \(random.pick(Vocabulary.reportingClauses))."
        case 6:
            return "\(name()), who \(random.pick(Vocabulary.pastVerbs)) the \(random.pick(Vocabulary.nouns)) in "
                + "\(random.number(in: 1998...2024)), \(random.pick(Vocabulary.closings))."
        case 7:
            return "The \(random.pick(Vocabulary.nouns)) — \(money()) over \(random.number(in: 2...12)) years — "
                + "was \(random.pick(Vocabulary.pastVerbs)) by \(random.pick(Vocabulary.organisations)) "
                + "\(random.pick(Vocabulary.times))."
        case 8:
            let organisation = random.pick(Vocabulary.organisations).capitalisedFirst
            let apostrophe = random.chance(0.7) ? "’" : "'"
            return "\(organisation)\(apostrophe)s \(random.pick(Vocabulary.adjectives)) \(random.pick(Vocabulary.nouns)) "
                + "\(random.pick(Vocabulary.trendVerbs)) \(percentage()) in the year to \(random.pick(Vocabulary.deadlines)), "
                + "the largest change since \(random.number(in: 1990...2020))."
        default:
            return "\(random.pick(Vocabulary.connectors)) \(random.pick(Vocabulary.pluralNouns)) in "
                + "\(random.pick(Vocabulary.places)) said they had been \(random.pick(Vocabulary.pastVerbs)) by the "
                + "\(random.pick(Vocabulary.adjectives)) \(random.pick(Vocabulary.nouns)) and expected "
                + "\(random.pick(Vocabulary.pluralNouns)) to \(random.pick(Vocabulary.baseVerbs)) \(money())."
        }
    }

    private mutating func subject() -> String {
        switch random.below(4) {
        case 0: return name()
        case 1: return "the \(random.pick(Vocabulary.adjectives)) \(random.pick(Vocabulary.nouns))"
        case 2: return random.pick(Vocabulary.organisations)
        default: return "officials in \(random.pick(Vocabulary.places))"
        }
    }

    private mutating func name() -> String {
        "\(random.pick(Vocabulary.firstNames)) \(random.pick(Vocabulary.lastNames))"
    }

    // MARK: - Figures

    /// A count with digit groups, as wire copy writes them: "850", "5,000", "1,250,000".
    private mutating func count() -> String {
        let magnitude = random.number(in: 2...7)
        var limit = 1
        for _ in 0..<magnitude { limit *= 10 }
        return Self.grouped(random.number(in: limit / 10...limit - 1))
    }

    private mutating func percentage() -> String {
        "\(random.number(in: 0...40)).\(random.below(10)) percent"
    }

    private mutating func money() -> String {
        let currency = random.pick(["$", "$", "£", "€"])
        if random.chance(0.5) {
            return "\(currency)\(random.number(in: 1...99)).\(random.below(10)) billion"
        }
        return "\(currency)\(Self.grouped(random.number(in: 10...950))) million"
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}

extension String {
    /// The string with its first letter in upper case: organisations open sentences too.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
