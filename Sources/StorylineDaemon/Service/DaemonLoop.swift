import Logging
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's one thread: wires the inbox queue, the intake, the engine, the state, the reconciler
/// and the status reporter, batch after batch.
///
/// For each batch: the queue gives the earliest waiting files, read ahead (`InboxQueue`, `Intake`);
/// the engine judges them into one `StateStore.Batch`, committed as one transaction; the reconciler
/// then appends their lines to the timeline, fsync'd, and only then moves the files out of the inbox.
/// Between batches: signals (stop, reload), arrivals, retries of what failed, retention, the watchdog
/// and the STATUS line. docs/architecture.md follows one file through these parts.
final class DaemonLoop {
    private(set) var configuration: DaemonConfiguration
    private let sources: ConfigurationSources
    let logger: Logger
    let notifier: any ServiceNotifying
    private let signals: SignalFile
    private let lock: StateLock
    let store: StateStore
    private let reconciler: Reconciler
    private var queue: InboxQueue
    var engine: Engine
    var status: StatusReporter
    private let metrics = DaemonMetrics()
    /// Whether the last write of the metrics file failed: said once, and again when it works.
    private var metricsFailing = false
    private var health = Health.healthy
    private var stopping = false
    /// Whether every article the engine has judged is committed: only then may a snapshot be taken.
    var engineIsCommitted = true
    /// The last article the newest snapshot holds, and when it was written (or the loop started).
    var snapshotArticle = 0
    var lastSnapshot = ContinuousClock.now
    /// When to prune what is past retention, and what was pruned since the journal last said.
    private var retention = Retention()

    /// How the loop is doing: one value, so that no two flags can disagree.
    private enum Health {
        /// Judging and moving.
        case healthy
        /// Judging, but judged files cannot leave the inbox (a full archive, say): the moves are
        /// retried with backoff, and new files go on being judged (they wait in the inbox too).
        case filesStuck(String, Backoff)
        /// Judging nothing new until the trouble is gone: retried with backoff.
        case stalled(Stall, String, Backoff)
    }

    /// What stops judging.
    private enum Stall: Equatable {
        /// The inbox was deleted or moved: looked for every second.
        case inboxGone
        /// The timeline path cannot be opened again after a rotation: no line may go to the old file.
        case timelineClosed
        /// A batch was not recorded, or its lines not written: written again before anything new.
        case unwritten
    }

    /// When to try again: doubling from 250 ms to 30 s while the trouble lasts.
    private struct Backoff {
        var delay: Duration
        var at: ContinuousClock.Instant

        static func first(_ delay: Duration = .milliseconds(250)) -> Backoff { Backoff(delay: delay, at: .now + delay) }

        func next() -> Backoff {
            let delay = min(delay * 2, .seconds(30))
            return Backoff(delay: delay, at: .now + delay)
        }
    }

    init(
        opened: Daemon.Opened, configuration: DaemonConfiguration, sources: ConfigurationSources, logger: Logger,
        notifier: any ServiceNotifying
    ) throws {
        self.configuration = configuration
        self.sources = sources
        self.logger = logger
        self.notifier = notifier
        signals = opened.signals
        lock = opened.lock
        store = opened.store
        reconciler = Reconciler(
            store: opened.store, timeline: opened.timeline,
            paths: .init(timeline: configuration.timeline, state: configuration.state, inbox: configuration.inbox), logger: logger)
        queue = InboxQueue(directory: configuration.inbox, logger: logger, analyzer: ArticleAnalyzer(configuration: configuration.engine))
        engine = try Engine(configuration: configuration.engine)
        status = StatusReporter(notifier: notifier)
    }

    func close() { store.close() }

    // MARK: Start and stop

