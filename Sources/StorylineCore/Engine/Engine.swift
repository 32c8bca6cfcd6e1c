/// What an article is, once the engine has judged it.
public enum Verdict: Sendable, Hashable {
    /// The article starts a new story.
    case started
    /// The article joins an active story; `terms` are the few that tied it there, `gapHours` how far
    /// it lies from the story's coverage (0 inside it).
    case extended(similarity: Double, terms: [String], gapHours: Int)
    /// The article is a near-duplicate of an earlier one.
    case duplicate(of: Int, measure: DuplicateMeasure, similarity: Double)
}

/// The measure that made two texts near-duplicates.
public enum DuplicateMeasure: String, Sendable, Hashable {
    /// Same file bytes.
    case exact
    /// Jaccard of the shingle sets at or above its threshold.
    case jaccard
    /// Enough of the shorter text found in the longer.
    case containment
}

/// The engine's judgement of one article.
public struct Judgement: Sendable, Hashable {
    /// The article's number (its id is `"a\(article)"`).
    public var article: Int
    /// The story's number (its id is `"s\(story)"`).
    public var story: Int
    /// Words of the body after furniture was removed.
    public var words: Int
    public var verdict: Verdict
    /// Candidates whose stored shingles could not be read back (`ArchivedFingerprint.unreadable`): they
    /// were not compared, so this article may be a near-duplicate of one of them. Not stored.
    public var unreadCandidates: [String] = []
    /// The story as this article leaves it (nil only in a judgement not made by an engine). Not stored.
    public var summary: StorySummary?
    /// For a duplicate, the original at the root of its chain: `duplicate_of` may itself be a copy.
    /// Not stored.
    public var root: Int?
    /// Stories that stopped taking articles once this article was judged: it lies past their candidacy
    /// (`StoryIndex.closeStories(asOf:decay:)`). Not stored.
    public var closedStories: [StorySummary] = []

    public init(article: Int, story: Int, words: Int, verdict: Verdict) {
        self.article = article
        self.story = story
        self.words = words
        self.verdict = verdict
    }
}

/// An article ready for judgement: its folded text and what the file said about it.
public struct Submission: Sendable {
    public var title: TokenizedText
    public var body: TokenizedText
    public var sha256: String
    /// Publication time when the file gave a believable one, else arrival time: what story windows use.
    public var time: Timestamp
    /// When the file was read, by the daemon's clock (nil where no clock is involved, as in tests).
    public var arrival: Timestamp?
    /// Whether the title is a headline the producer gave, not the text's first line: it may then name
    /// the story (`StorySummary.label`).
    public var titleIsHeadline = false
    /// What its words come to, made ahead of judgement (`ArticleAnalyzer`); nil: the engine makes it.
    public var analysis: ArticleAnalysis?

    public init(title: TokenizedText, body: TokenizedText, sha256: String, time: Timestamp) {
        self.title = title
        self.body = body
        self.sha256 = sha256
        self.time = time
    }
}

/// Where the engine finds the shingles of an article it no longer holds in memory.
///
/// A daemon keeps every article's shingles in its state once they are committed, and tells the engine
/// so (`releaseFingerprints(of:)`); they are read back only for the few candidates an arrival has, so
/// memory no longer grows by an article's shingles (about 2 KB) for each article indexed.
public protocol FingerprintArchive: Sendable {
    /// The shingles stored for article `number`.
    func fingerprint(ofArticle number: Int) -> ArchivedFingerprint
}

/// What an archive holds for an article.
public enum ArchivedFingerprint: Sendable, Hashable {
    case found(CompactFingerprint)
    /// None were stored (a build that kept them only in memory): the article is not compared.
    case notStored
    /// They were stored but cannot be read back: why, naming the article. The article is not compared,
    /// and the judgement says so (`Judgement.unreadCandidates`).
    case unreadable(String)
}

