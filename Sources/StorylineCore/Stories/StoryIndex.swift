import Foundation

/// The live stories, their term profiles, and an index to find the few stories an article may join.
///
/// A story's profile is the sum of its articles' term vectors, cut to its heaviest terms. Candidate
/// stories are found through the articles that share the new article's heaviest terms (a posting
/// list per term, recent articles only), never by scanning every story.
///
/// How an article is compared with a profile depends on how much the article says, but the evidence
/// it needs never gets weaker as it gets shorter or as the story gets bigger:
/// - A full article is compared with the story's articles on average (the profile's dot product over
///   its article count), which no size of story inflates, and joins at `storyThreshold`.
/// - A headline has too few terms to agree with every member; it is compared with the profile's
///   direction (the cosine with the sum, which a story's dominant names make up) and joins at
///   `headlineThreshold`, a higher bar: one shared word of a beat does not reach it.
/// Texts in between are measured and judged in between. Among the stories an article may join it
/// joins the most similar one, whatever their sizes.
///
/// Time is part of the similarity: an article within `storyWindowDays` of a story's coverage is
/// compared at full weight; beyond that the similarity halves every `storyHalfLifeDays`, and a story
/// whose factor has fallen under 1/16 is no candidate at all (`TimeDecay.factor(gapDays:)`).
public struct StoryIndex: Sendable {
    public struct Profile: Sendable {
        var centroid = TermWeights()
        public var norm: Float = 0
        /// Original articles in the centroid (duplicates add coverage, not terms).
        public var articles = 0
        /// What its lines say of it, coverage included.
        public var summary: StorySummary

        public var first: Timestamp { summary.first }
        public var last: Timestamp { summary.last }
    }

    /// A story an article is close to, and the evidence that ties them.
    public struct Match: Sendable {
        public var story: Int
        /// The term similarity weighed by the time factor: what the threshold was applied to.
        public var similarity: Double
        /// The terms that contribute most, heaviest first.
        public var sharedTerms: [UInt64]
        /// How far the article lies from the story's coverage, in days (0 inside it).
        public var gapDays: Double
    }

    /// How a story's candidacy fades with the time between an article and its coverage.
    public struct TimeDecay: Sendable, Hashable {
        /// Days of full weight around a story's coverage.
        public var windowDays: Double
        /// Beyond the window, the similarity halves every this many days.
        public var halfLifeDays: Double

        /// The weight of a story's similarity for an article `gapDays` from its coverage: 1 within the
        /// window, halving every half-life beyond it.
        public func factor(gapDays: Double) -> Double {
            let beyond = max(0, gapDays - windowDays)
            return beyond == 0 ? 1 : exp2(-beyond / halfLifeDays)
        }

        /// The factor under which a story is no candidate: four half-lives past its window.
        static let smallestFactor = 1.0 / 16

        /// How long after its last coverage a story can still take an article.
        public var candidacyDays: Double { windowDays + 4 * halfLifeDays }
    }

    /// What an article must reach to join a story.
    public struct Thresholds: Sendable, Hashable {
        /// Average cosine with the story's articles, for a full article.
        public var full: Double
        /// Cosine with the story's profile, for a headline.
        public var headline: Double
    }

    static let profileTerms = 200
    static let postedTerms = 15
    /// A headline's terms all go into the query: the words it shares with its story are often
    /// the ones the story has already made common, hence its lightest.
    static let queryTerms = 20
    static let postingsScanned = 200
    static let postingsKept = 512
    static let storiesScored = 8

    public private(set) var profiles: [Int: Profile] = [:]
    /// Open stories by the hour their candidacy ends, as of when it was filed (a story covered since is
    /// filed again under its later hour; `closeStories(asOf:decay:)` skips the stale entries).
    private var closing: [Int64: [Int]] = [:]
    /// The story of each original article, under the article's heaviest terms (folded), oldest first, at
    /// most `postingsKept` a term. Filed by story, not by article: a query reads a few thousand postings,
    /// and looking each article's story up in a table of a million costs a cache miss apiece.
    private var postings = PostingTable()

    public init() {}

    /// How many days `time` lies outside `profile`'s coverage (0 inside it).
    static func gapDays(_ profile: Profile, at time: Timestamp) -> Double {
        let milliseconds = max(0, time.millisecondsSinceEpoch - profile.last.millisecondsSinceEpoch,
                               profile.first.millisecondsSinceEpoch - time.millisecondsSinceEpoch)
        return Double(milliseconds) / Double(Timestamp.millisecondsPerDay)
    }

