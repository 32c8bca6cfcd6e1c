import Logging
import StorylineCore

/// The files waiting in the inbox, in the order they are to be judged: the first part a dropped file
/// meets.
///
/// The watch (`InboxWatcher`) and the scan of the directory find complete files, skipping names still
/// being written (`InboxNames.isInProgress`); their names wait in `pending`; batches read them ahead
/// (`ReadAhead`) and take the earliest by `published`. A file that cannot be moved out of the inbox is
/// left alone until a move succeeds, so it is not read again and again meanwhile.
///
/// A file closed after a plain write waits `settle_ms` from its last close before it is read (a
/// `settling` name): a writer that writes a header, closes and appends the body makes one article, not
/// two. A rename into the inbox is complete at once; so is what the scan finds.
///
/// A file this process may not read (a producer's umask of 077) is not an article yet, nor a
/// rejection: it stays where it is, with one warning, and is read again when its attributes change
/// (the producer's `chmod`), when it is written again, every `deniedRetryInterval`, and at the next
/// start.
struct InboxQueue {
    /// What the watch found that the loop must act on.
    enum Trouble: Equatable {
        /// The inbox was deleted or moved away: nothing arrives until it is back (`rearm()`).
        case inboxGone
    }

    let directory: String
    private let logger: Logger
    private var watcher: InboxWatcher?
    private var pending: Set<FileName> = []
    private var readAhead: ReadAhead
    private var unmovable: Set<FileName> = []
    /// Files that could not be read for want of permission, warned about once each.
    private var denied: Set<FileName> = []
    private var deniedRetryAt = ContinuousClock.now + deniedRetryInterval
    /// Files closed after writing, each with the time it may be read if no write comes first.
    private var settling: [FileName: ContinuousClock.Instant] = [:]

    /// How often files that could not be read are tried again even when nothing says they changed (a
    /// change of a group's members, or of an ACL default, sends no event for the file).
    static let deniedRetryInterval: Duration = .seconds(60)

    /// - Parameter analyzer: analyses the files read ahead (`ArticleAnalyzer`), under the engine's configuration.
    init(directory: String, logger: Logger, analyzer: ArticleAnalyzer = ArticleAnalyzer()) {
        self.directory = directory
        self.logger = logger
        readAhead = ReadAhead(analyzer: analyzer)
    }

    /// The descriptor the loop waits on for arrivals; nil while the inbox is gone.
    var descriptor: Int32? { watcher?.descriptor }

    /// Whether the inbox is watched (false after it was deleted, until `rearm()` finds it back).
    var isWatched: Bool { watcher != nil }

    /// Whether no file can be judged now, read ahead or not (files settling are not yet).
    var isEmpty: Bool { pending.isEmpty && readAhead.isEmpty }

    /// The files waiting to be judged, read ahead, settling or not (not those this process may not read).
    var backlog: Int {
        (denied.isEmpty ? pending.count : pending.subtracting(denied).count) + readAhead.count + settling.count
    }

    /// When the next settling file may be read; nil when none settles.
    var nextSettled: ContinuousClock.Instant? { settling.values.min() }

    /// The files left in the inbox because this process may not read them.
    var unreadable: Int { denied.count }

    /// Whether `name` waits to be read (not counting the read-ahead).
    func isPending(_ name: FileName) -> Bool { pending.contains(name) }

    /// Starts watching, then queues every complete file already there: armed first, so that nothing
    /// dropped between the two is missed.
    ///
    /// - Throws: `SystemCallError` when the watch cannot be made (ENOSPC: the inotify watch limit).
    mutating func watch() throws(SystemCallError) {
        watcher = try InboxWatcher(directory: directory)
        scan()
    }

    /// Queues every complete file in the inbox.
    mutating func scan() {
        do {
            for name in try Syscalls.directoryEntries(bytes: Array(directory.utf8)) { add(name) }
        } catch {
            logger.error("cannot list the inbox: \(error)")
        }
    }

    /// Queues what the watch reported since the last call; a file closed after writing settles for
    /// `settle` first.
    ///
    /// - Returns: `.inboxGone` when the inbox itself went away; the queue then stops watching.
    mutating func takeArrivals(settle: Duration = .zero, now: ContinuousClock.Instant = .now) -> Trouble? {
        guard let watcher else { return .inboxGone }
        let changes: [InboxChange]
        do { changes = try watcher.changes() } catch {
            logger.error("cannot read inbox events: \(error)")
            return nil
        }
        for change in changes {
            switch change {
            case let .arrived(name):
                settling[name] = nil
                add(name)
            case let .written(name):
                guard !InboxNames.isInProgress(name.bytes) else { break }
                if settle <= .zero {
                    add(name)
                } else {
                    // Written again: what was read of it (or queued) is not the article yet.
                    pending.remove(name)
                    readAhead.remove(name)
                    settling[name] = now + settle
                }
            case let .attributesChanged(name):
                if denied.contains(name) {
                    pending.insert(name)
                    readAhead.forgetEarlyRead(of: name)
                }
            case let .left(name):
                // Gone before it settled: nothing to read under that name (a file judged, whose move
                // out of the inbox this is, is no longer settling either).
                settling[name] = nil
            case .overflow:
                logger.warning("the inotify queue overflowed: rescanning the inbox")
                scan()
            case .inboxGone:
                self.watcher = nil
                return .inboxGone
            }
        }
        return nil
    }

