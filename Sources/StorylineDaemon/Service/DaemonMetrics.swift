import Prometheus
import StorylineCore

/// What the daemon has done and how it is doing, in the Prometheus text exposition format, written as
/// a node_exporter textfile (`metrics_file`, `STATE/metrics.prom` by default).
///
/// The unit has no network, so nothing listens: node_exporter's textfile collector reads the file,
/// which is replaced whole (a new file, then a rename), so a scrape never reads half of one. Counters
/// count from the daemon's start, as Prometheus counters do (`rate()` and `increase()` expect the
/// reset a restart brings); the gauges say how things are at the last write. docs/operations.md lists
/// every metric.
final class DaemonMetrics {
    private let registry = PrometheusCollectorRegistry()
    private var files: [TimelineEvent.Kind: Counter] = [:]
    private var rejections: [String: Counter] = [:]
    private var duplicates: [String: Counter] = [:]
    private var errors: [ErrorKind: Counter] = [:]
    private let watchdogPings: Counter
    private let storiesClosed: Counter
    private var pingsCounted = 0
    private let liveStories: Gauge
    private let indexedArticles: Gauge
    private let backlog: Gauge
    private let unreadable: Gauge
    private let timelineSeq: Gauge
    private let lastCommit: Gauge
    private let stateBytes: Gauge
    private let timelineBytes: Gauge
    private let batchDuration: DurationHistogram
    private let judgeDuration: DurationHistogram
    /// Whether anything changed since the file was last written.
    private var changed = true
    private var lastWritten: ContinuousClock.Instant?

    /// The least time between two writes of the file (node_exporter reads it at each scrape, every 15 s
    /// or more; a write per batch under a burst would only cost).
    static let writeInterval: Duration = .seconds(1)
    /// The longest time between two writes, changed or not: the file's age (node_exporter's
    /// `node_textfile_mtime_seconds`) then tells an alert that the loop stopped, and the gauges (a
    /// backlog growing during a stall) are never older than this.
    static let refreshInterval: Duration = .seconds(15)

    /// The faults the daemon recovers from, by what failed: each is in the journal too.
    enum ErrorKind: String, CaseIterable {
        /// A batch could not be committed to the state database.
        case stateCommit = "state_commit"
        /// Lines could not be appended to the timeline.
        case timelineWrite = "timeline_write"
        /// The timeline path could not be opened again after a rotation.
        case timelineReopen = "timeline_reopen"
        /// Judged files could not leave the inbox.
        case fileMove = "file_move"
        /// The inbox was deleted or moved.
        case inboxGone = "inbox_gone"
        /// Stored shingles of candidate articles could not be read back.
        case storedShingles = "stored_shingles"
        /// A reload left the previous settings in force.
        case reload
        /// Pruning past the retention failed.
        case retention
    }