    /// The story `vector` should join at `time`: of the candidate stories whose similarity, weighed by
    /// time, reaches the threshold for a text of its length, the most similar.
    public func bestMatch(for vector: TermVector, at time: Timestamp, thresholds: Thresholds, decay: TimeDecay) -> Match? {
        var votes: [Int: Float] = [:]
        var articles: [UInt32] = []
        for (term, weight) in vector.terms.prefix(Self.queryTerms) {
            articles.removeAll(keepingCapacity: true)
            postings.forEach(under: Hashing.fold(term)) { articles.append($0) }
            var seen: Set<Int> = []
            for posted in articles.suffix(Self.postingsScanned) {
                let story = Int(posted)
                guard seen.insert(story).inserted else { continue }
                votes[story, default: 0] += weight
            }
        }
        let ranked = votes.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
        let fullness = Self.fullness(of: vector)
        let joining = Self.threshold(thresholds, fullness: fullness)
        var best: Match?
        var scored = 0
        for (story, _) in ranked {
            guard scored < Self.storiesScored else { break }
            guard let profile = profiles[story], profile.norm > 0, !profile.summary.closed else { continue }
            let gap = Self.gapDays(profile, at: time)
            let factor = decay.factor(gapDays: gap)
            guard factor >= TimeDecay.smallestFactor else { continue }
            scored += 1
            var contributions: [(UInt64, Float)] = []
            var dot: Float = 0
            for (term, weight) in vector.terms {
                guard let profileWeight = profile.centroid.weight(of: term) else { continue }
                dot += weight * profileWeight
                contributions.append((term, weight * profileWeight))
            }
            let similarity = Self.similarity(dot: dot, profile: profile, fullness: fullness) * factor
            guard similarity >= joining, similarity > best?.similarity ?? 0 else { continue }
            contributions.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            best = Match(story: story, similarity: min(1, similarity), sharedTerms: contributions.map(\.0), gapDays: gap)
        }
        return best
    }

    /// How much of a full term vector `vector` holds: 1 for an article with `TermVector.maximumTerms`
    /// terms or more, about 0.1 for a headline.
    static func fullness(of vector: TermVector) -> Double {
        min(1, Double(vector.terms.count) / Double(TermVector.maximumTerms))
    }

    /// The similarity of an article to a profile, from their dot product.
    ///
    /// Divides by `norm^(1 - fullness) × articles^fullness`: the cosine with the profile for a text of
    /// few terms, the average cosine with the story's articles for a full one, and in between for
    /// texts in between, so no length makes the measure jump.
    static func similarity(dot: Float, profile: Profile, fullness: Double) -> Double {
        let scale = pow(Double(profile.norm), 1 - fullness) * pow(Double(max(profile.articles, 1)), fullness)
        return Double(dot) / scale
    }

    /// The similarity at or above which a text of `fullness` joins a story: the headline threshold for
    /// a text of few terms, the full one for a full article, geometrically in between.
    ///
    /// The cosine with a profile is never below the average cosine with its articles, so the headline
    /// bar (on the first) is the higher: a shorter text needs as strong evidence, never less.
    public static func threshold(_ thresholds: Thresholds, fullness: Double) -> Double {
        pow(thresholds.headline, 1 - fullness) * pow(thresholds.full, fullness)
    }

    /// The threshold for `vector` (see `threshold(_:fullness:)`).
    public static func threshold(_ thresholds: Thresholds, for vector: TermVector) -> Double {
        threshold(thresholds, fullness: fullness(of: vector))
    }

    /// Starts story `story` with its first article, number `article`, titled `title`.
    public mutating func start(
        _ story: Int, vector: TermVector, at time: Timestamp, article: Int, title: String, titleIsHeadline: Bool, decay: TimeDecay
    ) {
        let summary = StorySummary(story: story, firstArticle: article, title: title, titleIsHeadline: titleIsHeadline, at: time)
        profiles[story] = Profile(summary: summary)
        addTerms(vector, to: story)
        fileForClosing(story, decay: decay)
    }

    /// Adds an original article to `story`'s profile and to the term postings.
    public mutating func add(
        _ vector: TermVector, to story: Int, at time: Timestamp, title: String, titleIsHeadline: Bool, decay: TimeDecay
    ) {
        profiles[story]?.summary.addOriginal(title: title, titleIsHeadline: titleIsHeadline)
        addTerms(vector, to: story)
        cover(story, at: time, decay: decay)
    }

    /// Adds a duplicate to `story`'s coverage: it extends the story's life, not its profile.
    ///
    /// A story the index does not hold (a restore from the horizon, whose original lay before it) is
    /// held from here for its summary, with no terms: no article is compared with it, and the daemon
    /// gives it the state's summary (`Engine.adoptSummary(_:)`).
    public mutating func addDuplicate(to story: Int, at time: Timestamp, root: Int, title: String, decay: TimeDecay) {
        if profiles[story] == nil {
            var summary = StorySummary(story: story, firstArticle: root, title: title, titleIsHeadline: false, at: time)
            summary.articles = 0
            profiles[story] = Profile(summary: summary)
            fileForClosing(story, decay: decay)
        }
        profiles[story]?.summary.articles += 1
        profiles[story]?.summary.duplicates += 1
        cover(story, at: time, decay: decay)
    }

    private mutating func addTerms(_ vector: TermVector, to story: Int) {
        guard var profile = profiles[story] else { return }
        profile.centroid.add(vector.terms)
        if profile.centroid.count > Self.profileTerms * 3 / 2 { profile.centroid.keepHeaviest(Self.profileTerms) }
        profile.norm = profile.centroid.norm
        profile.articles += 1
        profiles[story] = profile
        for key in Self.postingKeys(of: vector) {
            if let held = postings.insertCounting(UInt32(truncatingIfNeeded: story), under: key), held > Self.postingsKept {
                var oldest: [UInt32] = []
                postings.forEach(under: key) { if oldest.count < Self.postingsKept / 2 { oldest.append($0) } }
                for old in oldest { postings.remove(old, under: key) }
            }
        }
    }