/// Recognises near-duplicates and groups articles into stories, one article at a time.
///
/// For each article: exact copies are found by their bytes' SHA-256; near-duplicates through two
/// indexes (MinHash LSH for similar texts, sampled shingles for texts that hold one another), every
/// candidate verified against its exact shingle set, so no estimate decides. An article that copies
/// nothing joins the most similar active story or starts one. Coverage older than the horizon leaves
/// every index, so memory follows the horizon, not the age of the stream.
public struct Engine: Sendable {
    struct ArticleRecord: Sendable {
        var story: Int
        var time: Timestamp
        /// Nil once the archive holds it.
        var fingerprint: CompactFingerprint?
        var bandKeys: [UInt32]
        var sample: [UInt32]
        var postingKeys: [UInt32]
        var sha256: String
        /// The original at the root of its duplicate chain; its own number for an original.
        var root: UInt32
    }

    public let configuration: EngineConfiguration
    /// Analyses the articles that come without an analysis, or with one a learned furniture line spoils.
    private var analyzer: ArticleAnalyzer
    private var lsh: LSHIndex
    private var containment: ContainmentIndex
    private var boilerplate: Boilerplate
    private var frequencies = DocumentFrequencies()
    private var stories = StoryIndex()
    private var articles: [UInt32: ArticleRecord] = [:]
    private var articlesBySHA: [String: UInt32] = [:]
    private var articlesByDay: [Int64: [UInt32]] = [:]
    private var newest: Timestamp?
    /// When the last article judged (not restored) arrived: what tells a backfill from a quiet spell.
    private var lastArrival: Timestamp?
    private var nextArticle = 1
    private var nextStory = 1
    /// Where released fingerprints are read back from.
    public var fingerprintArchive: (any FingerprintArchive)?

    /// - Throws: `ConfigurationError` when the configuration cannot work.
    public init(configuration: EngineConfiguration = EngineConfiguration()) throws(ConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        analyzer = ArticleAnalyzer(configuration: configuration)
        lsh = LSHIndex(bands: configuration.bands, rows: configuration.rows)
        containment = ContainmentIndex(sampling: configuration.containmentSampling)
        boilerplate = Boilerplate(learnAfterStories: configuration.boilerplateStories)
    }

    /// Articles currently indexed.
    public var indexedArticles: Int { articles.count }
    /// Stories currently live.
    public var liveStories: Int { stories.profiles.count }

    /// The words of `body` left once furniture lines are removed, as the engine sees them now.
    public func content(of body: TokenizedText) -> (tokens: [Token], ranges: [Range<Int>]) {
        let ranges = boilerplate.contentRanges(of: body)
        // No furniture (the common case): the words are the body's own, shared, not copied.
        if ranges.count == body.lineStarts.count { return (body.tokens, ranges) }
        var tokens: [Token] = []
        tokens.reserveCapacity(body.tokens.count)
        for range in ranges { tokens.append(contentsOf: body.tokens[range]) }
        return (tokens, ranges)
    }

    /// The words an article is judged on: its body's content, or its title when the body is all page
    /// furniture (a headline over an agency's copyright line, a caption-like headline repeated as the
    /// text). The ranges are the body's content ranges, empty when the title stands in for it.
    ///
    /// - Throws: `ArticleRejection` with code `empty` when neither the body nor the title holds words.
    public func judgedWords(title: TokenizedText, body: TokenizedText) throws(ArticleRejection) -> (tokens: [Token], ranges: [Range<Int>]) {
        let (tokens, ranges) = content(of: body)
        if !tokens.isEmpty { return (tokens, ranges) }
        guard !title.tokens.isEmpty else {
            throw ArticleRejection(.empty, "the text holds no words once page furniture is removed, and there is no title")
        }
        return (title.tokens, [])
    }

    /// The shingles and signature of a list of words.
    public func fingerprint(of tokens: [Token]) -> (fingerprint: Fingerprint, signature: Signature) {
        analyzer.fingerprint(of: tokens)
    }

