import Logging
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// Brings the timeline and the inbox up to what the state has committed: the crash-consistency core.
///
/// The state database is the truth. A batch is committed there first; then its lines are appended to
/// the timeline (`writeCommittedLines()`), and only then are its files moved to `archive/` or
/// `rejected/` (`moveCommittedFiles(from:)`), each move recorded once it is durable. Whatever moment a
/// crash comes at, the next start (`repairAtStart(committedThrough:)`) finds committed lines the
/// timeline lacks and files still in the inbox, and finishes them: no line twice, none missing, no
/// file judged twice.
final class Reconciler {
    /// The last seq the state has committed.
    private(set) var committedSeq = 0
    /// The last seq the timeline holds.
    private(set) var writtenSeq = 0

    private let store: StateStore
    private let timeline: TimelineWriter
    private let paths: Paths
    private let logger: Logger

    /// Where the reconciler writes and moves.
    struct Paths {
        var timeline: String
        var state: String
        var inbox: String
        var archive: String { state + "/archive" }
        var rejected: String { state + "/rejected" }
    }

    init(store: StateStore, timeline: TimelineWriter, paths: Paths, logger: Logger) {
        self.store = store
        self.timeline = timeline
        self.paths = paths
        self.logger = logger
    }

    /// Records that the state committed every seq through `seq`.
    func committed(through seq: Int) {
        committedSeq = seq
    }

    // MARK: The timeline

    /// Makes the timeline end with every committed line, exactly once, at start-up.
    ///
    /// - Throws: `DaemonError` when the timeline is not the state's own (ahead of it, or written by
    ///   another state): writing on would give two files one seq, or skip lines, silently.
    func repairTimelineAtStart() throws {
        committedSeq = try store.lastSeq()
        do {
            if try !adoptTimelineFile(), committedSeq > 0 {
                // A new or rotated-away file: the lines before it are in the rotated copy (logrotate's
                // FILE.1 with delaycompress), whose torn last line a crash may have left; without one,
                // lines up to the last file moved out were written.
                let rotatedPath = paths.timeline + ".1"
                let rotated = TimelineWriter.repairTornTail(ofFile: rotatedPath)
                if let rotated, rotated > committedSeq { throw timelineAhead(rotatedPath, at: rotated) }
                writtenSeq = max(rotated ?? 0, try store.lastMovedSeq())
            }
            try writeCommittedLines()
        } catch let error as SystemCallError {
            throw DaemonError(message: "cannot write the timeline \(paths.timeline): \(error)", errno: error.errno)
        }
    }

    /// Appends the committed lines the timeline does not hold yet, and fsyncs them.
    ///
    /// - Throws: `SystemCallError` when the timeline cannot be written; `DaemonError` when the file at
    ///   the path was replaced by one that is not the state's.
    func writeCommittedLines() throws {
        let missing = try store.events(after: writtenSeq)
        guard let last = missing.last else { return }
        if try timeline.reopenIfRotated() {
            logger.notice("the timeline \(paths.timeline) was replaced: writing to the file now at the path")
            try adoptTimelineFile()
        }
        for event in missing { try timeline.append(line: event.line) }
        try timeline.flush()
        writtenSeq = last.seq
    }

    /// After a failed append: cuts the torn line it may have left, so the retry writes from the last
    /// whole line.
    func repairAfterFailedWrite() {
        writtenSeq = (try? timeline.repairTornTail()) ?? writtenSeq
    }

    /// Opens the timeline path again (after a rotation) and goes on after its last line.
    func reopenTimeline() throws {
        try timeline.reopen()
        try adoptTimelineFile()
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
        writtenSeq = try continuation(after: line, in: paths.timeline)
        return true
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
        guard seq <= committedSeq else { throw timelineAhead(path, at: seq) }
        guard let stored = try store.line(seq: seq), stored.utf8.dropLast().elementsEqual(line) else {
            throw DaemonError(message: """
                the timeline \(path) is not this state's: its last line (seq \(seq)) is not the line the state \
                \(paths.state) wrote at seq \(seq). Two states must not share a timeline: give each its own \
                --timeline, or put back the timeline that belongs to this state. \(Self.timelineAdvice)
                """, errno: EEXIST)
        }
        return seq
    }

    private func timelineAhead(_ path: String, at seq: Int) -> DaemonError {
        DaemonError(message: """
            the timeline \(path) reaches seq \(seq) but the state \(paths.state) only seq \(committedSeq): the \
            state is older than its timeline (a backup restored, or a new state beside an old timeline). Writing on \
            would give seq \(committedSeq + 1) to a second line, and consumers would see it twice. \(Self.timelineAdvice)
            """, errno: EEXIST)
    }

    private static let timelineAdvice = """
        To restore a backup, use `storyline restore`, which puts back the state and the timeline that belong \
        together and sends the files judged since back through the inbox; to start afresh, `storyline reset` \
        (docs/operations.md: Backup, restore, reset).
        """

    // MARK: The inbox

    /// Moves the files whose lines are written out of the inbox, and records each move once the
    /// directories are synced. A file rewritten or replaced since its judgement stays, queued as a new
    /// arrival; a file that cannot be moved is marked in `queue`, so it is not read again meanwhile.
    ///
    /// - Throws: `DaemonError` naming the first file that could not be moved (the others were), after
    ///   recording every move that succeeded; the caller retries with backoff.
    func moveCommittedFiles(from queue: inout InboxQueue) throws {
        var moved: [Int] = []
        var firstFailure: String?
        for event in try store.unmovedEvents() {
            // A story's line has no file: written, it is done.
            if event.disposition == .noFile {
                if event.seq <= writtenSeq { moved.append(event.seq) }
                continue
            }
            queue.forget(event.file)
            guard event.seq <= writtenSeq else { continue }
            let metadata: Logger.Metadata = ["article.file": "\(event.file)", "timeline.seq": "\(event.seq)"]
            let entry: InboxEntry
            do { entry = try inboxEntry(of: event) } catch {
                logger.error("cannot examine \(event.file) in the inbox: \(error)", metadata: metadata)
                queue.setUnmovable(event.file, true)
                firstFailure = firstFailure ?? "cannot examine \(event.file) in the inbox: \(error)"
                continue
            }
            switch entry {
            case .judged:
                let destination = event.disposition == .archive ? paths.archive : paths.rejected
                do { try FileMover.move(event.file, from: paths.inbox, to: destination, seq: event.seq) } catch {
                    logger.error("cannot move \(event.file) out of the inbox: \(error)", metadata: metadata)
                    queue.setUnmovable(event.file, true)
                    firstFailure = firstFailure ?? "cannot move \(event.file) out of the inbox: \(error)"
                    continue
                }
            case .gone:
                break
            case .replaced:
                logger.notice("""
                    \(event.file) is not the file judged at line \(event.seq) any more (written again or replaced): \
                    the file now at that name is judged as a new arrival
                    """, metadata: metadata)
                queue.requeue([event.file])
            }
            queue.setUnmovable(event.file, false)
            moved.append(event.seq)
        }
        if !moved.isEmpty {
            for directory in [paths.inbox, paths.archive, paths.rejected] {
                try Syscalls.synchronizeDirectory(directory)
            }
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
        guard let current = try FileVersion.current(of: event.file, in: paths.inbox) else { return .gone }
        // Rows written before identities were stored, and entries that could not be examined then:
        // by name, as before.
        guard let judged = event.version else { return .judged }
        return current == judged ? .judged : .replaced
    }
}