    /// The prelude before READY=1: the engine restored, the timeline and the inbox brought up to the
    /// state (what a crash interrupted is finished), the inbox watched and scanned.
    func start() throws {
        try restoreEngine()
        try reconciler.repairTimelineAtStart()
        do { try queue.watch() } catch {
            let advice = error.errno == ENOSPC
                ? " The inotify watch limit is exhausted: raise the sysctl fs.inotify.max_user_watches." : ""
            throw DaemonError(message: "cannot watch the inbox \(configuration.inbox): \(error).\(advice)", errno: error.errno)
        }
        moveFiles()
        status.counts = try store.counts()
        notifier.ready(status: statusText)
        status.noteShown(statusText)
        writeMetrics(force: true)
        let seq = reconciler.committedSeq
        logger.notice("watching \(configuration.inbox): timeline \(configuration.timeline) at seq \(seq), \(queue.backlog) files waiting", metadata: [
            "timeline.seq": "\(seq)", "backlog": "\(queue.backlog)", "timeline": "\(configuration.timeline)",
        ])
    }

    /// After the loop ends: the snapshot the next start restores from, and the last STATUS line.
    func stop() {
        notifier.stopping(status: "stopping: \(summary)")
        saveSnapshot()
        writeMetrics(force: true)
        notifier.status("stopped: \(summary)")
        logger.notice("stopped cleanly", metadata: ["timeline.seq": "\(reconciler.committedSeq)"])
    }

    // MARK: The loop

    /// Runs batches until SIGTERM or SIGINT.
    func run() throws {
        while !stopping {
            // Signals first: a reload (after a rotation) must reopen the timeline before more lines go out.
            try handleSignals()
            if stopping { break }
            if isJudging && !queue.isEmpty { processBatch() }
            var idle: Duration = .milliseconds(250)
            if case let .stalled(_, _, backoff) = health { idle = backoff.delay }
            // Wake often enough to ping the watchdog at half its interval.
            if let watchdog = notifier.watchdogInterval { idle = min(idle, watchdog / 4) }
            // And when the next file closed after a plain write has been quiet long enough.
            if let settled = queue.nextSettled { idle = max(.zero, min(idle, settled - .now)) }
            let busy = isJudging && !queue.isEmpty
            do {
                _ = try Syscalls.waitForInput(on: [signals.descriptor] + (queue.descriptor.map { [$0] } ?? []),
                                              timeout: busy ? .zero : idle)
            } catch {
                throw DaemonError(message: "cannot wait for input: \(error)", errno: error.errno)
            }
            try handleSignals()
            takeArrivals()
            queue.releaseSettled()
            queue.retryUnreadableIfDue()
            retryIfDue()
            pruneIfDue()
            snapshotIfDue()
            status.pingWatchdog()
            updateStatus()
            writeMetrics()
        }
    }

    /// Whether new files are judged: not while stalled.
    private var isJudging: Bool {
        if case .stalled = health { return false }
        return true
    }

    private func handleSignals() throws {
        while let signal = try nextSignal() {
            switch signal {
            case SIGTERM, SIGINT:
                stopping = true
                notifier.stopping(status: "stopping: \(summary)")
                logger.notice("stopping on signal \(signal)")
            case SIGHUP:
                reload()
            default:
                break
            }
        }
    }

    private func nextSignal() throws -> Int32? {
        do { return try signals.next() } catch {
            throw DaemonError(message: "cannot read signals: \(error)", errno: error.errno)
        }
    }

    private func takeArrivals() {
        guard queue.isWatched, queue.takeArrivals(settle: .milliseconds(configuration.settleMs)) == .inboxGone else {
            return
        }
        logger.error("the inbox \(configuration.inbox) was deleted or moved: recreate it; storyline keeps checking every second and resumes when it is back")
        metrics.recordError(.inboxGone)
        health = .stalled(.inboxGone, "the inbox \(configuration.inbox) is gone: recreate it", .first(.seconds(1)))
    }

    private func retryIfDue() {
        switch health {
        case let .stalled(_, _, backoff) where ContinuousClock.now >= backoff.at: retry()
        case let .filesStuck(_, backoff) where ContinuousClock.now >= backoff.at: moveFiles()
        default: break
        }
    }