    /// The unit term vector of an article, weighted by what the stream has taught so far.
    public mutating func termVector(title: TokenizedText, body: TokenizedText, ranges: [Range<Int>]) -> (TermBag, TermVector) {
        let bag = TermBag(title: title, body: body, bodyRanges: ranges, stems: &analyzer.stems)
        return (bag, TermVector(bag, frequencies: frequencies))
    }

    /// The decision the thresholds give for two shingle sets.
    public func duplicateMeasure(for overlap: Overlap) -> (DuplicateMeasure, Double)? {
        if overlap.jaccard >= configuration.jaccardThreshold { return (.jaccard, overlap.jaccard) }
        if overlap.shorterShingles >= configuration.minimumContainmentShingles,
           overlap.containmentOfShorter >= configuration.containmentThreshold {
            return (.containment, overlap.containmentOfShorter)
        }
        return nil
    }

    /// The shingles of article `number` while the engine holds them (until they are released).
    public func fingerprint(ofArticle number: Int) -> CompactFingerprint? {
        articles[UInt32(truncatingIfNeeded: number)]?.fingerprint
    }

    /// Drops the shingles of these articles from memory: `fingerprintArchive` holds them now.
    public mutating func releaseFingerprints<Numbers: Sequence<Int>>(of numbers: Numbers) {
        for number in numbers { articles[UInt32(truncatingIfNeeded: number)]?.fingerprint = nil }
    }

    /// Judges one article and remembers it.
    ///
    /// - Throws: `ArticleRejection` with code `empty` when neither the body, once furniture is removed,
    ///   nor the title holds a word.
    public mutating func judge(_ submission: Submission) throws(ArticleRejection) -> Judgement {
        try process(submission, recorded: nil)
    }

    /// The time to judge an article at that has no publication time, or one not believed
    /// (`Submission.judgedTime(published:arrival:)`): when it arrived, or, while the engine works
    /// through older coverage (its clock, the newest time judged, over a story window behind the
    /// arrival, while the last article judged arrived within a story window: a backfill of an archive,
    /// not a feed back after a quiet weekend), the engine's clock. So one undated file or bad date in a
    /// backfill neither moves the clock to today, which would stop old coverage from leaving the
    /// indexes for the rest of the backfill (memory then grows with the backfill: `make soak` found it),
    /// nor lands the article in a day the backfill has not reached. In a live feed the clock is within a
    /// story window of the arrival, and the arrival is taken.
    public func placement(ofArrival arrival: Timestamp) -> Timestamp {
        let windowAgo = arrival.adding(days: -configuration.storyWindowDays)
        guard let newest, let lastArrival, newest < windowAgo, lastArrival >= windowAgo else { return arrival }
        return newest
    }

    /// Tells a rebuilt engine when the last article it holds was read (the state keeps it): without
    /// it, the first undated file after a restart in the middle of a backfill would be judged at today.
    public mutating func noteLastArrival(_ arrival: Timestamp) {
        lastArrival = max(lastArrival ?? arrival, arrival)
    }

    /// Remembers an article judged in an earlier run, exactly as it was judged then.
    ///
    /// The daemon rebuilds its indexes at start-up by restoring every article within the horizon, in
    /// the order they were judged; the indexes, story profiles and learned weights end as they were.
    ///
    /// - Throws: `ArticleRejection` when the text holds no words (it cannot have been judged).
    public mutating func restore(_ submission: Submission, as judgement: Judgement) throws(ArticleRejection) {
        _ = try process(submission, recorded: judgement)
    }