    /// Seconds: from a millisecond (a small batch) to a minute (a batch stuck on a slow disk).
    private static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(60),
    ]

    init() {
        for kind in [TimelineEvent.Kind.storyStarted, .storyExtended, .duplicate, .rejected] {
            files[kind] = registry.makeCounter(
                descriptor: Self.named("files", "total", "Inbox files judged, by the event of their timeline line"),
                labels: [("outcome", kind.rawValue)])
        }
        for measure in [DuplicateMeasure.exact, .jaccard, .containment] {
            duplicates[measure.rawValue] = registry.makeCounter(
                descriptor: Self.named("duplicates", "total", "Near-duplicates found, by the measure that matched"),
                labels: [("measure", measure.rawValue)])
        }
        for kind in ErrorKind.allCases {
            errors[kind] = registry.makeCounter(
                descriptor: Self.named("errors", "total", "Faults the daemon recovered from or keeps retrying, by what failed"),
                labels: [("kind", kind.rawValue)])
        }
        storiesClosed = registry.makeCounter(descriptor: Self.named("stories_closed", "total", "Stories that stopped taking articles (story_closed lines)"))
        watchdogPings = registry.makeCounter(descriptor: Self.named("watchdog_pings", "total", "WATCHDOG=1 notifications sent to systemd"))
        liveStories = registry.makeGauge(descriptor: Self.named("live", "stories", "Stories that can still take articles"))
        indexedArticles = registry.makeGauge(descriptor: Self.named("indexed", "articles", "Articles in the engine's indexes"))
        backlog = registry.makeGauge(descriptor: Self.named("backlog", "files", "Files waiting in the inbox to be judged"))
        unreadable = registry.makeGauge(
            descriptor: Self.named("inbox_unreadable", "files", "Files left in the inbox because the daemon may not read them"))
        timelineSeq = registry.makeGauge(descriptor: Self.named("timeline", "seq", "Seq of the last line committed"))
        lastCommit = registry.makeGauge(
            descriptor: Self.named("last_commit", "seconds", "Duration of the last batch's state transaction, fsync included"))
        stateBytes = registry.makeGauge(descriptor: Self.named("state", "bytes", "Bytes of the state database and its write-ahead log"))
        timelineBytes = registry.makeGauge(descriptor: Self.named("timeline", "bytes", "Bytes of the current timeline file"))
        batchDuration = registry.makeDurationHistogram(
            descriptor: Self.named("batch_duration", "seconds", "A batch from its first file read to its last file moved"),
            buckets: Self.durationBuckets)
        judgeDuration = registry.makeDurationHistogram(
            descriptor: Self.named("judge_duration", "seconds", "The engine's judgement of a batch's files (read and prepared before)"),
            buckets: Self.durationBuckets)
        let started = registry.makeGauge(descriptor: Self.named("start_time", "seconds", "When the daemon started, in Unix seconds"))
        started.set(Double(Syscalls.realtimeMilliseconds()) / 1000)
    }

    /// The name `storyline_METRIC_UNIT`, with its help line.
    private static func named(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "storyline", metricName: metric, unitName: unit, helpText: help)
    }

    /// Counts a committed batch's lines, and how long its judgement and its transaction took.
    func recordBatch(_ events: [TimelineEvent], judging: Duration, commit: Duration) {
        for event in events {
            files[event.kind]?.increment()
            switch (event.kind, event.why) {
            case let (.duplicate, .measure(measure, _)?): duplicates[measure.rawValue]?.increment()
            case (.rejected, _): rejection(event.code ?? "unknown").increment()
            case (.storyClosed, _): storiesClosed.increment()
            default: break
            }
        }
        judgeDuration.record(judging)
        lastCommit.set(Self.seconds(commit))
        changed = true
    }

    /// Records how long a batch took, from its first read to its last move.
    func recordBatchDone(after duration: Duration) {
        batchDuration.record(duration)
    }

    func recordError(_ kind: ErrorKind) {
        errors[kind]?.increment()
        changed = true
    }


    /// The rejection counter of `code`, made on its first use: the codes are the daemon's own, a few.
    private func rejection(_ code: String) -> Counter {
        if let counter = rejections[code] { return counter }
        let counter = registry.makeCounter(
            descriptor: Self.named("rejections", "total", "Files rejected, by the code on their line"), labels: [("code", code)])
        rejections[code] = counter
        return counter
    }

    /// How the daemon stands now, read when the file is written.
    struct Levels {
        var liveStories: Int
        var indexedArticles: Int
        var backlog: Int
        /// Files the daemon may not read, left in the inbox (`InboxQueue.unreadable`).
        var unreadable: Int
        var seq: Int
        var stateBytes: Int
        var timelineBytes: Int
        /// The watchdog pings sent since the start (`StatusReporter.watchdogPings`).
        var watchdogPings: Int
    }

    /// Whether the file is due: `force`, something changed since a write `writeInterval` ago, or the
    /// last write is `refreshInterval` old.
    func isDue(force: Bool) -> Bool {
        guard let lastWritten else { return true }
        let age = ContinuousClock.now - lastWritten
        return force || (changed && age >= Self.writeInterval) || age >= Self.refreshInterval
    }

    /// Replaces the file at `path` with the metrics as they stand, `levels` included.
    ///
    /// - Throws: `SystemCallError` naming the file.
    func write(to path: String, levels: Levels) throws(SystemCallError) {
        liveStories.set(Int64(levels.liveStories))
        indexedArticles.set(Int64(levels.indexedArticles))
        backlog.set(Int64(levels.backlog))
        unreadable.set(Int64(levels.unreadable))
        timelineSeq.set(Int64(levels.seq))
        stateBytes.set(Int64(levels.stateBytes))
        timelineBytes.set(Int64(levels.timelineBytes))
        if levels.watchdogPings > pingsCounted {
            watchdogPings.increment(by: Int64(levels.watchdogPings - pingsCounted))
            pingsCounted = levels.watchdogPings
        }
        lastWritten = .now
        changed = false
        try Syscalls.replaceFile(path, with: registry.emitToBuffer())
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
