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

    init(analyzer: ArticleAnalyzer = ArticleAnalyzer()) {
        analyzers = Array(repeating: analyzer, count: ParallelReads.workers)
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
    /// files read at once stay within the bound, as one at a time they did, plus that one file.
    /// `progress` is called after each round.
    ///
    /// - Returns: the files that could not be read for want of permission (`Intake.Read.denied`), with
    ///   why: they are not held, and are out of `pending`.
    @discardableResult
    mutating func fill(
        from pending: inout Set<FileName>, skipping: Set<FileName>, size: (FileName) -> Int = { _ in 0 },
        progress: () -> Void = {}, read: @Sendable (FileName, inout ArticleAnalyzer) -> Intake.Read
    ) -> [(name: FileName, reason: String)] {
        guard !pending.isEmpty, !isFull else { return [] }
        var denied: [(name: FileName, reason: String)] = []
        let waiting = pending.sorted().filter { !skipping.contains($0) }
        var start = 0
        while start < waiting.count, !isFull {
            var round: [FileName] = []
            var expected = bytes
            while start < waiting.count, round.count < ParallelReads.roundSize {
                round.append(waiting[start])
                start += 1
                expected += size(round.last!)
                if reads.count + round.count >= Self.maximumFiles || expected >= Self.maximumBytes { break }
            }
            for (name, value) in zip(round, ParallelReads.read(round, analyzers: &analyzers, with: read)) {
                guard !isFull else { break }
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
    }
}
