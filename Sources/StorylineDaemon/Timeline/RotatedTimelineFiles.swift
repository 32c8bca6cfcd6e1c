/// One file of a rotated timeline: the live file, or a copy logrotate moved aside.
public struct RotatedTimelineFile: Sendable, Hashable {
    /// The name inside the timeline's directory: `timeline.jsonl`, `timeline.jsonl.2`, `timeline.jsonl.3.gz`.
    public var name: String
    /// 0 for the live file; N for the copy `.N`, where a higher N is older.
    public var number: Int
    /// Whether the copy is gzip-compressed (`.N.gz`).
    public var isCompressed: Bool

    public init(name: String, number: Int, isCompressed: Bool) {
        self.name = name
        self.number = number
        self.isCompressed = isCompressed
    }
}

/// What a file's first and last whole lines say about the `seq`s inside it.
public struct TimelineFileSeqs: Sendable, Equatable {
    /// The first line's seq; nil for a file without a whole line.
    public var first: Int?
    /// The last whole line's seq; nil when it is unknown (a compressed copy) or there is none.
    public var last: Int?

    public init(first: Int?, last: Int?) {
        self.first = first
        self.last = last
    }
}

/// The names logrotate gives the copies of a timeline, and which of them a reader must open.
///
/// Numbered rotation (logrotate's default) renames `FILE` to `FILE.1`, `FILE.1` to `FILE.2` and so on;
/// with `compress` the copies become `FILE.N.gz`, and with `delaycompress` `FILE.1` stays plain until
/// the next rotation. Date-suffixed copies (`dateext`) are not recognised.
public enum RotatedTimelineFiles {
    /// The rotated copies of `baseName` among the directory entries `names`, oldest first.
    ///
    /// When both `FILE.N` and `FILE.N.gz` exist, logrotate is compressing that copy right now: the plain
    /// file is complete and the compressed one may not be, so the plain one is taken.
    public static func copies(of baseName: String, among names: some Sequence<String>) -> [RotatedTimelineFile] {
        var byNumber: [Int: RotatedTimelineFile] = [:]
        let prefix = baseName + "."
        for name in names where name.hasPrefix(prefix) {
            var suffix = name.dropFirst(prefix.count)
            let isCompressed = suffix.hasSuffix(".gz")
            if isCompressed { suffix = suffix.dropLast(3) }
            guard !suffix.isEmpty, suffix.count <= 9, suffix.allSatisfy({ $0 >= "0" && $0 <= "9" }),
                  !(suffix.first == "0"), let number = Int(suffix) else { continue }
            if let existing = byNumber[number], !existing.isCompressed { continue }
            byNumber[number] = RotatedTimelineFile(name: name, number: number, isCompressed: isCompressed)
        }
        return byNumber.values.sorted { $0.number > $1.number }
    }

    /// The index of the first of `count` files (oldest first, the live file last) that can hold a line
    /// with seq `fromSeq` or later; the files before it are wholly before `fromSeq` and need not be read.
    ///
    /// `seqs(index)` is asked for as few files as possible, newest first: a file whose first line is at or
    /// before `fromSeq` is where reading starts, and everything older is earlier still. That file itself
    /// is skipped too when its last line is before `fromSeq` and a newer file has lines, which proves
    /// that the writer has moved on and it will not grow. With no such file, everything is read.
    public static func firstToRead(
        fromSeq: Int, count: Int, seqs: (Int) throws -> TimelineFileSeqs
    ) rethrows -> Int {
        var newerHasLines = false
        for index in stride(from: count - 1, through: 0, by: -1) {
            let range = try seqs(index)
            if let first = range.first, first <= fromSeq {
                if let last = range.last, last < fromSeq, newerHasLines { return index + 1 }
                return index
            }
            if range.first != nil { newerHasLines = true }
        }
        return 0
    }
}
