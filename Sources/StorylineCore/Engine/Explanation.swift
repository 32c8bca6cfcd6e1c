/// Everything the engine would weigh when comparing two articles, in words a person can follow.
public struct Explanation: Sendable {
    public struct Side: Sendable {
        public var name: String
        public var title: String
        public var words: Int
        public var shingles: Int
    }

    public var left: Side
    public var right: Side
    public var sameBytes: Bool
    public var overlap: Overlap
    public var estimatedJaccard: Double
    public var agreeingBands: Int
    public var storySimilarity: Double
    public var sharedTerms: [String]
    /// The similarity at which B would join a story like A (lower for a headline).
    public var joinThreshold: Double
    public var duplicate: (DuplicateMeasure, Double)?
    public var configuration: EngineConfiguration
    /// The frequencies the terms were weighed by, before the two articles: a running state's, or none.
    public var learned: DocumentFrequencies?

    /// Compares two parsed articles as a fresh engine would, or, given `learned`, an engine that has
    /// learned those frequencies (a running state's, `Engine.learnedFrequencies`).
    ///
    /// - Throws: `ConfigurationError` when the configuration cannot work; `ArticleRejection` (code
    ///   `empty`) when a text holds no words once furniture is removed, as `ingest` would reject it.
    public init(
        _ leftArticle: (name: String, article: ParsedArticle, sha256: String),
        _ rightArticle: (name: String, article: ParsedArticle, sha256: String),
        configuration: EngineConfiguration = EngineConfiguration(), learned: DocumentFrequencies? = nil
    ) throws {
        let engine = try Engine(configuration: configuration)
        self.configuration = configuration
        var tokenizer = Tokenizer()
        var stems = StemCache()
        self.learned = learned
        var frequencies = learned ?? DocumentFrequencies()
        var sides: [Side] = []
        var bags: [TermBag] = []
        var sets: [(Fingerprint, Signature)] = []
        for (name, article, _) in [leftArticle, rightArticle] {
            let title = tokenizer.tokenize(article.title)
            let body = tokenizer.tokenize(article.body)
            let (tokens, ranges): ([Token], [Range<Int>])
            do { (tokens, ranges) = try engine.judgedWords(title: title, body: body) } catch {
                throw ArticleRejection(.empty, "\(name) holds no words once page furniture is removed, and no title")
            }
            let fingerprint = engine.fingerprint(of: tokens)
            let bag = TermBag(title: title, body: body, bodyRanges: ranges, stems: &stems)
            frequencies.observe(bag.terms, startsStory: true) { _ in true }
            bags.append(bag)
            sets.append(fingerprint)
            sides.append(Side(name: name, title: article.title, words: tokens.count, shingles: fingerprint.fingerprint.set.count))
        }
        left = sides[0]
        right = sides[1]
        sameBytes = leftArticle.sha256 == rightArticle.sha256
        overlap = Overlap(CompactFingerprint(sets[0].0), CompactFingerprint(sets[1].0))
        estimatedJaccard = sets[0].1.estimatedJaccard(with: sets[1].1)
        let lsh = LSHIndex(bands: configuration.bands, rows: configuration.rows)
        agreeingBands = (0..<configuration.bands).filter {
            lsh.bandKey(sets[0].1, band: $0) == lsh.bandKey(sets[1].1, band: $0)
        }.count
        let vectors = bags.map { TermVector($0, frequencies: frequencies) }
        storySimilarity = vectors[0].cosine(with: vectors[1])
        joinThreshold = StoryIndex.threshold(configuration.storyThresholds, for: vectors[1])
        let rightWeights = Dictionary(vectors[1].terms.map { ($0.term, $0.weight) }, uniquingKeysWith: +)
        let shared = vectors[0].terms
            .compactMap { term, weight in rightWeights[term].map { (term, weight * $0) } }
            .sorted { $0.1 > $1.1 }
            .prefix(8)
        sharedTerms = bags[0].spellings(of: shared.map(\.0), stems: &stems).compactMap { $0 }
        duplicate = sameBytes ? (.exact, 1) : engine.duplicateMeasure(for: overlap)
    }