    private mutating func process(_ submission: Submission, recorded: Judgement?) throws(ArticleRejection) -> Judgement {
        let analysis = try analysis(of: submission)
        if recorded == nil, let arrival = submission.arrival { lastArrival = arrival }
        let number = UInt32(truncatingIfNeeded: recorded?.article ?? nextArticle)
        nextArticle = max(nextArticle, Int(number) + 1)
        var record = ArticleRecord(
            story: 0, time: submission.time, fingerprint: analysis.fingerprint, bandKeys: analysis.bandKeys,
            sample: analysis.sample, postingKeys: [], sha256: submission.sha256, root: number)

        var judgement: Judgement
        let duplicate: (UInt32, DuplicateMeasure, Double)?
        var unread: [String] = []
        switch recorded?.verdict {
        case nil:
            duplicate = nearestDuplicate(sha256: submission.sha256, record: record, shingles: analysis.shingles, unread: &unread)
        case let .duplicate(original, measure, similarity)?:
            duplicate = (UInt32(truncatingIfNeeded: original), measure, similarity)
        default:
            duplicate = nil
        }
        if let (original, measure, similarity) = duplicate {
            record.story = recorded?.story ?? articles[original]!.story
            record.root = articles[original]?.root ?? original
            stories.addDuplicate(to: record.story, at: submission.time, root: Int(record.root), title: submission.title.source,
                                 decay: decay)
            judgement = Judgement(
                article: Int(number), story: record.story, words: analysis.words,
                verdict: .duplicate(of: Int(original), measure: measure, similarity: similarity))
            judgement.root = Int(record.root)
        } else {
            let bag = analysis.bag
            let vector = TermVector(bag, frequencies: frequencies)
            if let recorded {
                record.story = recorded.story
                nextStory = max(nextStory, recorded.story + 1)
                if recorded.verdict == .started || stories.profiles[record.story] == nil {
                    learn(bag, joining: nil)
                    stories.start(record.story, vector: vector, at: submission.time, article: Int(number),
                                  title: submission.title.source, titleIsHeadline: submission.titleIsHeadline, decay: decay)
                } else {
                    learn(bag, joining: record.story)
                    stories.add(vector, to: record.story, at: submission.time, title: submission.title.source,
                                titleIsHeadline: submission.titleIsHeadline, decay: decay)
                }
                judgement = recorded
            } else if let match = stories.bestMatch(
                for: vector, at: submission.time, thresholds: configuration.storyThresholds,
                decay: configuration.storyDecay) {
                record.story = match.story
                learn(bag, joining: match.story)
                stories.add(vector, to: match.story, at: submission.time, title: submission.title.source,
                            titleIsHeadline: submission.titleIsHeadline, decay: decay)
                let terms = bag.spellings(of: Array(match.sharedTerms.prefix(5)), stems: &analyzer.stems).compactMap { $0 }
                judgement = Judgement(
                    article: Int(number), story: match.story, words: analysis.words,
                    verdict: .extended(similarity: match.similarity, terms: Array(terms), gapHours: Int((match.gapDays * 24).rounded())))
            } else {
                record.story = nextStory
                nextStory += 1
                learn(bag, joining: nil)
                stories.start(record.story, vector: vector, at: submission.time, article: Int(number),
                              title: submission.title.source, titleIsHeadline: submission.titleIsHeadline, decay: decay)
                judgement = Judgement(article: Int(number), story: record.story, words: analysis.words, verdict: .started)
            }
            record.postingKeys = StoryIndex.postingKeys(of: vector)
            boilerplate.observe(submission.body, story: record.story)
        }
        remember(number, record)
        judgement.unreadCandidates = unread
        judgement.summary = stories.profiles[record.story]?.summary
        // By this article's time, not the newest judged: an undated file judged at its arrival before a
        // backfill of older coverage does not close each story of the backfill as soon as it starts.
        judgement.closedStories = stories.closeStories(asOf: submission.time, decay: decay)
        return judgement
    }