    /// Records coverage of `story` at `time`.
    private mutating func cover(_ story: Int, at time: Timestamp, decay: TimeDecay) {
        guard var profile = profiles[story] else { return }
        let last = profile.last
        profile.summary.first = min(profile.summary.first, time)
        profile.summary.last = max(profile.summary.last, time)
        profiles[story] = profile
        if profile.last != last && !profile.summary.closed { fileForClosing(story, decay: decay) }
    }

    /// The hour in which a story last covered at `last` stops taking articles.
    private static func closingHour(_ last: Timestamp, decay: TimeDecay) -> Int64 {
        let end = Double(last.millisecondsSinceEpoch) + decay.candidacyDays * Double(Timestamp.millisecondsPerDay)
        return Int64((end / Double(Self.millisecondsPerHour)).rounded(.down))
    }

    private static let millisecondsPerHour: Int64 = 60 * 60 * 1000

    private mutating func fileForClosing(_ story: Int, decay: TimeDecay) {
        guard let profile = profiles[story] else { return }
        closing[Self.closingHour(profile.last, decay: decay), default: []].append(story)
    }

    /// Closes the stories whose candidacy has ended by `time`, an article's time judged after their
    /// last coverage: more than `decay.candidacyDays` (to the hour) after it. No article joins a closed
    /// story, even one dated inside its coverage that arrives late; a copy of one of its articles is
    /// still its duplicate. Returns their summaries, by story number.
    public mutating func closeStories(asOf time: Timestamp, decay: TimeDecay) -> [StorySummary] {
        let hour = time.millisecondsSinceEpoch / Self.millisecondsPerHour
        let due = closing.keys.filter { $0 < hour }
        guard !due.isEmpty else { return [] }
        var closed: [StorySummary] = []
        for key in due {
            for story in closing.removeValue(forKey: key) ?? [] {
                guard var profile = profiles[story], !profile.summary.closed,
                      Self.closingHour(profile.last, decay: decay) < hour else { continue }
                profile.summary.closed = true
                profiles[story] = profile
                closed.append(profile.summary)
            }
        }
        return closed.sorted { $0.story < $1.story }
    }

    /// The keys an original article is filed under: its heaviest terms, folded.
    public static func postingKeys(of vector: TermVector) -> [UInt32] {
        vector.terms.prefix(postedTerms).map { Hashing.fold($0.term) }
    }

    /// Forgets an original article of `story` that left the horizon, filed under `keys` (`postingKeys(of:)`).
    ///
    /// Under each key the story's oldest entry goes, which is the article's own: articles leave oldest first.
    /// (Under a term whose oldest entries were already dropped at `postingsKept`, a later entry of the same
    /// story may go instead; the story then has one vote fewer under that term, and only for a while.)
    public mutating func remove(from story: Int, postingKeys keys: [UInt32]) {
        for key in keys { postings.remove(UInt32(truncatingIfNeeded: story), under: key) }
    }

    /// Takes `summary` for its story, when the index holds the story.
    mutating func adopt(_ summary: StorySummary) {
        guard profiles[summary.story] != nil else { return }
        profiles[summary.story]!.summary = summary
    }

    /// Forgets stories whose last coverage is before `time`.
    public mutating func removeStories(lastCoveredBefore time: Timestamp) {
        profiles = profiles.filter { $0.value.last >= time }
    }
}

extension StoryIndex {
    func write(to writer: inout SnapshotWriter) throws {
        let stories = profiles.keys.sorted()
        try writer.put(stories.count)
        for story in stories {
            let profile = profiles[story]!
            try writer.put(story)
            try profile.centroid.write(to: &writer)
            try writer.put(profile.norm)
            try writer.put(profile.articles)
            try profile.summary.write(to: &writer)
        }
        try postings.write(to: &writer)
        let hours = closing.keys.sorted()
        try writer.put(hours.count)
        for hour in hours {
            try writer.put(hour)
            try writer.put(closing[hour]!.map { Int64($0) })
        }
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        let storyCount = try reader.count(of: 8)
        profiles.reserveCapacity(storyCount)
        for _ in 0..<storyCount {
            let story = try reader.get(Int.self)
            let centroid = try TermWeights(from: &reader)
            let norm: Float = try reader.get()
            let articles: Int = try reader.get()
            var profile = Profile(summary: try StorySummary(from: &reader))
            profile.centroid = centroid
            profile.norm = norm
            profile.articles = articles
            profiles[story] = profile
        }
        postings = try PostingTable(from: &reader)
        let hourCount = try reader.count(of: 16)
        for _ in 0..<hourCount {
            let hour: Int64 = try reader.get()
            closing[hour] = try reader.get([Int64].self).map { Int($0) }
        }
    }
}