    /// Tries to end a stall: the inbox watched again, the timeline reopened, the committed lines
    /// written; then the files moved.
    private func retry() {
        guard case let .stalled(stall, reason, backoff) = health else { return }
        switch stall {
        case .inboxGone:
            guard queue.rearm() else {
                health = .stalled(.inboxGone, reason, Backoff.first(backoff.delay))
                return
            }
            logger.notice("the inbox \(configuration.inbox) is back: watching it again")
        case .timelineClosed:
            guard reopenTimeline() else { return }
        case .unwritten:
            break
        }
        // Finish what the failure left: committed lines not yet in the timeline, files not yet moved.
        do {
            try reconciler.writeCommittedLines()
            logger.notice("recovered: \(reason)")
            health = .healthy
        } catch {
            enterStall(.unwritten, "\(error)", counted: .timelineWrite)
            return
        }
        moveFiles()
    }

    /// Stops judging until `retry()` ends the trouble, and says so; `kind` is what the metrics count it as.
    private func enterStall(_ stall: Stall, _ reason: String, counted kind: DaemonMetrics.ErrorKind) {
        metrics.recordError(kind)
        let backoff: Backoff
        if case let .stalled(_, _, previous) = health { backoff = previous.next() } else { backoff = .first() }
        logger.error("\(reason); retrying in \(backoff.delay)")
        health = .stalled(stall, reason, backoff)
        updateStatus(force: true)
    }

    /// Moves the files whose lines are written; a failure (a full archive, say) is shown in the status
    /// and retried with backoff while new files go on being judged (they wait in the inbox too).
    private func moveFiles() {
        do {
            try reconciler.moveCommittedFiles(from: &queue)
            if case let .filesStuck(reason, _) = health {
                logger.notice("files are moving out of the inbox again (after: \(reason))")
                health = .healthy
            }
        } catch {
            let backoff: Backoff
            if case let .filesStuck(_, previous) = health { backoff = previous.next() } else { backoff = .first() }
            logger.error("\(error); retrying in \(backoff.delay)")
            metrics.recordError(.fileMove)
            health = .filesStuck("\(error)", backoff)
            updateStatus(force: true)
        }
    }

    /// Opens the timeline path again (after a rotation); on failure stalls until it can, so no line
    /// goes to a file that was rotated away.
    ///
    /// - Returns: whether the timeline is open at its path.
    @discardableResult
    private func reopenTimeline() -> Bool {
        do {
            try reconciler.reopenTimeline()
            if case let .stalled(.timelineClosed, reason, backoff) = health {
                logger.notice("the timeline \(configuration.timeline) is open again")
                // What the closed timeline did not get is written by the next retry.
                health = .stalled(.unwritten, reason, backoff)
            }
            return true
        } catch {
            let explained = Daemon.explain(error, timeline: configuration.timeline)
            enterStall(.timelineClosed, "cannot reopen the timeline: \(explained)", counted: .timelineReopen)
            return false
        }
    }

    // MARK: A batch

