/// One line of the story timeline.
///
/// The contract is exact (docs/timeline.md, docs/timeline.schema.json): one JSON object per line,
/// `seq` counting from 1 without gaps, `time` in RFC 3339 UTC with milliseconds.
public struct TimelineEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case storyStarted = "story_started"
        case storyExtended = "story_extended"
        case duplicate
        case rejected
        /// A story stopped taking articles (`StorySummary.closed`); the line has no article.
        case storyClosed = "story_closed"
    }

    /// What the timeline says about an article.
    public struct Article: Sendable, Hashable {
        public var id: String
        public var file: String
        public var title: String
        public var source: String?
        public var url: String?
        public var published: String?
        public var words: Int
        public var sha256: String
        /// The producer's own fields (`ParsedArticle.producer`), a JSON object's text; nil for none.
        public var producer: String?

        public init(id: String, file: String, title: String, source: String?, url: String?,
                    published: String?, words: Int, sha256: String, producer: String? = nil) {
            self.id = id
            self.file = file
            self.title = title
            self.source = source
            self.url = url
            self.published = published
            self.words = words
            self.sha256 = sha256
            self.producer = producer
        }

        /// What the timeline says about a judged article: its id and words from the judgement, the rest
        /// from its file.
        public init(_ judgement: Judgement, file: String, _ article: ParsedArticle, sha256: String) {
            self.init(id: TimelineEvent.articleID(judgement.article), file: file, title: article.title,
                      source: article.source, url: article.url, published: article.published,
                      words: judgement.words, sha256: sha256, producer: article.producer)
        }
    }

    /// Why the engine decided as it did.
    public enum Why: Sendable, Hashable {
        case measure(DuplicateMeasure, Double)
        /// The terms that tied an article to its story, and how many hours it lay from its coverage.
        case terms([String], gapHours: Int)
    }

    public var seq: Int
    public var time: Timestamp
    public var kind: Kind
    public var story: String?
    /// The story as this line leaves it, on every line that names a story.
    public var storyData: StorySummary?
    /// For a duplicate, the original at the root of its chain (`Judgement.root`).
    public var original: String?
    public var article: Article?
    public var duplicateOf: String?
    public var similarity: Double?
    public var why: Why?
    /// For `rejected` only.
    public var file: String?
    public var code: String?
    public var reason: String?

    /// The event for an article the engine judged.
    public init(seq: Int, time: Timestamp, judgement: Judgement, article: Article) {
        self.seq = seq
        self.time = time
        self.story = Self.storyID(judgement.story)
        storyData = judgement.summary
        self.article = article
        switch judgement.verdict {
        case .started:
            kind = .storyStarted
        case let .extended(similarity, terms, gapHours):
            kind = .storyExtended
            self.similarity = similarity
            why = .terms(terms, gapHours: gapHours)
        case let .duplicate(original, measure, similarity):
            kind = .duplicate
            duplicateOf = Self.articleID(original)
            self.original = Self.articleID(judgement.root ?? original)
            self.similarity = similarity
            why = .measure(measure, similarity)
        }
    }

    /// The event for a story that stopped taking articles.
    public init(seq: Int, time: Timestamp, closed summary: StorySummary) {
        self.seq = seq
        self.time = time
        kind = .storyClosed
        story = Self.storyID(summary.story)
        storyData = summary
    }

    /// The event for a file that is not an article.
    public init(seq: Int, time: Timestamp, rejectedFile file: String, rejection: ArticleRejection) {
        self.seq = seq
        self.time = time
        kind = .rejected
        self.file = file
        code = rejection.code.rawValue
        reason = rejection.reason
    }

    public static func articleID(_ number: Int) -> String { "a\(number)" }
    public static func storyID(_ number: Int) -> String { "s\(number)" }

    /// The number of the story id `id` (`storyID(_:)`), nil when it is not one.
    public static func storyNumber(_ id: String) -> Int? {
        guard id.first == "s", let number = Int(id.dropFirst()), number > 0, storyID(number) == id else { return nil }
        return number
    }
}
