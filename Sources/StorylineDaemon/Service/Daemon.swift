import CLinux
import Foundation
import Logging
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// An error that stops the daemon, with what to do about it.
public struct DaemonError: Error, CustomStringConvertible {
    public var message: String
    public var errno: Int32
    public var description: String { message }
}

/// `storyline run`: watches the inbox, judges each complete file once, and keeps state, timeline and
/// files consistent whatever moment the process dies at.
///
/// For each batch: one database transaction records the events and articles; the timeline lines are
/// then appended and fsync'd; only then are the input files moved to `archive/` or `rejected/`. At
/// start-up the daemon finishes whatever a crash interrupted: it cuts a torn last timeline line,
/// appends committed lines the timeline lacks, and moves committed files still in the inbox, without a
/// second event. One thread runs the loop; a stuck loop stops the watchdog pings.
public final class Daemon {
    private var configuration: DaemonConfiguration
    /// Resolved again on every SIGHUP, by the same function as at start-up.
    private let sources: ConfigurationSources
    private let logger: Logger
    private let notifier: ServiceNotifier

    private var store: StateStore!
    private var timeline: TimelineWriter!
    private var watcher: InboxWatcher?
    private var engine: Engine
    private var tokenizer = Tokenizer()
    private var pending: Set<FileName> = []
    /// Files read from the inbox but not judged yet, so that a backlog is judged in `published` order.
    private var readAhead = ReadAhead()
    private var unmovable: Set<FileName> = []
    private var lastSeq = 0
    private var timelineSeq = 0
    private var counts = StateStore.Counts()
    private var lastStatus = ""
    private var lastStatusTime = ContinuousClock.now - .seconds(10)
    private var lastWatchdog = ContinuousClock.now
    private var failure: String?
    private var failedAt = ContinuousClock.now
    private var timelineNeedsReopen = false
    private var moveFailure: String?
    private var moveRetryAt = ContinuousClock.now
    private var moveRetryDelay: Duration = .milliseconds(250)
    private var retryDelay: Duration = .milliseconds(250)
    private var stopping = false
    /// Whether every article the engine has judged is committed: only then may a snapshot be taken.
    private var engineIsCommitted = true
    /// When to prune what is past retention, and what was pruned since the journal last said.
    private var retention = Retention()
    private var signals: Int32 = -1
    private var lockDescriptor: Int32 = -1

    private var archiveDirectory: String { configuration.state + "/archive" }
    private var rejectedDirectory: String { configuration.state + "/rejected" }

    /// - Parameters:
    ///   - sources: the file and the command-line settings, resolved now and again on every SIGHUP.
    /// - Throws: `DaemonConfigurationError` when the settings cannot be used; nothing has been opened or
    ///   made then.
    public init(sources: ConfigurationSources, logger: Logger) throws {
        configuration = try sources.resolve()
        self.sources = sources
        self.logger = logger
        notifier = ServiceNotifier()
        engine = try Engine(configuration: configuration.engine)
    }

    /// Runs until SIGTERM or SIGINT.
    ///
    /// - Returns: the exit status: 0 after a clean stop.
    public func run() -> Int32 {
        defer { store?.close() }
        // Blocks of 1 MiB and more (index tables while they grow or are pruned) are mapped and unmapped
        // whole (`Syscalls.mapBlocks(from:)`).
        Syscalls.mapBlocks(from: 1 << 20)
        do {
            try start()
            try loop()
            notifier.stopping(status: "stopping: \(statusCounts)")
            saveSnapshot()
            notifier.status("stopped: \(statusCounts)")
            logger.notice("stopped cleanly", metadata: ["timeline.seq": "\(lastSeq)"])
            return 0
        } catch let error as DaemonError {
            notifier.failed(status: "failed: \(error.message)", errno: error.errno)
            logger.critical("\(error.message)")
            return 1
        } catch {
            notifier.failed(status: "failed: \(error)", errno: EIO)
            logger.critical("\(error)")
            return 1
        }
    }

    // MARK: Start-up

