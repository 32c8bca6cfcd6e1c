import Foundation
import GRDB
import StorylineCore

extension StateStore {
    /// An event that retention may prune, with what finds its file in archive/.
    public struct PrunableEvent: Sendable, Hashable {
        public var seq: Int
        /// The input file's name as the file system had it in the inbox.
        public var file: FileName
        public var sha256: String?
        public var disposition: Disposition
    }

    /// What pruning removed from the database.
    public struct PrunedRows: Sendable, Hashable {
        public var events = 0
        public var articles = 0
        public var stories = 0

        public init() {}

        public static func += (total: inout PrunedRows, more: PrunedRows) {
            total.events += more.events
            total.articles += more.articles
            total.stories += more.stories
        }
    }

    /// The oldest events that retention may prune, oldest judged first, at most `limit`.
    ///
    /// An event qualifies when the daemon judged it before `cutoff`, its line is in the timeline
    /// (`seq` at most `writtenThrough`) and its file has left the inbox: a crash can need neither it
    /// nor its line again. Its article, if any, must also be out of the engine's reach: older than the
    /// newest article by more than the horizon plus a day (the engine evicts once a day), so that a
    /// rebuild without a snapshot, which re-derives every article within the horizon, finds all it
    /// needs, and no candidate's shingles are missing. Kept whatever their age: the last moved event
    /// (`lastMovedSeq()`, and so `lastSeq()`, must not change) and the highest-numbered article (the
    /// snapshot header names it with its SHA-256).
    public func prunableEvents(judgedBefore cutoff: Timestamp, writtenThrough: Int, horizonDays: Double, limit: Int) throws
        -> [PrunableEvent]
    {
        try database.read { db in
            guard let lastMoved = try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE moved = 1") else { return [] }
            let newest = try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM articles") ?? 0
            let highest = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM articles") ?? 0
            let reach = Int64(((horizonDays + 1) * Double(Timestamp.millisecondsPerDay)).rounded(.up))
            let (beyondReach, overflow) = newest.subtractingReportingOverflow(reach)
            let rows = try Row.fetchAll(db, sql: """
                SELECT events.seq, events.file, events.name, events.sha256, events.disposition
                FROM events LEFT JOIN articles ON articles.seq = events.seq
                WHERE events.judged_at < ? AND events.moved = 1 AND events.seq <= ? AND events.seq < ?
                    AND (articles.number IS NULL OR (articles.time < ? AND articles.number < ?))
                ORDER BY events.judged_at, events.seq
                LIMIT ?
                """, arguments: [cutoff.millisecondsSinceEpoch, writtenThrough, lastMoved,
                                 overflow ? Int64.min : beyondReach, highest, limit])
            return rows.map { row in
                let name: Data? = row["name"]
                return PrunableEvent(
                    seq: row["seq"], file: name.map { FileName(bytes: [UInt8]($0)) } ?? FileName(row["file"] as String),
                    sha256: row["sha256"], disposition: Disposition(rawValue: row["disposition"]) ?? .archive)
            }
        }
    }

    /// Deletes these events, their articles (text and shingles with them), and the stories left
    /// without an article, in one transaction.
    ///
    /// Numbers handed out and the status line's totals are unchanged (`highestNumbers()`, `counts()`):
    /// they are kept apart from the rows. Freed pages are reused by the rows committed next.
    public func prune(_ seqs: [Int]) throws -> PrunedRows {
        guard !seqs.isEmpty else { return PrunedRows() }
        return try database.write { db in
            var pruned = PrunedRows()
            let placeholders = databaseQuestionMarks(count: seqs.count)
            let arguments = StatementArguments(seqs)
            let stories = try Int.fetchAll(db, sql: "SELECT DISTINCT story FROM articles WHERE seq IN (\(placeholders))",
                                           arguments: arguments)
            try db.execute(sql: "DELETE FROM articles WHERE seq IN (\(placeholders))", arguments: arguments)
            pruned.articles = db.changesCount
            try db.execute(sql: "DELETE FROM events WHERE seq IN (\(placeholders))", arguments: arguments)
            pruned.events = db.changesCount
            for story in stories {
                try db.execute(sql: "DELETE FROM stories WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM articles WHERE story = ?1)",
                               arguments: [story])
                pruned.stories += db.changesCount
            }
            return pruned
        }
    }
}
