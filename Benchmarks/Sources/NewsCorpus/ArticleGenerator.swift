import StorylineCore

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
    /// What the article being written is about, if anything: its words are drawn from it often.
    private var topic: Topic?

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// A new article.
    public mutating func article() -> NewsArticle {
        let dateline = place()
        var article = NewsArticle(headline: headline(), byline: "By \(reporter())", paragraphs: [])
        let target = random.number(in: Self.sizeRange)
        var size = article.text.utf8.count
        while size < target {
            var next = paragraph()
            if article.paragraphs.isEmpty { next = "\(dateline.uppercased()) (Storyline) — " + next }
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

    /// A new subject for a story: invented people, organisations and terms, and a place. Invented words
    /// are rare in the stream as names and subjects are in real news, so articles about one topic share
    /// words that little else has.
    public mutating func newTopic() -> Topic {
        func invented(_ syllables: ClosedRange<Int>) -> String {
            (0..<random.number(in: syllables)).map { _ in random.pick(Vocabulary.syllables) }.joined()
        }
        let people = (0..<4).map { _ in "\(random.pick(Vocabulary.firstNames)) \(invented(2...3).capitalisedFirst)" }
        let organisations = (0..<2).map { _ in
            "the \(invented(2...3).capitalisedFirst) \(random.pick(["Group", "Council", "Institute", "Authority", "Bank", "Union"]))"
        }
        let terms = (0..<10).map { _ in invented(2...4) }
        return Topic(people: people, organisations: organisations, terms: terms, place: random.pick(Vocabulary.places))
    }

    /// A new article about `topic`: about half of its subjects, names and organisations are the topic's.
    public mutating func article(about topic: Topic) -> NewsArticle {
        self.topic = topic
        defer { self.topic = nil }
        return article()
    }

    /// A later article on the story of `article`, about `topic`: the headline's subject and place kept, the
    /// opening paragraph restated as updates do, and the rest new. Too different to be a near-duplicate of
    /// `article`, close enough in its terms to join its story.
    public mutating func followUp(of article: NewsArticle, about topic: Topic) -> NewsArticle {
        self.topic = topic
        defer { self.topic = nil }
        var headlineWords = article.headline.split(separator: " ").map(String.init)
        // "Adjective Noun Verbed in Place as Nouns Trend": the development (verb and trend) changes.
        if headlineWords.count >= 8 {
            headlineWords[2] = random.pick(Vocabulary.pastVerbs).capitalisedFirst
            headlineWords[headlineWords.count - 1] = random.pick(Vocabulary.trendVerbs).capitalisedFirst
        }
        var update = NewsArticle(headline: headlineWords.joined(separator: " "), byline: "By \(reporter())", paragraphs: [])
        if let lede = article.paragraphs.first { update.paragraphs.append(lede) }
        let target = random.number(in: Self.sizeRange)
        var size = update.text.utf8.count
        while size < target {
            let next = paragraph()
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
            random.pick(Vocabulary.adjectives), noun(), random.pick(Vocabulary.pastVerbs),
            "in", place(), "as", random.pick(Vocabulary.pluralNouns),
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
                + "\(random.pick(Vocabulary.adjectives)) \(noun()) \(random.pick(Vocabulary.times))."
        case 1:
            return "\(subject().capitalisedFirst) \(random.pick(Vocabulary.pastVerbs)) a plan to "
                + "\(random.pick(Vocabulary.baseVerbs)) the \(noun()) in \(place()), "
                + "\(random.pick(Vocabulary.reportingClauses))."
        case 2:
            return "“\(random.pick(Vocabulary.quoteOpenings)),” said \(name()), \(random.pick(Vocabulary.titles)) at "
                + "\(organisation()). “\(random.pick(Vocabulary.quoteOpenings)).”"
        case 3:
            return "The number of \(random.pick(Vocabulary.pluralNouns)) \(random.pick(Vocabulary.trendVerbs)) "
                + "\(percentage()) to \(count()) \(random.pick(Vocabulary.times)), \(random.pick(Vocabulary.reportingClauses))."
        case 4:
            return "\(random.pick(Vocabulary.connectors)) \(subject()) said the \(noun()) would "
                + "\(random.pick(Vocabulary.baseVerbs)) \(count()) \(random.pick(Vocabulary.pluralNouns)) by "
                + "\(random.pick(Vocabulary.deadlines))."
        case 5:
            return "About \(count()) \(random.pick(Vocabulary.pluralNouns)) \(random.pick(Vocabulary.intransitivePastVerbs)) "
                + "in \(place()) \(random.pick(Vocabulary.times)), \(random.pick(Vocabulary.reportingClauses))."
        case 6:
            return "\(name()), who \(random.pick(Vocabulary.pastVerbs)) the \(noun()) in "
                + "\(random.number(in: 1998...2024)), \(random.pick(Vocabulary.closings))."
        case 7:
            return "The \(noun()) — \(money()) over \(random.number(in: 2...12)) years — "
                + "was \(random.pick(Vocabulary.pastVerbs)) by \(organisation()) "
                + "\(random.pick(Vocabulary.times))."
        case 8:
            let owner = organisation().capitalisedFirst
            let apostrophe = random.chance(0.7) ? "’" : "'"
            return "\(owner)\(apostrophe)s \(random.pick(Vocabulary.adjectives)) \(noun()) "
                + "\(random.pick(Vocabulary.trendVerbs)) \(percentage()) in the year to \(random.pick(Vocabulary.deadlines)), "
                + "the largest change since \(random.number(in: 1990...2020))."
        default:
            return "\(random.pick(Vocabulary.connectors)) \(random.pick(Vocabulary.pluralNouns)) in "
                + "\(place()) said they had been \(random.pick(Vocabulary.pastVerbs)) by the "
                + "\(random.pick(Vocabulary.adjectives)) \(noun()) and expected "
                + "\(random.pick(Vocabulary.pluralNouns)) to \(random.pick(Vocabulary.baseVerbs)) \(money())."
        }
    }

    private mutating func subject() -> String {
        switch random.below(4) {
        case 0: return name()
        case 1: return "the \(random.pick(Vocabulary.adjectives)) \(noun())"
        case 2: return organisation()
        default: return "officials in \(place())"
        }
    }

    /// A person in the story: one of the topic's people more often than not.
    private mutating func name() -> String {
        if let topic, random.chance(0.6) { return random.pick(topic.people) }
        return reporter()
    }

    /// Anyone: a byline, or a name outside the topic.
    private mutating func reporter() -> String {
        "\(random.pick(Vocabulary.firstNames)) \(random.pick(Vocabulary.lastNames))"
    }

    // Without a topic, each of these draws exactly what it did before topics existed, so `article()`
    // writes the same bytes for the same seed.

    private mutating func noun() -> String {
        if let topic, random.chance(0.5) { return random.pick(topic.terms) }
        return random.pick(Vocabulary.nouns)
    }

    private mutating func organisation() -> String {
        if let topic, random.chance(0.5) { return random.pick(topic.organisations) }
        return random.pick(Vocabulary.organisations)
    }

    private mutating func place() -> String {
        if let topic, random.chance(0.4) { return topic.place }
        return random.pick(Vocabulary.places)
    }

    // MARK: - Figures

    /// A count with digit groups, as wire copy writes them: "850", "5,000", "1,250,000".
    private mutating func count() -> String {
        let magnitude = random.number(in: 2...7)
        var limit = 1
        for _ in 0..<magnitude { limit *= 10 }
        return DigitGrouping.grouped(random.number(in: limit / 10...limit - 1))
    }

    private mutating func percentage() -> String {
        "\(random.number(in: 0...40)).\(random.below(10)) percent"
    }

    private mutating func money() -> String {
        let currency = random.pick(["$", "$", "£", "€"])
        if random.chance(0.5) {
            return "\(currency)\(random.number(in: 1...99)).\(random.below(10)) billion"
        }
        return "\(currency)\(DigitGrouping.grouped(random.number(in: 10...950))) million"
    }
}

extension String {
    /// The string with its first letter in upper case: organisations open sentences too.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