    /// What `submission` is judged on: the analysis it came with, unless it was made under another
    /// configuration or a line of the body it kept is furniture the stream has taught since; else its
    /// words as they are judged now (`judgedWords(title:body:)`).
    private mutating func analysis(of submission: Submission) throws(ArticleRejection) -> ArticleAnalysis {
        if let given = submission.analysis, given.shape == analyzer.shape,
           !boilerplate.holdsLearnedFurniture(submission.body, among: given.contentRanges) {
            return given
        }
        let (tokens, ranges) = try judgedWords(title: submission.title, body: submission.body)
        return analyzer.analyze(title: submission.title, body: submission.body, tokens: tokens, ranges: ranges)
    }

    /// How stories fade and close.
    private var decay: StoryIndex.TimeDecay { configuration.storyDecay }

    /// The term and story frequencies learned from the stream so far: what weighs a term.
    public var learnedFrequencies: DocumentFrequencies { frequencies }

    /// The earliest last coverage of a story the engine holds (nil when it holds none).
    public var oldestStoryCoverage: Timestamp? {
        stories.profiles.values.lazy.map(\.last).min()
    }

    /// The summary of story `story` while the engine holds it.
    public func summary(ofStory story: Int) -> StorySummary? {
        stories.profiles[story]?.summary
    }

    /// Takes the state's summary of a story it holds, after a restore: the state counted every article
    /// of the story, the restore only those within the horizon.
    public mutating func adoptSummary(_ summary: StorySummary) {
        stories.adopt(summary)
    }

    /// Counts an original article's terms in the frequencies, before it joins `story` (nil: it starts
    /// one): for the story frequency, only the terms its story's profile does not hold yet.
    private mutating func learn(_ bag: TermBag, joining story: Int?) {
        guard let story, let held = stories.profiles[story]?.centroid else {
            frequencies.observe(bag.terms, startsStory: true) { _ in true }
            return
        }
        frequencies.observe(bag.terms, startsStory: false) { held.weight(of: $0) == nil }
    }

    /// The best near-duplicate among the candidates; `unread` gets those whose shingles cannot be read.
    private func nearestDuplicate(
        sha256: String, record: ArticleRecord, shingles: ShingleSet, unread: inout [String]
    ) -> (UInt32, DuplicateMeasure, Double)? {
        if let original = articlesBySHA[sha256] { return (original, .exact, 1) }
        var candidates = lsh.candidates(for: record.bandKeys)
        candidates.formUnion(containment.candidates(for: record.sample))
        guard !candidates.isEmpty else { return nil }
        let fingerprint = record.fingerprint!.fingerprint
        var best: (UInt32, DuplicateMeasure, Double)?
        for candidate in candidates.sorted() {
            guard let other = self.fingerprint(of: candidate, unread: &unread),
                  case let overlap = Overlap(fingerprint, shingles, other, other.set),
                  let (measure, value) = duplicateMeasure(for: overlap)
            else { continue }
            if best == nil || Self.rank(measure, value) > Self.rank(best!.1, best!.2) {
                best = (candidate, measure, value)
            }
        }
        return best
    }

    /// A candidate's shingles, from memory or from the archive.
    private func fingerprint(of candidate: UInt32, unread: inout [String]) -> Fingerprint? {
        guard let record = articles[candidate] else { return nil }
        if let held = record.fingerprint { return held.fingerprint }
        switch fingerprintArchive?.fingerprint(ofArticle: Int(candidate)) {
        case let .found(stored)?: return stored.fingerprint
        case let .unreadable(reason)?: unread.append(reason); return nil
        case .notStored?, nil: return nil
        }
    }

    /// Orders duplicate evidence: any Jaccard match above any containment match, then by value.
    private static func rank(_ measure: DuplicateMeasure, _ value: Double) -> Double {
        measure == .containment ? value : 1 + value
    }