    private func processBatch() {
        let started = ContinuousClock.now
        let now = SystemClock.now()
        let (inbox, sizeLimit, names) = (configuration.inbox, configuration.maxFileBytes, configuration.fields)
        // Reading and preparing 16 MiB of files takes seconds: the watchdog hears from each round.
        let taken = queue.takeBatch(configuration.batchSize, progress: { status.pingWatchdog() }) { name, analyzer in
            Intake.read(name, in: inbox, sizeLimit: sizeLimit, arrival: now, analyzer: &analyzer, names: names)
        }
        // The next batch's first files are read meanwhile; they are kept before any arrival is taken.
        defer { queue.finishReadingAhead(progress: { status.pingWatchdog() }) }
        let judging = ContinuousClock.now
        var batch = StateStore.Batch()
        var seq = reconciler.committedSeq
        var judged: [TimelineEvent] = []
        var futureDated: [(name: FileName, published: String)] = []
        for (name, read) in taken {
            status.pingWatchdog()
            let vanished = !Syscalls.exists(bytes: name.path(in: configuration.inbox))
            if case let .rejected(rejection, _) = read, rejection.code == .unreadable, vanished {
                logger.notice("\(name) vanished before it was read: nothing to do", metadata: ["article.file": "\(name)"])
                continue
            }
            guard !vanished else {
                logger.notice("\(name) vanished before it was judged: nothing to do", metadata: ["article.file": "\(name)"])
                continue
            }
            if case .article = read { engineIsCommitted = false }
            let events = batch.add(read, named: name, seq: &seq, at: now, engine: &engine)
            if case let .article(prepared, _, _) = read, prepared.isFutureDated, events[0].kind != .rejected {
                futureDated.append((name, prepared.article.published ?? ""))
            }
            judged += events
        }
        if let last = batch.unreadCandidates.last {
            metrics.recordError(.storedShingles)
            logger.error("""
                could not read back the stored shingles of \(batch.unreadCandidates.count) candidate article(s) (last: \(last)): \
                they were not compared, so a near-duplicate of them may have been judged as new coverage; \
                check the state database: sqlite3 \(store.path) 'PRAGMA integrity_check'
                """)
        }
        guard !batch.events.isEmpty else { return }
        status.pingWatchdog()
        let committing = ContinuousClock.now
        do {
            try store.commit(batch, judgedAt: now)
            engineIsCommitted = true
            engine.releaseFingerprints(of: batch.articleNumbers)
        } catch {
            queue.requeue(taken.map(\.name))
            enterStall(.unwritten, "cannot record \(batch.events.count) files in the state database: \(error)", counted: .stateCommit)
            rebuildEngine()
            return
        }
        reconciler.committed(through: seq)
        let committed = ContinuousClock.now
        status.pingWatchdog()
        for event in judged { log(event) }
        for (name, published) in futureDated {
            logger.warning("""
                \(name) is dated \(published), more than an hour after it arrived: judged as published on arrival \
                (its line keeps the date as given); check the producer's clock or time zone
                """, metadata: ["article.file": "\(name)", "article.published": "\(published)"])
        }
        status.count(judged, futureDated: futureDated.count)
        metrics.recordBatch(judged, judging: committing - judging, commit: committed - committing)
        do {
            try reconciler.writeCommittedLines()
        } catch {
            reconciler.repairAfterFailedWrite()
            enterStall(.unwritten, "cannot append to the timeline \(configuration.timeline): "
                + "\(Daemon.explain(error, timeline: configuration.timeline)); the files stay in the inbox", counted: .timelineWrite)
            return
        }
        moveFiles()
        let done = ContinuousClock.now
        metrics.recordBatchDone(after: done - started)
        logger.debug("batch of \(judged.count) files judged, recorded, written and moved", metadata: [
            "batch.files": "\(judged.count)", "batch.seq.last": "\(seq)",
            "batch.judge.ms": "\(StatusReporter.milliseconds(committing - judging))",
            "batch.commit.ms": "\(StatusReporter.milliseconds(committed - committing))",
            "batch.lines_and_moves.ms": "\(StatusReporter.milliseconds(done - committed))",
            "inbox.waiting": "\(queue.backlog)",
            "engine.articles": "\(engine.indexedArticles)", "engine.stories": "\(engine.liveStories)",
        ])
        if queue.isEmpty {
            // Once the backlog is cleared, say so at once rather than at the next tick.
            updateStatus(force: true)
            returnMemoryAfterBacklog()
        }
    }

    /// A backlog whose files held this many bytes in the read-ahead is worth a `returnFreeMemory()`
    /// once it is judged: prepared, they took about five times that in the heap. A steady stream's
    /// batches hold a few files, and never reach it.
    static let backlogBytesWorthReturning = 256 << 10

    /// Gives back the heap a backlog grew, once it is judged.
    ///
    /// The read-ahead holds a backlog's files prepared, and the batches judging them keep what they
    /// add (index entries, story profiles, the database's cache) in the heap among and above them;
    /// once the articles are freed, glibc gives back only the top of the heap. A daemon that started
    /// on a backlog stayed that much larger for good: `make soak` measured 8-13 MiB more after each
    /// restart (the files that arrived during it) and 220 MiB more after a restore sent 42,000 files
    /// back through the inbox.
    private func returnMemoryAfterBacklog() {
        let held = queue.takeMostBytesHeld()
        guard held >= Self.backlogBytesWorthReturning else { return }
        let started = ContinuousClock.now
        Syscalls.returnFreeMemory()
        logger.debug("free heap memory returned after a backlog", metadata: [
            "backlog.bytes": "\(held)", "duration.ms": "\(StatusReporter.milliseconds(ContinuousClock.now - started))",
        ])
    }