    /// Queues the files that have been quiet for their settle time.
    mutating func releaseSettled(now: ContinuousClock.Instant = .now) {
        for (name, due) in settling where due <= now {
            settling[name] = nil
            pending.insert(name)
        }
    }

    /// Queues a name found in the inbox, unless it is a write in progress (it comes back renamed).
    private mutating func add(_ name: FileName) {
        guard !InboxNames.isInProgress(name.bytes) else { return }
        pending.insert(name)
        readAhead.forgetEarlyRead(of: name)
    }

    /// Watches the inbox again once it is back, and queues what it holds.
    ///
    /// - Returns: whether the inbox is watched again.
    mutating func rearm() -> Bool {
        guard Syscalls.isDirectory(directory) else { return false }
        do {
            try watch()
            return true
        } catch {
            logger.error("cannot watch the inbox again: \(error)")
            return false
        }
    }

    /// Reads waiting files ahead with `read` (up to `ReadAhead`'s bounds, on both cores, calling
    /// `progress` between rounds), then takes out the next batch: the `count` earliest by `published`,
    /// fewer once they hold `bytes`.
    ///
    /// A file `read` finds this process may not read (`Intake.Read.denied`) is never in a batch: it is
    /// left in the inbox, with a warning the first time.
    mutating func takeBatch(
        _ count: Int, bytes: Int = ReadAhead.maximumBatchBytes, progress: () -> Void = {},
        read: @escaping @Sendable (FileName, inout ArticleAnalyzer) -> Intake.Read
    ) -> [(name: FileName, read: Intake.Read)] {
        let retried = pending.intersection(denied)
        let directory = directory
        let size = { (name: FileName) in Int((try? FileVersion.current(of: name, in: directory))??.size ?? 0) }
        for (name, reason) in readAhead.fill(from: &pending, skipping: unmovable, size: size, progress: progress, read: read)
        where !denied.contains(name) {
            denied.insert(name)
            logger.warning("""
                \(name) cannot be read by storyline, so it is left in the inbox unjudged: \(reason). Make it readable by \
                the daemon's user or group (chmod g+r; a producer's umask of 027 does it): it is read as soon as its mode \
                changes, and tried again every minute
                """, metadata: ["article.file": "\(name)", "inbox.unreadable": "\(denied.count)"])
        }
        // Those tried again and read this time (or gone) are no longer left unread.
        for name in retried where !pending.contains(name) && (readAhead.holds(name) || !Syscalls.exists(bytes: name.path(in: directory))) {
            denied.remove(name)
            logger.notice("\(name) can be read now", metadata: ["article.file": "\(name)"])
        }
        let batch = readAhead.takeEarliest(count, bytes: bytes)
        // The names the next batch reads first are read on the other core while this one is judged.
        readAhead.startReadingNext(from: pending, skipping: unmovable, size: size, read: read)
        return batch
    }

    /// Waits for the reads the last `takeBatch` started for the next (`ReadAhead.startReadingNext`),
    /// calling `progress` while it waits: called once the batch is judged, before arrivals are taken.
    mutating func finishReadingAhead(progress: () -> Void) {
        readAhead.finishReadingEarly(progress: progress)
    }

    /// Queues the files that could not be read to be tried again, once `deniedRetryInterval` has
    /// passed since the last time.
    mutating func retryUnreadableIfDue() {
        guard !denied.isEmpty, ContinuousClock.now >= deniedRetryAt else { return }
        deniedRetryAt = .now + Self.deniedRetryInterval
        for name in denied { readAhead.forgetEarlyRead(of: name) }
        pending.formUnion(denied)
    }

    /// Puts names back to be read again (their batch was not committed, or the file at a judged name
    /// is another one now).
    mutating func requeue<Names: Sequence<FileName>>(_ names: Names) {
        for name in names {
            pending.insert(name)
            readAhead.forgetEarlyRead(of: name)
        }
    }

    /// Forgets a name whose file is judged: a read of it waiting is stale.
    mutating func forget(_ name: FileName) {
        pending.remove(name)
        settling[name] = nil
        readAhead.remove(name)
        denied.remove(name)
    }

    /// Marks a judged file that could not be moved (it is not read again until it moves), or clears
    /// the mark once it moved.
    mutating func setUnmovable(_ name: FileName, _ unmovable: Bool) {
        if unmovable { self.unmovable.insert(name) } else { self.unmovable.remove(name) }
    }

    /// The most file bytes the read-ahead held since the last call: how large the backlog was.
    mutating func takeMostBytesHeld() -> Int { readAhead.takeMostBytesHeld() }
}
