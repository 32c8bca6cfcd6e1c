import Dispatch
import StorylineCore

/// Inbox files read and prepared but not judged yet: what lets a backlog be judged in published order.
///
/// Each batch first reads waiting files (by name) until the read-ahead holds `maximumFiles` files or
/// `maximumBytes` of them, then judges the earliest by `PublishedOrder`. A backfill that fits (8,192
/// files or 16 MiB of file bytes) is judged exactly as if it had been fed one file at a time in published
/// order; a larger one in that order within each window. A file that changes while it waits is read
/// again: a new inotify event puts its name back among the waiting, and the new read replaces the old.
struct ReadAhead {
    /// Bounds on what waits, read: a prepared article holds several times its file's bytes (its text,
    /// its body and its folded words), so the bound is on the files' bytes as well as their number.
    static let maximumFiles = 8192
    static let maximumBytes = 16 << 20

    private var reads: [FileName: Intake.Read] = [:]
    /// One for each thread that reads (`ParallelReads`), kept from round to round for their buffers
    /// and stems.
    private var analyzers: [ArticleAnalyzer]

    /// Reads made on the other core while the loop judged (`startReadingNext`), by name: `fill` takes
    /// them instead of reading those names again, unless the name was queued again since.
    private var readEarly: [FileName: Intake.Read] = [:]
    private var reading: EarlyReads?
    /// Names queued again while they were being read early: their reads are dropped once done.
    private var staleEarly: Set<FileName> = []

    init(analyzer: ArticleAnalyzer = ArticleAnalyzer()) {
        analyzers = Array(repeating: analyzer, count: ParallelReads.workers)
    }

    /// Reads made on another thread: the names, their reads once done, and the analyzer lent to it.
    private final class EarlyReads: @unchecked Sendable {
        let done = DispatchGroup()
        let names: [FileName]
        var analyzer: ArticleAnalyzer
        var reads: [Intake.Read] = []

        init(names: [FileName], analyzer: ArticleAnalyzer) {
            self.names = names
            self.analyzer = analyzer
        }
    }

    /// Starts reading, on one other thread, the names the next `fill` would read first: the first of
    /// `pending` by name (`skipping` those), as many as the room the read-ahead has now, by `size`.
    /// What is read is the same as that `fill` would read (a name queued again in between is read
    /// again), so only when files are read changes, not what is judged.
    mutating func startReadingNext(
        from pending: Set<FileName>, skipping: Set<FileName>, size: (FileName) -> Int,
        read: @escaping @Sendable (FileName, inout ArticleAnalyzer) -> Intake.Read
    ) {
        finishReadingEarly()
        guard !isFull, !pending.isEmpty else { return }
        var names: [FileName] = []
        var expected = bytes
        for name in pending.sorted() where !skipping.contains(name) && readEarly[name] == nil {
            names.append(name)
            expected += size(name)
            if reads.count + readEarly.count + names.count >= Self.maximumFiles || expected >= Self.maximumBytes { break }
        }
        guard !names.isEmpty else { return }
        let early = EarlyReads(names: names, analyzer: analyzers[analyzers.count - 1])
        reading = early
        DispatchQueue.global().async(group: early.done) {
            early.reads = early.names.map { read($0, &early.analyzer) }
        }
    }

    /// Waits for the reads `startReadingNext` started, calling `progress` every half second, and keeps them.
    mutating func finishReadingEarly(progress: () -> Void = {}) {
        guard let early = reading else { return }
        while early.done.wait(timeout: .now() + .milliseconds(500)) == .timedOut { progress() }
        reading = nil
        analyzers[analyzers.count - 1] = early.analyzer
        for (name, read) in zip(early.names, early.reads) where !staleEarly.contains(name) { readEarly[name] = read }
        staleEarly.removeAll()
    }

    /// Drops what was read early of `name`: it was queued again, so its file may have changed since.
    /// A read still under way is not waited for (the loop would go without pinging the watchdog
    /// meanwhile), only dropped once it is done.
    mutating func forgetEarlyRead(of name: FileName) {
        if reading != nil { staleEarly.insert(name) }
        readEarly[name] = nil
    }
    private var bytes = 0
    /// The most file bytes held at once since `takeMostBytesHeld()` was last called: how large the
    /// backlog was.
    private var mostBytes = 0

