import Foundation

/// The live stories, their term profiles, and an index to find the few stories an article may join.
///
/// A story's profile is the sum of its articles' term vectors, cut to its heaviest terms. Candidate
/// stories are found through the articles that share the new article's heaviest terms (a posting
/// list per term, recent articles only), never by scanning every story.
///
/// How an article is compared with a profile depends on how much the article says. A full article is
/// compared with the story's articles on average (the profile's dot product over its article count):
/// a story that has drifted across related events (two stories about one politician) has members that
/// disagree, and their average tells it, where the cosine with their sum would hide it. A headline
/// has too few terms to agree with every member; it is compared with the profile's direction (the
/// cosine with the sum), which is what a story's dominant names and words make up, and it needs less
/// agreement to join (`threshold(_:for:)`).
///
/// Among the stories an article is close enough to join, a headline goes to the one whose similarity
/// weighed by the story's size is highest (`rank(similarity:articles:fullness:)`): a dozen words
/// rarely tell two live stories apart, and the story that has drawn many headlines is the likelier to
/// draw the next. A full article says enough to be judged on similarity alone.
public struct StoryIndex: Sendable {
    public struct Profile: Sendable {
        var centroid = TermWeights()
        public var norm: Float = 0
        public var first: Timestamp
        public var last: Timestamp
        public var articles = 0
    }

    /// A story an article is close to, and the terms that tie them.
    public struct Match: Sendable {
        public var story: Int
        public var similarity: Double
        public var sharedTerms: [UInt64]
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
    /// The story of each original article, under the article's heaviest terms (folded), oldest first, at
    /// most `postingsKept` a term. Filed by story, not by article: a query reads a few thousand postings,
    /// and looking each article's story up in a table of a million costs a cache miss apiece.
    private var postings = PostingTable()

    public init() {}

    /// Whether `profile` has coverage within `windowDays` of `time`.
    static func isActive(_ profile: Profile, at time: Timestamp, windowDays: Double) -> Bool {
        profile.last.adding(days: windowDays) >= time && profile.first.adding(days: -windowDays) <= time
    }

    /// The active story `vector` should join: of those whose similarity reaches `threshold` (for a full
    /// article; see `threshold(_:for:)`), the one ranked first by `rank(similarity:articles:fullness:)`.
    public func bestMatch(for vector: TermVector, at time: Timestamp, windowDays: Double, threshold: Double) -> Match? {
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
        let joining = Self.threshold(threshold, for: vector)
        var best: Match?
        var bestRank = 0.0
        var scored = 0
        for (story, _) in ranked {
            guard scored < Self.storiesScored else { break }
            guard let profile = profiles[story], profile.norm > 0,
                  Self.isActive(profile, at: time, windowDays: windowDays) else { continue }
            scored += 1
            var contributions: [(UInt64, Float)] = []
            var dot: Float = 0
            for (term, weight) in vector.terms {
                guard let profileWeight = profile.centroid.weight(of: term) else { continue }
                dot += weight * profileWeight
                contributions.append((term, weight * profileWeight))
            }
            let similarity = Self.similarity(dot: dot, profile: profile, fullness: fullness)
            guard similarity >= joining else { continue }
            let rank = Self.rank(similarity: similarity, articles: profile.articles, fullness: fullness)
            if best == nil || rank > bestRank {
                bestRank = rank
                contributions.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
                best = Match(story: story, similarity: min(1, similarity), sharedTerms: contributions.map(\.0))
            }
        }
        return best
    }

    /// How much of a full term vector `vector` holds: 1 for an article with `TermVector.maximumTerms`
    /// terms or more, about 0.15 for a headline.
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

    /// How a story that `vector` may join ranks against the others: its similarity, weighed up by the
    /// story's size for a text of few terms, `similarity × (1 + (1 − fullness) × ln articles)`.
    /// A story of one article, and any story for a full article, ranks by similarity alone.
    static func rank(similarity: Double, articles: Int, fullness: Double) -> Double {
        similarity * (1 + (1 - fullness) * log(Double(max(articles, 1))))
    }

    /// The similarity at or above which `vector` joins a story, given the threshold for full articles.
    ///
    /// A headline shares at most a few of its handful of terms with a story, so its similarity to the
    /// right story is lower than a full article's: the threshold scales with the square root of its
    /// fullness (0.14 becomes about 0.05 for a headline of 12 terms).
    public static func threshold(_ threshold: Double, for vector: TermVector) -> Double {
        threshold * fullness(of: vector).squareRoot()
    }

    /// Starts story `story` with its first article.
    public mutating func start(_ story: Int, vector: TermVector, at time: Timestamp) {
        profiles[story] = Profile(first: time, last: time)
        add(vector, to: story, at: time)
    }

    /// Adds an original article to `story`'s profile and to the term postings.
    public mutating func add(_ vector: TermVector, to story: Int, at time: Timestamp) {
        guard var profile = profiles[story] else { return }
        profile.centroid.add(vector.terms)
        if profile.centroid.count > Self.profileTerms * 3 / 2 { profile.centroid.keepHeaviest(Self.profileTerms) }
        profile.norm = profile.centroid.norm
        profile.articles += 1
        profiles[story] = profile
        cover(story, at: time)
        for key in Self.postingKeys(of: vector) {
            if let held = postings.insertCounting(UInt32(truncatingIfNeeded: story), under: key), held > Self.postingsKept {
                var oldest: [UInt32] = []
                postings.forEach(under: key) { if oldest.count < Self.postingsKept / 2 { oldest.append($0) } }
                for old in oldest { postings.remove(old, under: key) }
            }
        }
    }

    /// Records coverage of `story` at `time` (a duplicate extends a story's life, not its profile).
    public mutating func cover(_ story: Int, at time: Timestamp) {
        guard var profile = profiles[story] else { return }
        profile.first = min(profile.first, time)
        profile.last = max(profile.last, time)
        profiles[story] = profile
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
            try writer.put(profile.first)
            try writer.put(profile.last)
            try writer.put(profile.articles)
        }
        try postings.write(to: &writer)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        let storyCount = try reader.count(of: 8)
        profiles.reserveCapacity(storyCount)
        for _ in 0..<storyCount {
            let story = try reader.get(Int.self)
            var profile = Profile(first: Timestamp(millisecondsSinceEpoch: 0), last: Timestamp(millisecondsSinceEpoch: 0))
            profile.centroid = try TermWeights(from: &reader)
            profile.norm = try reader.get()
            profile.first = try reader.get()
            profile.last = try reader.get()
            profile.articles = try reader.get()
            profiles[story] = profile
        }
        postings = try PostingTable(from: &reader)
    }
}