    private func start() throws {
        signals = storyline_signalfd_open()
        guard signals >= 0 else { throw DaemonError(message: "cannot set up signal handling: \(String(cString: strerror(errno)))", errno: errno) }
        guard Syscalls.isDirectory(configuration.inbox) else {
            throw DaemonError(message: "the inbox \(configuration.inbox) does not exist or is not a directory: "
                + "create it (mkdir -p \(configuration.inbox)) or choose another with --inbox.", errno: ENOENT)
        }
        for directory in [configuration.state, archiveDirectory, rejectedDirectory] {
            do { try Syscalls.makeDirectory(directory) } catch {
                throw DaemonError(message: "cannot create the state directory \(directory): \(error). "
                    + "Check that it is writable by this user, or choose another with --state.", errno: error.errno)
            }
        }
        try lockState()
        do { store = try StateStore(path: configuration.state + "/state.sqlite") } catch {
            throw DaemonError(message: "cannot open the state database in \(configuration.state): \(error)", errno: EIO)
        }
        try restoreEngine()
        do { timeline = try TimelineWriter(appendingTo: configuration.timeline) } catch {
            throw DaemonError(message: "cannot open the timeline \(configuration.timeline): "
                + Self.explain(error, timeline: configuration.timeline), errno: error.errno)
        }
        lastSeq = try store.lastSeq()
        try reconcileTimeline()
        do { watcher = try InboxWatcher(directory: configuration.inbox) } catch {
            let advice = error.errno == ENOSPC
                ? " The inotify watch limit is exhausted: raise the sysctl fs.inotify.max_user_watches." : ""
            throw DaemonError(message: "cannot watch the inbox \(configuration.inbox): \(error).\(advice)", errno: error.errno)
        }
        scanInbox()
        moveFiles()
        counts = try store.counts()
        notifier.ready(status: statusText)
        lastStatus = statusText
        logger.notice("watching \(configuration.inbox): timeline \(configuration.timeline) at seq \(lastSeq), \(pending.count) files waiting", metadata: [
            "timeline.seq": "\(lastSeq)", "backlog": "\(pending.count)", "timeline": "\(configuration.timeline)",
        ])
    }