    private mutating func remember(_ number: UInt32, _ record: ArticleRecord) {
        articles[number] = record
        if articlesBySHA[record.sha256] == nil { articlesBySHA[record.sha256] = number }
        lsh.insert(number, bandKeys: record.bandKeys)
        containment.insert(number, sample: record.sample)
        let day = record.time.millisecondsSinceEpoch / Timestamp.millisecondsPerDay
        articlesByDay[day, default: []].append(number)
        if newest == nil || record.time > newest! {
            let previousDay = newest.map { $0.millisecondsSinceEpoch / Timestamp.millisecondsPerDay }
            newest = record.time
            if previousDay != day { evict(olderThan: record.time.adding(days: -configuration.horizonDays)) }
        }
    }

    /// Removes coverage older than `cutoff` from every index.
    private mutating func evict(olderThan cutoff: Timestamp) {
        let cutoffDay = cutoff.millisecondsSinceEpoch / Timestamp.millisecondsPerDay
        for day in articlesByDay.keys where day < cutoffDay {
            for number in articlesByDay.removeValue(forKey: day) ?? [] {
                guard let record = articles.removeValue(forKey: number) else { continue }
                lsh.remove(number, bandKeys: record.bandKeys)
                containment.remove(number, sample: record.sample)
                stories.remove(from: record.story, postingKeys: record.postingKeys)
                if articlesBySHA[record.sha256] == number { articlesBySHA[record.sha256] = nil }
            }
        }
        // By the same day as the articles, so a story outlives every article of it still held.
        stories.removeStories(lastCoveredBefore: Timestamp(millisecondsSinceEpoch: cutoffDay * Timestamp.millisecondsPerDay))
    }
}

extension Submission {
    /// How far past its arrival a publication time is still believed: a feed's clock a little fast.
    ///
    /// A producer's date is data, not the clock. An article cannot be published after it arrives, and
    /// the engine's clock (the newest time it has judged) decides what leaves the indexes: one file
    /// dated 2100 would evict every earlier article and so turn off duplicate detection. A later date
    /// (a time zone written wrong, a typo, an embargo time) is kept on the article's line as given and
    /// the article is judged as published when it arrived.
    public static let clockSkewMilliseconds: Int64 = 60 * 60 * 1000

    /// The time an article is judged at: its publication time, unless there is none or it lies more
    /// than `clockSkewMilliseconds` after `arrival`; then `arrival`. Old dates are kept: a backfill of
    /// an archive is judged through its own dates, as a feed of that time was.
    public static func judgedTime(published: Timestamp?, arrival: Timestamp) -> Timestamp {
        guard let published, published.millisecondsSinceEpoch - arrival.millisecondsSinceEpoch <= clockSkewMilliseconds else {
            return arrival
        }
        return published
    }

    /// Folds and analyses a parsed article's title and body; its time is `judgedTime(published:arrival:)`.
    public init(_ article: ParsedArticle, sha256: String, arrival: Timestamp, analyzer: inout ArticleAnalyzer) {
        self.init(
            title: analyzer.tokenizer.tokenize(article.title), body: analyzer.tokenizer.tokenize(article.body),
            sha256: sha256, time: Self.judgedTime(published: article.publishedTime, arrival: arrival))
        self.arrival = arrival
        titleIsHeadline = article.titleIsHeadline
        analysis = analyzer.analyze(title: title, body: body)
    }
}

extension Engine {
    /// Bumped whenever what a snapshot holds changes (7: story summaries and closing, duplicate roots);
    /// an older snapshot is then not read.
    static let snapshotFormat: UInt32 = 7
    private static let snapshotMagic = Array("storyline-engine".utf8)

    /// The highest article number judged or restored (0 when none).
    public var lastArticle: Int { nextArticle - 1 }

    /// Makes the next article and story numbers follow `article` and `story`, the highest a state
    /// holds: an engine rebuilt from the articles within the horizon must not hand out a number an
    /// older article or story already has.
    public mutating func reserveNumbers(throughArticle article: Int, story: Int) {
        nextArticle = max(nextArticle, article + 1)
        nextStory = max(nextStory, story + 1)
    }

