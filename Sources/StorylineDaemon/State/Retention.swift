import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// Prunes what is past `retention_days`: the events, articles (text and shingles) and stories the
/// state no longer needs, and the judged files in archive/, a small step at a time.
///
/// Age is when the daemon judged the file, by its own clock (the event's `judged_at`), never the
/// producer's `published`. A file in archive/ is found by its event: the `SEQ-name` the move gave
/// it (`removeArchivedFile(of:in:)`), whose bytes have the event's SHA-256. Files in
/// rejected/ are kept: they are what a producer's operator needs to see what went wrong, and nothing
/// else keeps them (the timeline line says only why). Nothing in the inbox is ever touched.
///
/// The schedule: a step prunes at most `eventsPerStep` events in one transaction. While there is
/// more to prune the daemon takes steps between batches when the inbox is idle, and at most one every
/// `busyInterval` while it is busy; once caught up, it looks again after `busyInterval`.
public struct Retention: Sendable {
    /// Most events pruned in one transaction (with their articles and archived files).
    public static let eventsPerStep = 1000
    /// Least time between steps while files are waiting, and between looks once caught up.
    public static let busyInterval: Duration = .seconds(60)
    /// Longest a run of idle steps holds the loop before it polls again.
    public static let idleBudget: Duration = .milliseconds(100)

    /// What one or more steps pruned.
    public struct Outcome: Sendable, Hashable {
        public var rows = StateStore.PrunedRows()
        /// Files deleted from archive/.
        public var archivedFiles = 0
        /// Pruned events whose archived file was not found (deleted by someone else, or renamed).
        public var missingFiles = 0

        public init() {}

        public var isEmpty: Bool { rows.events == 0 && archivedFiles == 0 }

        public static func += (total: inout Outcome, more: Outcome) {
            total.rows += more.rows
            total.archivedFiles += more.archivedFiles
            total.missingFiles += more.missingFiles
        }
    }

    /// When the next step may run.
    public private(set) var nextStep = ContinuousClock.now
    private var lastStep = ContinuousClock.now - busyInterval
    /// Pruned since the last report.
    private var unreported = Outcome()
    private var lastReport = ContinuousClock.now
    private var caughtUp = false

    public init() {}

    /// Whether a step is due now: `busy` says files are waiting in the inbox.
    public func isDue(busy: Bool, now: ContinuousClock.Instant = .now) -> Bool {
        now >= nextStep && (!busy || now - lastStep >= Self.busyInterval)
    }

    /// Prunes at most `eventsPerStep` events past retention, their articles, and their archived files.
    ///
    /// Files are deleted (and archive/ synchronized) before the rows, so a crash in between leaves rows
    /// whose files are gone, pruned again next time, never a file no row leads to. A file that cannot
    /// be deleted keeps its rows, to be tried again at a later step.
    ///
    /// - Parameters:
    ///   - now: the wall clock: what ages are measured against.
    ///   - writtenThrough: the last seq whose line is in the timeline.
    /// - Returns: whether there may be more to prune at once.
    /// - Throws: `SystemCallError` or a database error; nothing is lost, a step a minute later tries again.
    public mutating func step(
        store: StateStore, archive: String, retentionDays: Double, horizonDays: Double, now: Timestamp, writtenThrough: Int
    ) throws -> Bool {
        lastStep = .now
        nextStep = .now + Self.busyInterval
        let events = try store.prunableEvents(
            judgedBefore: now.adding(days: -retentionDays), writtenThrough: writtenThrough, horizonDays: horizonDays,
            limit: Self.eventsPerStep)
        var outcome = Outcome()
        var kept: Set<Int> = []
        var firstError: SystemCallError?
        for event in events where event.disposition == .archive {
            do throws(SystemCallError) {
                if try Self.removeArchivedFile(of: event, in: archive) { outcome.archivedFiles += 1 } else { outcome.missingFiles += 1 }
            } catch {
                kept.insert(event.seq)
                firstError = firstError ?? error
            }
        }
        if outcome.archivedFiles > 0 { try Syscalls.synchronizeDirectory(archive) }
        outcome.rows = try store.prune(events.map(\.seq).filter { !kept.contains($0) })
        unreported += outcome
        if let firstError { throw firstError }
        let more = events.count == Self.eventsPerStep
        if more { nextStep = .now }
        caughtUp = !more
        return more
    }

    /// What was pruned since the last report, once there is something and the pruning has caught up or
    /// the last report is a minute old: one journal line per pass, not one per step.
    public mutating func takeReport() -> Outcome? {
        guard !unreported.isEmpty, caughtUp || ContinuousClock.now - lastReport >= Self.busyInterval else { return nil }
        defer {
            unreported = Outcome()
            lastReport = .now
        }
        return unreported
    }

    /// Deletes the file of `event` from `archive`: the first of its names there whose bytes have the
    /// event's SHA-256. Those are the name the move gave it, `SEQ-name` (or `SEQ.1-name`… when that was
    /// taken: the move takes the first free one), and, for a file archived before names carried their
    /// seq, its inbox name.
    ///
    /// - Returns: false when no such file is there.
    /// - Throws: `SystemCallError` when the file cannot be deleted.
    static func removeArchivedFile(of event: StateStore.PrunableEvent, in archive: String) throws(SystemCallError) -> Bool {
        let bytes = event.file.bytes
        guard let sha256 = event.sha256, !bytes.isEmpty, !bytes.contains(UInt8(ascii: "/")), bytes != [46], bytes != [46, 46]
        else { return false }
        var names: [FileName] = []
        for attempt in 0..<100 {
            let name = event.file.archived(seq: event.seq, attempt: attempt)
            guard Syscalls.exists(bytes: name.path(in: archive)) else { break }
            names.append(name)
        }
        names.append(event.file)
        for name in names {
            guard let file = try? ArticleFile.read(name, in: archive, sizeLimit: Int.max), file.sha256 == sha256 else { continue }
            try Syscalls.unlink(name.path(in: archive))
            return true
        }
        return false
    }
}
