import StorylineCore

/// Inbox files read and prepared but not judged yet: what lets a backlog be judged in published order.
///
/// Each batch first reads waiting files (by name) until the read-ahead holds `maximumFiles` files or
/// `maximumBytes` of them, then judges the earliest by `PublishedOrder`. A backfill that fits (8,192
/// files or 16 MiB of file bytes) is judged exactly as if it had been fed one file at a time in published
/// order; a larger one in that order within each window. A file that changes while it waits is read
/// again: a new inotify event puts its name back among the waiting, and the new read replaces the old.
struct ReadAhead {
    /// A file as read: ready for judgement, or already known not to be an article; with which file
    /// it was (nil when it could not be examined).
    enum Read {
        case article(PreparedArticle, bytes: Int, version: FileVersion?)
        case rejected(ArticleRejection, version: FileVersion?)

        var published: Timestamp? {
            if case let .article(prepared, _, _) = self { return prepared.believedPublished }
            return nil
        }

        var bytes: Int {
            if case let .article(_, bytes, _) = self { return bytes }
            return 0
        }

        var version: FileVersion? {
            switch self {
            case let .article(_, _, version), let .rejected(_, version): return version
            }
        }
    }

    /// Bounds on what waits, read: a prepared article holds several times its file's bytes (its text,
    /// its body and its folded words), so the bound is on the files' bytes as well as their number.
    static let maximumFiles = 8192
    static let maximumBytes = 16 << 20

    private var reads: [FileName: Read] = [:]
    private var bytes = 0

    var isEmpty: Bool { reads.isEmpty }
    /// Whether no more files are read until some are judged (a lone file over the byte bound still is).
    private var isFull: Bool { reads.count >= Self.maximumFiles || (bytes >= Self.maximumBytes && !reads.isEmpty) }
    var count: Int { reads.count }

    /// Moves waiting names from `pending` (by name, `skipping` those that cannot be moved) into the
    /// read-ahead, reading each with `read`, until it is full or nothing waits.
    mutating func fill(from pending: inout Set<FileName>, skipping: Set<FileName>, read: (FileName) -> Read) {
        guard !pending.isEmpty, !isFull else { return }
        for name in pending.sorted() where !skipping.contains(name) {
            guard !isFull else { break }
            pending.remove(name)
            remove(name)
            let value = read(name)
            reads[name] = value
            bytes += value.bytes
        }
    }

    /// Takes out the `count` earliest files by `PublishedOrder`, in that order.
    mutating func takeEarliest(_ count: Int) -> [(name: FileName, read: Read)] {
        let ordered = reads.sorted { PublishedOrder.precedes($0.value.published, $0.key, $1.value.published, $1.key) }
        let taken = ordered.prefix(count).map { (name: $0.key, read: $0.value) }
        for (name, _) in taken { remove(name) }
        return taken
    }

    /// Forgets `name` (its file was judged already, or is gone).
    mutating func remove(_ name: FileName) {
        if let old = reads.removeValue(forKey: name) { bytes -= old.bytes }
    }
}
