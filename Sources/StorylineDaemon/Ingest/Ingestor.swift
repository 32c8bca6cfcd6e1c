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

    private var engine: Engine
    private var analyzer: ArticleAnalyzer
    private let sizeLimit: Int
    private let clock: @Sendable () -> Timestamp
    private var seq = 0

    /// - Throws: `ConfigurationError` when the engine configuration cannot work.
    public init(
        configuration: EngineConfiguration, sizeLimit: Int = ArticleFile.defaultSizeLimit,
        clock: @escaping @Sendable () -> Timestamp = SystemClock.now
    ) throws(ConfigurationError) {
        engine = try Engine(configuration: configuration)
        analyzer = ArticleAnalyzer(configuration: configuration)
        self.sizeLimit = sizeLimit
        self.clock = clock
    }

    /// Judges every file at `paths` and writes one timeline line per file to `timeline`, through the
    /// daemon's own intake (`Intake`, `StateStore.Batch.add`), with nothing stored.
    ///
    /// - Returns: how many lines of each kind were written.
    public mutating func run(paths: [String], order: Order, timeline: TimelineWriter) throws(SystemCallError) -> [TimelineEvent.Kind: Int] {
        var counts: [TimelineEvent.Kind: Int] = [:]
        func read(_ path: String) -> (name: FileName, arrival: Timestamp, read: Intake.Read) {
            let arrival = clock()
            let name = FileName(path.split(separator: "/").last.map(String.init) ?? path)
            return (name, arrival, Intake.read(path: path, sizeLimit: sizeLimit, arrival: arrival, analyzer: &analyzer))
        }
        func judge(_ file: (name: FileName, arrival: Timestamp, read: Intake.Read)) throws(SystemCallError) {
            var batch = StateStore.Batch()
            for event in batch.add(file.read, named: file.name, seq: &seq, at: file.arrival, engine: &engine) {
                counts[event.kind, default: 0] += 1
                try timeline.append(event)
            }
        }
        switch order {
        case .given:
            for path in paths { try judge(read(path)) }
        case .published:
            // Swift's sort is stable: a file given twice keeps its order.
            let files = paths.map(read).sorted { PublishedOrder.precedes($0.read.published, $0.name, $1.read.published, $1.name) }
            for file in files { try judge(file) }
        }
        try timeline.flush()
        return counts
    }
}