    /// Writes everything the engine holds, in `chunk`-sized pieces handed to `sink`, ending with a
    /// checksum. `Engine(configuration:snapshot:)` reads it back into an engine that judges exactly as
    /// this one would.
    public func writeSnapshot(to sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        var writer = SnapshotWriter(sink: sink)
        try writer.put(Self.snapshotMagic)
        try writer.put(Self.snapshotFormat)
        try configuration.write(to: &writer)
        try writer.put(nextArticle)
        try writer.put(nextStory)
        try writer.put(newest != nil)
        try writer.put(newest ?? Timestamp(millisecondsSinceEpoch: 0))
        let numbers = articles.keys.sorted()
        try writer.put(numbers)
        for number in numbers {
            let record = articles[number]!
            try writer.put(record.story)
            try writer.put(record.time)
            try writer.put(record.fingerprint != nil)
            try writer.put(record.fingerprint?.sequence ?? [])
            try writer.put(record.fingerprint?.width ?? 0)
            try writer.put(record.bandKeys)
            try writer.put(record.sample)
            try writer.put(record.postingKeys)
            try writer.put(record.sha256)
            try writer.put(record.root)
            try writer.put(articlesBySHA[record.sha256] == number)
        }
        try lsh.write(to: &writer)
        try containment.write(to: &writer)
        try boilerplate.write(to: &writer)
        try frequencies.write(to: &writer)
        try stories.write(to: &writer)
        try writer.finish()
    }

    /// An engine as `writeSnapshot(to:)` left it. Fingerprints that were released are read from
    /// `fingerprintArchive`, which the caller sets again.
    ///
    /// - Throws: `SnapshotError` when the bytes are damaged, from another snapshot format, or were
    ///   written with other engine settings than `configuration`.
    public init(configuration: EngineConfiguration, snapshot bytes: UnsafeRawBufferPointer) throws(SnapshotError) {
        do { try self.init(configuration: configuration) } catch {
            throw SnapshotError("the engine settings cannot work: \(error)")
        }
        var reader = try SnapshotReader(bytes)
        guard try reader.get([UInt8].self) == Self.snapshotMagic else { throw SnapshotError("not an engine snapshot") }
        let format = try reader.get(UInt32.self)
        guard format == Self.snapshotFormat else {
            throw SnapshotError("snapshot format \(format), this build reads \(Self.snapshotFormat)")
        }
        guard try EngineConfiguration(from: &reader) == configuration else {
            throw SnapshotError("written with other engine settings")
        }
        nextArticle = try reader.get()
        nextStory = try reader.get()
        let hasNewest = try reader.get(Bool.self)
        let newestTime = try reader.get(Timestamp.self)
        newest = hasNewest ? newestTime : nil
        let numbers: [UInt32] = try reader.get()
        articles.reserveCapacity(numbers.count)
        for number in numbers {
            let story: Int = try reader.get(), time: Timestamp = try reader.get()
            let held: Bool = try reader.get(), sequence: [UInt32] = try reader.get(), width: Int = try reader.get()
            let record = ArticleRecord(
                story: story, time: time, fingerprint: held ? CompactFingerprint(sequence: sequence, width: width) : nil,
                bandKeys: try reader.get(), sample: try reader.get(), postingKeys: try reader.get(), sha256: try reader.get(),
                root: try reader.get())
            if try reader.get(Bool.self) { articlesBySHA[record.sha256] = number }
            articles[number] = record
            articlesByDay[record.time.millisecondsSinceEpoch / Timestamp.millisecondsPerDay, default: []].append(number)
        }
        lsh = try LSHIndex(bands: configuration.bands, rows: configuration.rows, from: &reader)
        containment = try ContainmentIndex(sampling: configuration.containmentSampling, from: &reader)
        boilerplate = try Boilerplate(learnAfterStories: configuration.boilerplateStories, from: &reader)
        frequencies = try DocumentFrequencies(from: &reader)
        stories = try StoryIndex(from: &reader)
        try reader.require(reader.isAtEnd, "bytes left after the last index")
    }
}