    var isEmpty: Bool { reads.isEmpty }
    /// Whether no more files are read until some are judged (a lone file over the byte bound still is).
    private var isFull: Bool { reads.count >= Self.maximumFiles || (bytes >= Self.maximumBytes && !reads.isEmpty) }
    var count: Int { reads.count }

    /// Whether a read of `name` is held.
    func holds(_ name: FileName) -> Bool { reads[name] != nil }

    /// Moves waiting names from `pending` (by name, `skipping` those that cannot be moved) into the
    /// read-ahead, reading each with `read`, until it is full or nothing waits.
    ///
    /// Names are read a round at a time on both cores (`ParallelReads`) and taken in name order while
    /// the read-ahead has room, so it ends holding the same files as one read after another would; a
    /// round's reads past the bound are dropped, their names left waiting. A round ends, by `size` (what
    /// the file system says of each file before it is read), at the file that fills the room left, so the
    /// files read at once stay within the bound, as one at a time they did, plus that one file, and
    /// once it holds `ParallelReads.roundBytes`. `progress` is called after each round.
    ///
    /// - Returns: the files that could not be read for want of permission (`Intake.Read.denied`), with
    ///   why: they are not held, and are out of `pending`.
    @discardableResult
    mutating func fill(
        from pending: inout Set<FileName>, skipping: Set<FileName>, size: (FileName) -> Int = { _ in 0 },
        progress: () -> Void = {}, read: @Sendable (FileName, inout ArticleAnalyzer) -> Intake.Read
    ) -> [(name: FileName, reason: String)] {
        finishReadingEarly(progress: progress)
        guard !pending.isEmpty, !isFull else { return [] }
        var denied: [(name: FileName, reason: String)] = []
        let waiting = pending.sorted().filter { !skipping.contains($0) }
        var start = 0
        while start < waiting.count, !isFull {
            var round: [FileName] = []
            var expected = bytes
            var roundBytes = 0
            while start < waiting.count, round.count < ParallelReads.roundSize {
                round.append(waiting[start])
                start += 1
                let fileBytes = size(round.last!)
                expected += fileBytes
                roundBytes += fileBytes
                if reads.count + round.count >= Self.maximumFiles || expected >= Self.maximumBytes
                    || roundBytes >= ParallelReads.roundBytes { break }
            }
            let unread = round.filter { readEarly[$0] == nil }
            var fresh = Dictionary(uniqueKeysWithValues: zip(unread, ParallelReads.read(unread, analyzers: &analyzers, with: read)))
            for name in round {
                guard !isFull else { break }
                let value = readEarly.removeValue(forKey: name) ?? fresh.removeValue(forKey: name)!
                pending.remove(name)
                remove(name)
                if case let .denied(reason) = value {
                    denied.append((name, reason))
                    continue
                }
                reads[name] = value
                bytes += value.bytes
                mostBytes = max(mostBytes, bytes)
            }
            progress()
        }
        return denied
    }

    /// The most file bytes the read-ahead held at once since the last call.
    mutating func takeMostBytesHeld() -> Int {
        defer { mostBytes = bytes }
        return mostBytes
    }

    /// Most file bytes judged in one batch: judging 8 MiB of text takes a few seconds, and a batch is
    /// one transaction, so a burst of large files is cut into batches the watchdog and the status line
    /// can follow.
    static let maximumBatchBytes = 8 << 20

    /// Takes out the `count` earliest files by `PublishedOrder`, in that order, stopping early once the
    /// files taken hold `bytes` or more (always at least one file).
    mutating func takeEarliest(_ count: Int, bytes limit: Int = .max) -> [(name: FileName, read: Intake.Read)] {
        let ordered = reads.sorted { PublishedOrder.precedes($0.value.published, $0.key, $1.value.published, $1.key) }
        var taken: [(name: FileName, read: Intake.Read)] = []
        var takenBytes = 0
        for (name, read) in ordered.prefix(count) {
            guard taken.isEmpty || takenBytes < limit else { break }
            taken.append((name: name, read: read))
            takenBytes += read.bytes
        }
        for (name, _) in taken { remove(name) }
        return taken
    }

    /// Forgets `name` (its file was judged already, or is gone).
    mutating func remove(_ name: FileName) {
        if let old = reads.removeValue(forKey: name) { bytes -= old.bytes }
        forgetEarlyRead(of: name)
    }
}