    /// Rebuilds the engine from what the state committed, after it judged a batch that was not.
    private func rebuildEngine() {
        do { try restoreEngine() } catch { logger.error("cannot rebuild the engine from the state: \(error)") }
    }

    private func log(_ event: TimelineEvent) {
        var metadata: Logger.Metadata = [
            "timeline.event": "\(event.kind.rawValue)", "timeline.seq": "\(event.seq)",
            "article.file": "\(event.article?.file ?? event.file ?? "")",
        ]
        if let story = event.story { metadata["story.id"] = "\(story)" }
        if let article = event.article { metadata["article.id"] = "\(article.id)" }
        if let original = event.duplicateOf { metadata["article.duplicate_of"] = "\(original)" }
        switch event.kind {
        case .rejected:
            metadata["rejection.code"] = "\(event.code ?? "")"
            logger.warning("rejected \(event.file ?? ""): \(event.reason ?? "")", metadata: metadata)
        case .duplicate:
            logger.info("\(event.article?.file ?? "") duplicates \(event.duplicateOf ?? "") in story \(event.story ?? "")", metadata: metadata)
        case .storyStarted:
            logger.info("\(event.article?.file ?? "") starts story \(event.story ?? ""): \(event.article?.title ?? "")", metadata: metadata)
        case .storyExtended:
            logger.info("\(event.article?.file ?? "") extends story \(event.story ?? ""): \(event.article?.title ?? "")", metadata: metadata)
        case .storyClosed:
            metadata["article.file"] = nil
            logger.info("story \(event.story ?? "") closed: \(event.storyData?.label ?? "")", metadata: metadata)
        }
    }

    // MARK: Reload

    /// SIGHUP: reopens the timeline and reads the configuration again. A configuration that cannot be
    /// used leaves the previous settings in force; either way the outcome goes to `STATE/reload.status`
    /// for `storyline reload` (what `systemctl reload` runs), to the status line and to the journal, and
    /// READY=1 ends the reload (systemd 252 waits for it after RELOADING=1).
    private func reload() {
        let requested = notifier.reloading()
        logger.notice("reloading: reopening the timeline and reading the configuration again")
        let reopened = reopenTimeline()
        // A reload is also the operator saying "fixed": finish what a failure left at once.
        if reopened, case .stalled = health { retry() }
        var problems: [String] = []
        do {
            try reloadConfiguration()
        } catch {
            problems.append("\(error); the previous settings stay")
            metrics.recordError(.reload)
            logger.error("the configuration was not reloaded: \(error); the previous settings stay in force")
        }
        if case .stalled(.timelineClosed, _, _) = health { problems.append("cannot reopen the timeline \(configuration.timeline)") }
        let problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        let record = ReloadStatus(
            generation: (ReloadStatus.read(fromState: configuration.state)?.generation ?? 0) + 1,
            monotonicMicroseconds: requested, error: problem)
        do { try record.write(toState: configuration.state) } catch {
            logger.error("cannot record the outcome of the reload for storyline reload: \(error)")
        }
        // The note stays until the status next changes; the next tick would overwrite it at once.
        let shown = problem.map { "reload failed: \($0); \(statusText)" } ?? "\(statusText) (reloaded)"
        status.noteShown(statusText)
        notifier.notify("READY=1\nSTATUS=\(shown)")
    }

