import StorylineCore

/// Runs the engine over a list of files in one process: `storyline ingest`.
public struct Ingestor {
    /// The order in which files meet the engine.
    public enum Order: String, Sendable, CaseIterable {
        /// As given on the command line.
        case given
        /// By `published` (a date alone is midnight UTC; unknown first), ties by file name.
        case published
    }

    private enum Input {
        case article(ArticleFile, ParsedArticle)
        case rejected(file: String, ArticleRejection)

        var published: Timestamp? {
            if case let .article(_, article) = self { return article.publishedTime }
            return nil
        }

        var fileName: String {
            switch self {
            case let .article(file, _): return file.name
            case let .rejected(file, _): return file
            }
        }
    }

    private var engine: Engine
    private var tokenizer = Tokenizer()
    private let sizeLimit: Int
    private let clock: @Sendable () -> Timestamp
    private var seq = 0

    /// - Throws: `ConfigurationError` when the engine configuration cannot work.
    public init(
        configuration: EngineConfiguration, sizeLimit: Int = ArticleFile.defaultSizeLimit,
        clock: @escaping @Sendable () -> Timestamp = SystemClock.now
    ) throws(ConfigurationError) {
        engine = try Engine(configuration: configuration)
        self.sizeLimit = sizeLimit
        self.clock = clock
    }

    /// Judges every file at `paths` and writes one timeline line per file to `timeline`.
    ///
    /// - Returns: how many lines of each kind were written.
    public mutating func run(paths: [String], order: Order, timeline: TimelineWriter) throws(SystemCallError) -> [TimelineEvent.Kind: Int] {
        var inputs = paths.map(Self.load(sizeLimit: sizeLimit))
        if order == .published {
            // Swift's sort is stable: a file given twice keeps its order.
            inputs.sort { PublishedOrder.precedes($0.published, $0.fileName, $1.published, $1.fileName) }
        }
        var counts: [TimelineEvent.Kind: Int] = [:]
        for input in inputs {
            let event = judge(input)
            counts[event.kind, default: 0] += 1
            try timeline.append(event)
        }
        try timeline.flush()
        return counts
    }

    private static func load(sizeLimit: Int) -> (String) -> Input {
        { path in
            do throws(ArticleRejection) {
                let file = try ArticleFile.read(path: path, sizeLimit: sizeLimit)
                return .article(file, try ArticleParser.parse(file.bytes, fileName: file.name))
            } catch {
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return .rejected(file: name, error)
            }
        }
    }

    private mutating func judge(_ input: Input) -> TimelineEvent {
        seq += 1
        let now = clock()
        switch input {
        case let .rejected(file, rejection):
            return TimelineEvent(seq: seq, time: now, rejectedFile: file, rejection: rejection)
        case let .article(file, article):
            var submission = Submission(article, sha256: file.sha256, arrival: now, tokenizer: &tokenizer)
            // No date, or one not believed (after arrival): placed as the daemon places it (`StateStore.Batch.judge`).
            if article.publishedTime != submission.time { submission.time = engine.placement(ofArrival: now) }
            do {
                let judgement = try engine.judge(submission)
                return TimelineEvent(seq: seq, time: now, judgement: judgement,
                                     article: TimelineEvent.Article(judgement, file: file.name, article, sha256: file.sha256))
            } catch {
                return TimelineEvent(seq: seq, time: now, rejectedFile: file.name, rejection: error)
            }
        }
    }
}