    /// The explanation as lines of text.
    public var text: String {
        func number(_ value: Double) -> String {
            let scaled = Int((value * 1000).rounded())
            return scaled >= 1000 ? "1.000" : "0." + String(repeating: "0", count: 3 - String(scaled).count) + String(scaled)
        }
        let c = configuration
        var lines: [String] = []
        for (label, side) in [("A", left), ("B", right)] {
            lines.append("\(label): \(side.name)  \"\(side.title)\"")
            lines.append("   \(side.words) words, \(side.shingles) distinct shingles of \(c.shingleSize) content words")
        }
        lines.append("")
        lines.append("same bytes (SHA-256)      \(sameBytes ? "yes" : "no")")
        lines.append("shared shingles           \(overlap.common)")
        lines.append("exact Jaccard             \(number(overlap.jaccard))   (duplicate at >= \(c.jaccardThreshold))")
        lines.append("estimated Jaccard         \(number(estimatedJaccard))   (MinHash, \(c.signatureSlots) slots)")
        lines.append("LSH bands agreeing        \(agreeingBands) of \(c.bands) (\(c.rows) rows each): "
            + (agreeingBands > 0 ? "a candidate pair" : "not a candidate by LSH"))
        lines.append("A contained in B          \(number(overlap.leftContainment))   (share of A's content words in shingles B has)")
        lines.append("B contained in A          \(number(overlap.rightContainment))   (duplicate at >= "
            + "\(c.containmentThreshold) for the shorter text, if it has >= \(c.minimumContainmentShingles) shingles)")
        lines.append("story similarity          \(number(storySimilarity))   (B would join a story at >= \(number(joinThreshold)))")
        lines.append("terms they share most     " + (sharedTerms.isEmpty ? "(none)" : sharedTerms.joined(separator: ", ")))
        if let learned {
            let stories = learned.stories == 1 ? "1 story" : "\(learned.stories) stories"
            lines.append("terms weighed by          what the state has learned (\(learned.articles) original articles, "
                + "\(stories)), and these two")
        } else {
            lines.append("terms weighed by          these two files alone (give --state to weigh them as the daemon does)")
        }
        lines.append("")
        let shorter = overlap.leftIsShorter ? "A" : "B"
        switch duplicate {
        case (.exact, _)?:
            lines.append("decision: DUPLICATE. The files hold the same bytes.")
        case let (.jaccard, value)?:
            lines.append("decision: DUPLICATE by Jaccard. The texts share \(number(value)) of their combined shingles, "
                + "at or above \(c.jaccardThreshold).")
        case let (.containment, value)?:
            lines.append("decision: DUPLICATE by containment. \(number(value)) of the shorter text (\(shorter)) "
                + "appears in the other, at or above \(c.containmentThreshold): a truncated or extended copy.")
        case nil:
            if storySimilarity >= joinThreshold {
                lines.append("decision: NOT duplicates (Jaccard \(number(overlap.jaccard)) < \(c.jaccardThreshold), "
                    + "containment \(number(overlap.containmentOfShorter)) < \(c.containmentThreshold)), but the SAME STORY: "
                    + "their terms agree at \(number(storySimilarity)), at or above \(number(joinThreshold)).")
            } else {
                lines.append("decision: NOT duplicates and NOT the same story: Jaccard \(number(overlap.jaccard)), "
                    + "containment \(number(overlap.containmentOfShorter)), story similarity \(number(storySimilarity)) "
                    + "are all below their thresholds.")
            }
        }
        lines.append("(In a running stream the story decision also weighs terms by how rare they are across the "
            + "stories and articles seen, compares with the whole story, not one article, and weighs the similarity "
            + "down when the article lies more than \(c.storyWindowDays) days from the story's coverage.)")
        return lines.joined(separator: "\n") + "\n"
    }
}