    /// Reads the configuration file again, applies the command line over it, and puts it in force if
    /// it validates; a changed engine setting rebuilds the indexes from the state.
    ///
    /// - Throws: the first problem with the new settings; the previous ones are then in force again.
    private func reloadConfiguration() throws {
        let (fresh, pathsChanged) = try Daemon.reloadedConfiguration(sources, current: configuration)
        if pathsChanged { logger.warning("paths changed in the configuration: restart storyline to use them") }
        let previous = configuration
        configuration = fresh
        let changes = fresh.changes(since: previous)
        logger.notice(changes.isEmpty ? "reload: no setting changed" : "reload: settings changed: \(changes.joined(separator: ", "))",
                      metadata: ["reload.changed": "\(changes.count)"])
        guard fresh.engine != previous.engine else { return }
        do {
            try restoreEngine()
            logger.notice("engine settings changed: indexes rebuilt from the state")
        } catch {
            configuration = previous
            rebuildEngine()
            throw DaemonError(message: "cannot rebuild the indexes with the new engine settings: \(error)", errno: EIO)
        }
    }

    // MARK: Retention

    /// Prunes what is past `retention_days` (`Retention`), between batches: steps while the inbox is
    /// idle, for at most `Retention.idleBudget` at a time, one step a minute while it is busy. A
    /// failure is logged and tried again a minute later; it never stops the daemon.
    private func pruneIfDue() {
        let busy = !queue.isEmpty
        guard isJudging, retention.isDue(busy: busy) else { return }
        let started = ContinuousClock.now
        do {
            while try retention.step(
                store: store, archive: configuration.state + "/archive", retentionDays: configuration.effectiveRetentionDays,
                horizonDays: configuration.engine.horizonDays, now: SystemClock.now(), writtenThrough: reconciler.writtenSeq),
                !busy, ContinuousClock.now - started < Retention.idleBudget {}
        } catch {
            logger.error("cannot prune the state past its retention: \(error); trying again in a minute")
            metrics.recordError(.retention)
        }
        guard let pruned = retention.takeReport() else { return }
        let days = DaemonConfiguration.days(configuration.effectiveRetentionDays)
        let grouped = DigitGrouping.grouped
        logger.info("""
            pruned what was judged over \(days) days ago: \(grouped(pruned.rows.articles)) articles, \
            \(grouped(pruned.rows.events)) events, \(grouped(pruned.rows.stories)) stories, \
            \(grouped(pruned.archivedFiles)) archived files (\(grouped(pruned.missingFiles)) already gone)
            """, metadata: [
                "retention.days": "\(days)", "retention.articles": "\(pruned.rows.articles)",
                "retention.events": "\(pruned.rows.events)", "retention.stories": "\(pruned.rows.stories)",
                "retention.archived_files": "\(pruned.archivedFiles)", "retention.missing_files": "\(pruned.missingFiles)",
            ])
    }

    // MARK: Status

    private var summary: String { status.summary(backlog: queue.backlog, unreadable: queue.unreadable) }

    private var statusText: String {
        switch health {
        case .healthy: return "watching \(configuration.inbox): \(summary)"
        case let .filesStuck(reason, _), let .stalled(_, reason, _): return "error: \(reason); \(summary)"
        }
    }

    private func updateStatus(force: Bool = false) {
        status.show(statusText, force: force)
    }

    // MARK: Metrics

    /// Replaces the metrics file when it is due (`DaemonMetrics.isDue(force:)`). A failure is logged
    /// once, and the recovery too; the daemon goes on either way.
    private func writeMetrics(force: Bool = false) {
        guard metrics.isDue(force: force) else { return }
        let path = configuration.effectiveMetricsFile
        func bytes(_ file: String) -> Int { Int((try? Syscalls.status(ofPath: file))??.st_size ?? 0) }
        let levels = DaemonMetrics.Levels(
            liveStories: engine.liveStories, indexedArticles: engine.indexedArticles, backlog: queue.backlog,
            unreadable: queue.unreadable,
            seq: reconciler.committedSeq, stateBytes: bytes(store.path) + bytes(store.path + "-wal"),
            timelineBytes: bytes(configuration.timeline), watchdogPings: status.watchdogPings)
        do {
            try metrics.write(to: path, levels: levels)
            if metricsFailing {
                metricsFailing = false
                logger.notice("the metrics file \(path) is written again")
            }
        } catch {
            guard !metricsFailing else { return }
            metricsFailing = true
            logger.error("cannot write the metrics file \(path): \(error); trying again each second (set metrics_file to a writable path)",
                         metadata: ["metrics.file": "\(path)"])
        }
    }
}