    private func lockState() throws {
        let path = configuration.state + "/lock"
        do {
            lockDescriptor = try Syscalls.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0o644)
            guard try Syscalls.lockExclusively(lockDescriptor, path: path) else {
                throw DaemonError(message: "another storyline is already running on the state directory "
                    + "\(configuration.state) (it holds \(path)); stop it first, or give this one its own --state.", errno: EBUSY)
            }
        } catch let error as SystemCallError {
            throw DaemonError(message: "cannot lock the state directory: \(error)", errno: error.errno)
        }
    }

    /// Rebuilds the engine from the state: the snapshot of the last clean stop and the articles judged
    /// after it, or, without a usable snapshot, every article within the horizon.
    private func restoreEngine() throws {
        let started = ContinuousClock.now
        var after: Int?
        engine = try Engine(configuration: configuration.engine)
        do {
            if let loaded = try store.loadSnapshot(configuration: configuration.engine) {
                engine = loaded
                after = loaded.lastArticle
            }
        } catch {
            logger.warning("""
                the engine snapshot \(store.snapshotPath) cannot be used (\(error)): re-deriving the indexes \
                from the stored articles instead; the next clean stop writes a new one
                """)
        }
        engine.fingerprintArchive = store
        var restored = 0
        var lastReport = ContinuousClock.now
        // A state written before producers' dates were checked may hold an article dated 2100: it is
        // restored as if judged now, so that it does not evict everything before it again.
        let now = SystemClock.now()
        let latest = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Submission.clockSkewMilliseconds)
        try store.restorableArticles(after: after, horizonDays: configuration.engine.horizonDays, latest: latest) { row in
            let submission = Submission(
                title: tokenizer.tokenize(row.title), body: tokenizer.tokenize(row.body), sha256: row.sha256,
                time: Submission.judgedTime(published: row.time, arrival: now))
            try? engine.restore(submission, as: row.judgement)
            // Rows from before shingles were stored keep theirs in memory until they leave the horizon.
            if row.hasFingerprint { engine.releaseFingerprints(of: [row.judgement.article]) }
            restored += 1
            pingWatchdog()
            if ContinuousClock.now - lastReport > .seconds(1) {
                lastReport = .now
                notifier.extendTimeout(by: .seconds(30))
                notifier.status("loading state: \(grouped(restored)) articles restored")
            }
        }
        // Numbers come from the whole state, not from what the horizon holds: an article judged last may
        // be dated long before the newest, and the story numbers of stories past the horizon stay taken.
        let highest = try store.highestNumbers()
        engine.reserveNumbers(throughArticle: highest.article, story: highest.story)
        if let judged = try store.lastJudgedAt() { engine.noteLastArrival(judged) }
        engineIsCommitted = true
        let seconds = Self.seconds(ContinuousClock.now - started)
        if let after {
            logger.info("""
                state restored in \(seconds) s: the engine snapshot (up to article \(after)) and \
                \(grouped(restored)) articles judged after it; \(grouped(engine.indexedArticles)) articles indexed
                """, metadata: ["articles": "\(engine.indexedArticles)", "restored": "\(restored)"])
        } else if restored > 0 {
            let days = configuration.engine.horizonDays
            let horizon = days == days.rounded() ? String(Int(days)) : String(days)
            logger.info("state restored in \(seconds) s: \(grouped(restored)) articles within the \(horizon)-day horizon re-indexed",
                        metadata: ["articles": "\(restored)", "restored": "\(restored)"])
        }
    }

    /// A duration in milliseconds to two decimals, for the journal.
    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15)
    }

    /// A duration in seconds to one decimal, for the journal.
    private static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// Writes the engine snapshot that lets the next start skip re-deriving the indexes.
    private func saveSnapshot() {
        guard let store, engineIsCommitted, engine.lastArticle > 0 else { return }
        let started = ContinuousClock.now
        var lastReport = started
        notifier.status("stopping: writing the engine snapshot")
        do {
            try store.saveSnapshot(of: engine) { [notifier] in
                if ContinuousClock.now - lastReport > .seconds(1) {
                    lastReport = .now
                    notifier.extendTimeout(by: .seconds(30))
                }
            }
            logger.info("engine snapshot written: \(grouped(engine.indexedArticles)) articles in \(Self.seconds(ContinuousClock.now - started)) s",
                        metadata: ["articles": "\(engine.indexedArticles)"])
        } catch {
            logger.warning("cannot write the engine snapshot \(store.snapshotPath): \(error); the next start re-derives the indexes from the stored articles")
        }
    }

    /// Makes the timeline end with every committed line, exactly once.
    ///
    /// - Throws: `DaemonError` when the timeline is not the state's own (ahead of it, or written by
    ///   another state): writing on would give two files one seq, or skip lines, silently.
    private func reconcileTimeline() throws {
        do {
            if try !adoptTimelineFile(), lastSeq > 0 {
                // A new or rotated-away file: the lines before it are in the rotated copy (logrotate's
                // FILE.1 with delaycompress), whose torn last line a crash may have left; without one,
                // lines up to the last file moved out were written.
                let rotatedPath = configuration.timeline + ".1"
                let rotated = TimelineWriter.repairTornTail(ofFile: rotatedPath)
                if let rotated, rotated > lastSeq { throw timelineAhead(rotatedPath, at: rotated) }
                timelineSeq = max(rotated ?? 0, try store.lastMovedSeq())
            }
            try appendCommittedLines()
        } catch let error as SystemCallError {
            throw DaemonError(message: "cannot write the timeline \(configuration.timeline): \(error)", errno: error.errno)
        }
    }

    /// The seq after which the state's lines go on in a timeline file that ends with `line`.
    ///
    /// - Throws: `DaemonError` when the file is not the state's: its last line has a seq the state has
    ///   not reached (a state older than its timeline: a restored backup, a new state beside an old
    ///   timeline), or differs from the state's line of that seq (another state's timeline).
    private func continuation(after line: ArraySlice<UInt8>, in path: String) throws -> Int {
        guard let seq = TimelineLine.seq(of: line) else {
            throw DaemonError(message: """
                the timeline \(path) ends with a line that is not a Storyline timeline line: \
                \(String(decoding: line.prefix(120), as: UTF8.self)). Storyline appends only to its own timeline: \
                move the file away, or give storyline another --timeline. \(Self.timelineAdvice)
                """, errno: EEXIST)
        }
        guard seq <= lastSeq else { throw timelineAhead(path, at: seq) }
        guard let stored = try store.line(seq: seq), stored.utf8.dropLast().elementsEqual(line) else {
            throw DaemonError(message: """
                the timeline \(path) is not this state's: its last line (seq \(seq)) is not the line the state \
                \(configuration.state) wrote at seq \(seq). Two states must not share a timeline: give each its own \
                --timeline, or put back the timeline that belongs to this state. \(Self.timelineAdvice)
                """, errno: EEXIST)
        }
        return seq
    }

    private func timelineAhead(_ path: String, at seq: Int) -> DaemonError {
        DaemonError(message: """
            the timeline \(path) reaches seq \(seq) but the state \(configuration.state) only seq \(lastSeq): the \
            state is older than its timeline (a backup restored, or a new state beside an old timeline). Writing on \
            would give seq \(lastSeq + 1) to a second line, and consumers would see it twice. \(Self.timelineAdvice)
            """, errno: EEXIST)
    }

    private static let timelineAdvice = """
        To restore a backup, use `storyline restore`, which puts back the state and the timeline that belong \
        together and sends the files judged since back through the inbox; to start afresh, `storyline reset` \
        (docs/operations.md: Backup, restore, reset).
        """

    private func appendCommittedLines() throws {
        let missing = try store.events(after: timelineSeq)
        guard !missing.isEmpty else { return }
        if try timeline.reopenIfRotated() {
            logger.notice("the timeline \(configuration.timeline) was replaced: writing to the file now at the path")
            try adoptTimelineFile()
        }
        for event in missing { try timeline.append(line: event.line) }
        try timeline.flush()
        timelineSeq = missing.last!.seq
    }

    /// Queues every complete file already in the inbox.
    private func scanInbox() {
        do {
            for name in try Syscalls.directoryEntries(bytes: Array(configuration.inbox.utf8)) where !InboxNames.isInProgress(name.bytes) {
                pending.insert(name)
            }
        } catch {
            logger.error("cannot list the inbox: \(error)")
        }
    }

    /// Moves files whose events are committed but which are still in the inbox; no new event.
    /// Moves the files whose lines are written out of the inbox.
    ///
    /// - Throws: `DaemonError` naming the first file that could not be moved (the others were), after
    ///   recording every move that succeeded; the caller retries with backoff.
    private func moveCommittedFiles() throws {
        var moved: [Int] = []
        var firstFailure: String?
        for event in try store.unmovedEvents() {
            pending.remove(event.file)
            readAhead.remove(event.file)
            guard event.seq <= timelineSeq else { continue }
            let entry: InboxEntry
            do { entry = try inboxEntry(of: event) } catch {
                logger.error("cannot examine \(event.file) in the inbox: \(error)", metadata: ["article.file": "\(event.file)"])
                unmovable.insert(event.file)
                firstFailure = firstFailure ?? "cannot examine \(event.file) in the inbox: \(error)"
                continue
            }
            switch entry {
            case .judged:
                let destination = event.disposition == .archive ? archiveDirectory : rejectedDirectory
                do { try FileMover.move(event.file, from: configuration.inbox, to: destination, seq: event.seq) } catch {
                    logger.error("cannot move \(event.file) out of the inbox: \(error)", metadata: ["article.file": "\(event.file)"])
                    unmovable.insert(event.file)
                    firstFailure = firstFailure ?? "cannot move \(event.file) out of the inbox: \(error)"
                    continue
                }
            case .gone:
                break
            case .replaced:
                logger.notice("""
                    \(event.file) is not the file judged at line \(event.seq) any more (written again or replaced): \
                    the file now at that name is judged as a new arrival
                    """, metadata: ["article.file": "\(event.file)", "timeline.seq": "\(event.seq)"])
                pending.insert(event.file)
            }
            unmovable.remove(event.file)
            moved.append(event.seq)
        }
        if !moved.isEmpty {
            try synchronizeDirectories()
            try store.markMoved(moved)
        }
        if let firstFailure { throw DaemonError(message: firstFailure, errno: EIO) }
    }

    /// What is at an event's name in the inbox now.
    private enum InboxEntry {
        /// The file the event judged: it moves aside under the event's seq.
        case judged
        /// Nothing: the file was moved already (a crash before that was recorded), or taken away.
        case gone
        /// Another file, or the same one rewritten: a new arrival, judged in its turn.
        case replaced
    }

    private func inboxEntry(of event: StateStore.EventRow) throws(SystemCallError) -> InboxEntry {
        guard let current = try FileVersion.current(of: event.file, in: configuration.inbox) else { return .gone }
        // Rows written before identities were stored, and entries that could not be examined then:
        // by name, as before.
        guard let judged = event.version else { return .judged }
        return current == judged ? .judged : .replaced
    }

    private func synchronizeDirectories() throws {
        for directory in [configuration.inbox, archiveDirectory, rejectedDirectory] {
            try Syscalls.synchronizeDirectory(directory)
        }
    }

    // MARK: The loop

    private func loop() throws {
        while !stopping {
            // Signals first: a reload (after a rotation) must reopen the timeline before more lines go out.
            try handleSignals()
            if stopping { break }
            if failure == nil, !pending.isEmpty || !readAhead.isEmpty {
                processBatch()
            }
            let busy = failure == nil && (!pending.isEmpty || !readAhead.isEmpty)
            var idle: Duration = failure != nil ? retryDelay : .milliseconds(250)
            // Wake often enough to ping the watchdog at half its interval.
            if let watchdog = notifier.watchdogInterval { idle = min(idle, watchdog / 4) }
            let timeout: Int32 = busy ? 0 : Int32(idle.components.seconds * 1000 + idle.components.attoseconds / 1_000_000_000_000_000)
            var descriptors = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            if let watcher { descriptors.append(pollfd(fd: watcher.descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), timeout)
            if ready < 0 && errno != EINTR {
                throw DaemonError(message: "poll failed: \(String(cString: strerror(errno)))", errno: errno)
            }
            try handleSignals()
            handleInboxChanges()
            if failure != nil && ContinuousClock.now - failedAt >= retryDelay { retry() }
            if failure == nil && moveFailure != nil && ContinuousClock.now >= moveRetryAt { moveFiles() }
            pruneIfDue()
            pingWatchdog()
            updateStatus()
        }
    }

    private func handleSignals() throws {
        while true {
            let signal = storyline_signalfd_read(signals)
            guard signal > 0 else { return }
            switch signal {
            case SIGTERM, SIGINT:
                stopping = true
                notifier.stopping(status: "stopping: \(statusCounts)")
                logger.notice("stopping on signal \(signal)")
            case SIGHUP:
                reload()
            default:
                break
            }
        }
    }

    private func handleInboxChanges() {
        guard let watcher else {
            rearmInbox()
            return
        }
        let changes: [InboxChange]
        do { changes = try watcher.changes() } catch {
            logger.error("cannot read inbox events: \(error)")
            return
        }
        for change in changes {
            switch change {
            case let .arrived(name):
                if !InboxNames.isInProgress(name.bytes) { pending.insert(name) }
            case .overflow:
                logger.warning("the inotify queue overflowed: rescanning the inbox")
                scanInbox()
            case .inboxGone:
                logger.error("the inbox \(configuration.inbox) was deleted or moved: recreate it; storyline keeps checking every second and resumes when it is back")
                self.watcher = nil
                failure = "the inbox \(configuration.inbox) is gone: recreate it"
                failedAt = .now
                retryDelay = .seconds(1)
                return
            }
        }
    }

    private func rearmInbox() {
        guard Syscalls.isDirectory(configuration.inbox) else { return }
        do {
            watcher = try InboxWatcher(directory: configuration.inbox)
            failure = nil
            logger.notice("the inbox \(configuration.inbox) is back: watching it again")
            scanInbox()
        } catch {
            logger.error("cannot watch the inbox again: \(error)")
        }
    }

    private func retry() {
        if watcher == nil {
            rearmInbox()
            return
        }
        if timelineNeedsReopen {
            reopenTimeline()
            if timelineNeedsReopen { return }
        }
        // Finish what the failure left: committed lines not yet in the timeline, files not yet moved.
        do {
            try appendCommittedLines()
            if failure != nil { logger.notice("recovered: \(failure ?? "")") }
            failure = nil
            retryDelay = .milliseconds(250)
        } catch {
            fail("\(error)", names: [], rebuild: false)
            return
        }
        moveFiles()
    }

    /// Moves the files whose lines are written; a failure (a full archive, say) is shown in the status
    /// and retried with backoff while new files go on being judged (they wait in the inbox too).
    private func moveFiles() {
        do {
            try moveCommittedFiles()
            if let moveFailure { logger.notice("files are moving out of the inbox again (after: \(moveFailure))") }
            moveFailure = nil
            moveRetryDelay = .milliseconds(250)
        } catch {
            moveFailure = "\(error)"
            moveRetryAt = .now + moveRetryDelay
            logger.error("\(error); retrying in \(moveRetryDelay)")
            moveRetryDelay = min(moveRetryDelay * 2, .seconds(30))
            updateStatus(force: true)
        }
    }

    /// Opens the timeline path again (after a rotation); on failure keeps retrying with backoff, and
    /// processes nothing meanwhile, so no line goes to a file that was rotated away.
    private func reopenTimeline() {
        do {
            try timeline.reopen()
            try adoptTimelineFile()
            if timelineNeedsReopen { logger.notice("the timeline \(configuration.timeline) is open again") }
            timelineNeedsReopen = false
        } catch {
            let explained = Self.explain(error, timeline: configuration.timeline)
            logger.error("cannot reopen the timeline \(configuration.timeline): \(explained); retrying in \(retryDelay)")
            timelineNeedsReopen = true
            failure = "cannot reopen the timeline: \(explained)"
            failedAt = .now
            retryDelay = min(retryDelay * 2, .seconds(30))
        }
    }

    /// Cuts a torn last line off the timeline file now open and, if it has lines (the old one put back,
    /// or any file at start-up), goes on after its last one, if it is the state's. A file without lines
    /// (a rotation's new one) goes on from the state's lines.
    ///
    /// - Returns: whether the file has lines.
    @discardableResult
    private func adoptTimelineFile() throws -> Bool {
        _ = try timeline.repairTornTail()
        guard let line = try timeline.lastWholeLine() else { return false }
        timelineSeq = try continuation(after: line, in: configuration.timeline)
        return true
    }

    /// SIGHUP: reopens the timeline and reads the configuration again. A configuration that cannot be
    /// used leaves the previous settings in force; either way the outcome goes to `STATE/reload.status`
    /// for `storyline reload` (what `systemctl reload` runs), to the status line and to the journal, and
    /// READY=1 ends the reload (systemd 252 waits for it after RELOADING=1).
    private func reload() {
        let requested = notifier.reloading()
        logger.notice("reloading: reopening the timeline and reading the configuration again")
        reopenTimeline()
        // A reload is also the operator saying "fixed": finish what a failure left at once.
        if failure != nil && !timelineNeedsReopen { retry() }
        var problems: [String] = []
        do {
            try reloadConfiguration()
        } catch {
            problems.append("\(error); the previous settings stay")
            logger.error("the configuration was not reloaded: \(error); the previous settings stay in force")
        }
        if timelineNeedsReopen { problems.append("cannot reopen the timeline \(configuration.timeline)") }
        let problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        let record = ReloadStatus(
            generation: (ReloadStatus.read(fromState: configuration.state)?.generation ?? 0) + 1,
            monotonicMicroseconds: requested, error: problem)
        do { try record.write(toState: configuration.state) } catch {
            logger.error("cannot record the outcome of the reload for storyline reload: \(error)")
        }
        // The note stays until the status next changes; the next tick would overwrite it at once.
        let status = problem.map { "reload failed: \($0); \(statusText)" }
            ?? "\(statusText) (reloaded)"
        lastStatus = statusText
        lastStatusTime = .now
        notifier.notify("READY=1\nSTATUS=\(status)")
    }

    /// Reads the configuration file again, applies the command line over it, and puts it in force if
    /// it validates; a changed engine setting rebuilds the indexes from the state.
    ///
    /// - Throws: the first problem with the new settings; the previous ones are then in force again.
    private func reloadConfiguration() throws {
        let (fresh, pathsChanged) = try Self.reloadedConfiguration(sources, current: configuration)
        if pathsChanged { logger.warning("paths changed in the configuration: restart storyline to use them") }
        let previous = configuration
        configuration = fresh
        guard fresh.engine != previous.engine else { return }
        do {
            try restoreEngine()
            logger.notice("engine settings changed: indexes rebuilt from the state")
        } catch {
            configuration = previous
            do { try restoreEngine() } catch {
                logger.error("cannot rebuild the engine from the state: \(error)")
            }
            throw DaemonError(message: "cannot rebuild the indexes with the new engine settings: \(error)", errno: EIO)
        }
    }

    /// The settings a reload puts in force: `sources` resolved exactly as at start-up (defaults, file,
    /// command line, validation), with the paths of `current` kept, as they are fixed until a restart.
    ///
    /// - Returns: the settings, and whether the file or the command line asked for other paths.
    /// - Throws: `DaemonConfigurationError`, as at start-up; `current` then stays in force.
    static func reloadedConfiguration(
        _ sources: ConfigurationSources, current: DaemonConfiguration
    ) throws(DaemonConfigurationError) -> (configuration: DaemonConfiguration, pathsChanged: Bool) {
        var fresh = try sources.resolve()
        let pathsChanged = fresh.inbox != current.inbox || fresh.state != current.state || fresh.timeline != current.timeline
        fresh.inbox = current.inbox
        fresh.state = current.state
        fresh.timeline = current.timeline
        return (fresh, pathsChanged)
    }

    // MARK: A batch

    private func processBatch() {
        let now = SystemClock.now()
        readAhead.fill(from: &pending, skipping: unmovable) { name in
            // Reading and preparing 16 MiB of files takes seconds: the watchdog hears from each one.
            defer { pingWatchdog() }
            let file: ArticleFile
            do throws(ArticleRejection) {
                file = try ArticleFile.read(name, in: configuration.inbox, sizeLimit: configuration.maxFileBytes)
            } catch {
                // Not read (a link, a directory, too large): which file it is comes from the name.
                return .rejected(error, version: (try? FileVersion.current(of: name, in: configuration.inbox)) ?? nil)
            }
            do throws(ArticleRejection) {
                return .article(try PreparedArticle(file, arrival: now, tokenizer: &tokenizer), bytes: file.bytes.count,
                                version: file.version)
            } catch {
                return .rejected(error, version: file.version)
            }
        }
        let taken = readAhead.takeEarliest(configuration.batchSize, bytes: ReadAhead.maximumBatchBytes)
        let names = taken.map(\.name)
        let judging = ContinuousClock.now
        var batch = StateStore.Batch()
        var seq = lastSeq
        var judged: [TimelineEvent] = []
        var futureDated: [(name: FileName, published: String)] = []
        for (name, read) in taken {
            pingWatchdog()
            guard Syscalls.exists(bytes: name.path(in: configuration.inbox)) else {
                logger.notice("\(name) vanished before it was judged: nothing to do", metadata: ["article.file": "\(name)"])
                continue
            }
            seq += 1
            let event: TimelineEvent
            do throws(ArticleRejection) {
                switch read {
                case let .article(prepared, _, version):
                    engineIsCommitted = false
                    event = try batch.judge(prepared, named: name, version: version, seq: seq, at: now, engine: &engine)
                    if prepared.isFutureDated { futureDated.append((name, prepared.article.published ?? "")) }
                case let .rejected(rejection, _):
                    throw rejection
                }
            } catch {
                if error.code == .unreadable && !Syscalls.exists(bytes: name.path(in: configuration.inbox)) {
                    seq -= 1
                    logger.notice("\(name) vanished before it was read: nothing to do", metadata: ["article.file": "\(name)"])
                    continue
                }
                event = TimelineEvent(seq: seq, time: now, rejectedFile: name.description, rejection: error)
                batch.events.append(StateStore.EventRow(seq: seq, line: event.jsonLine, file: name, version: read.version,
                                                        sha256: nil, disposition: .rejected))
            }
            judged.append(event)
        }
        if let failures = store.takeArchiveFailures() {
            logger.error("""
                could not read back the stored shingles of \(failures.count) candidate article(s) (last: \(failures.last)): \
                they were not compared, so a near-duplicate of them may have been judged as new coverage; \
                check the state database: sqlite3 \(store.path) 'PRAGMA integrity_check'
                """)
        }
        guard !batch.events.isEmpty else { return }
        pingWatchdog()
        let committing = ContinuousClock.now
        do {
            try store.commit(batch, judgedAt: now)
            engineIsCommitted = true
            engine.releaseFingerprints(of: batch.articleNumbers)
        } catch {
            fail("cannot record \(batch.events.count) files in the state database: \(error)", names: names, rebuild: true)
            return
        }
        lastSeq = seq
        let committed = ContinuousClock.now
        retryDelay = .milliseconds(250)
        pingWatchdog()
        for event in judged { log(event) }
        for (name, published) in futureDated {
            logger.warning("""
                \(name) is dated \(published), more than an hour after it arrived: judged as published on arrival \
                (its line keeps the date as given); check the producer's clock or time zone
                """, metadata: ["article.file": "\(name)", "article.published": "\(published)"])
        }
        updateCounts(judged)
        counts.futureDated += futureDated.count
        do {
            try appendCommittedLines()
        } catch {
            timelineSeq = (try? timeline.repairTornTail()) ?? timelineSeq
            fail("cannot append to the timeline \(configuration.timeline): \(Self.explain(error, timeline: configuration.timeline)); "
                + "the files stay in the inbox", names: [], rebuild: false)
            return
        }
        moveFiles()
        let done = ContinuousClock.now
        logger.debug("batch of \(judged.count) files judged, recorded, written and moved", metadata: [
            "batch.files": "\(judged.count)", "batch.seq.last": "\(seq)",
            "batch.judge.ms": "\(Self.milliseconds(committing - judging))",
            "batch.commit.ms": "\(Self.milliseconds(committed - committing))",
            "batch.lines_and_moves.ms": "\(Self.milliseconds(done - committed))",
            "inbox.waiting": "\(backlog)",
            "engine.articles": "\(engine.indexedArticles)", "engine.stories": "\(engine.liveStories)",
        ])
        if pending.isEmpty && readAhead.isEmpty {
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
        let held = readAhead.takeMostBytesHeld()
        guard held >= Self.backlogBytesWorthReturning else { return }
        let started = ContinuousClock.now
        Syscalls.returnFreeMemory()
        logger.debug("free heap memory returned after a backlog", metadata: [
            "backlog.bytes": "\(held)", "duration.ms": "\(Self.milliseconds(ContinuousClock.now - started))",
        ])
    }

    /// Enters the failed state: nothing new is processed, `retry()` runs with backoff.
    ///
    /// - Parameters:
    ///   - names: files to take again later (their batch was not committed).
    ///   - rebuild: whether the engine judged files that were not committed, and must be rebuilt from
    ///     what was.
    private func fail(_ message: String, names: [FileName], rebuild: Bool) {
        logger.error("\(message); retrying in \(retryDelay)")
        failure = message
        failedAt = .now
        pending.formUnion(names)
        retryDelay = min(retryDelay * 2, .seconds(30))
        if rebuild {
            do { try restoreEngine() } catch { logger.error("cannot rebuild the engine from the state: \(error)") }
        }
        updateStatus(force: true)
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
        }
    }

    private func updateCounts(_ events: [TimelineEvent]) {
        for event in events {
            switch event.kind {
            case .rejected: counts.rejected += 1
            case .duplicate: counts.articles += 1; counts.duplicates += 1
            case .storyStarted: counts.articles += 1; counts.stories += 1
            case .storyExtended: counts.articles += 1
            }
        }
    }

    // MARK: Retention

    /// Prunes what is past `retention_days` (`Retention`), between batches: steps while the inbox is
    /// idle, for at most `Retention.idleBudget` at a time, one step a minute while it is busy. A
    /// failure is logged and tried again a minute later; it never stops the daemon.
    private func pruneIfDue() {
        let busy = !pending.isEmpty || !readAhead.isEmpty
        guard failure == nil, retention.isDue(busy: busy) else { return }
        let started = ContinuousClock.now
        do {
            while try retention.step(
                store: store, archive: archiveDirectory, retentionDays: configuration.effectiveRetentionDays,
                horizonDays: configuration.engine.horizonDays, now: SystemClock.now(), writtenThrough: timelineSeq),
                !busy, ContinuousClock.now - started < Retention.idleBudget {}
        } catch {
            logger.error("cannot prune the state past its retention: \(error); trying again in a minute")
        }
        guard let pruned = retention.takeReport() else { return }
        let days = DaemonConfiguration.days(configuration.effectiveRetentionDays)
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

    // MARK: Health

    /// WATCHDOG=1 once half the watchdog interval has passed since the last: cheap enough to call from
    /// inside long work (each file of a batch, each article of a rebuild), which must not starve it.
    private func pingWatchdog() {
        guard let interval = notifier.watchdogInterval, ContinuousClock.now - lastWatchdog >= interval / 2 else { return }
        notifier.watchdog()
        lastWatchdog = .now
    }

    private var statusCounts: String {
        func counted(_ value: Int, _ one: String, _ many: String) -> String { "\(grouped(value)) \(value == 1 ? one : many)" }
        let futureDated = counts.futureDated > 0 ? "\(grouped(counts.futureDated)) future-dated, " : ""
        return "\(counted(counts.articles, "article", "articles")), \(counted(counts.stories, "story", "stories")), "
            + "\(counted(counts.duplicates, "duplicate", "duplicates")), \(grouped(counts.rejected)) rejected, "
            + futureDated + "backlog \(grouped(backlog))"
    }

    /// The files waiting to be judged, read ahead or not.
    private var backlog: Int { pending.count + readAhead.count }

    /// 1204 as "1,204". (Foundation's `formatted()` starts a worker thread that the sandbox refuses a
    /// priority to.)
    private func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    private var statusText: String {
        if let failure { return "error: \(failure); \(statusCounts)" }
        if let moveFailure { return "error: \(moveFailure); \(statusCounts)" }
        return "watching \(configuration.inbox): \(statusCounts)"
    }

    private func updateStatus(force: Bool = false) {
        let text = statusText
        guard text != lastStatus, force || ContinuousClock.now - lastStatusTime >= .milliseconds(250) else { return }
        notifier.status(text)
        lastStatus = text
        lastStatusTime = .now
    }
}
