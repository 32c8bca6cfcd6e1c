import GRDB
import StorylineCore

/// A state that cannot be read for a report, with what to do about it.
public struct StateReadError: Error, CustomStringConvertible {
    public var description: String
}

/// What the state says of its stories and articles, for the commands that report on it
/// (`StateStore(readingOnly:)`).
extension StateStore {
    /// The stories the state holds (retention prunes those whose articles it pruned), by number; only
    /// those not closed when `open` is true.
    public func stories(openOnly open: Bool = false) throws -> [StorySummary] {
        try database.read { db in
            let sql = "SELECT * FROM stories" + (open ? " WHERE closed = 0" : "") + " ORDER BY id"
            return try StoryRecord.fetchAll(db, sql: sql).compactMap(\.summary)
        }
    }

    /// Story `number`, nil when the state holds none of that number.
    public func story(_ number: Int) throws -> StorySummary? {
        try database.read { db in
            try StoryRecord.fetchOne(db, sql: "SELECT * FROM stories WHERE id = ?", arguments: [number])?.summary
        }
    }

    /// The timeline lines of story `number`'s articles, in the order they were judged, without their
    /// newlines (`story_closed` lines are not an article's).
    public func articleLines(ofStory number: Int) throws -> [String] {
        try database.read { db in try Self.articleLines(ofStory: number, db) }
    }

    /// Every story, by number, with its articles' lines (`articleLines(ofStory:)`), all as of one moment.
    public func export(_ body: (StorySummary, [String]) throws -> Void) throws {
        try database.read { db in
            let cursor = try StoryRecord.fetchCursor(db, sql: "SELECT * FROM stories ORDER BY id")
            while let record = try cursor.next() {
                guard let summary = record.summary else { continue }
                try body(summary, try Self.articleLines(ofStory: summary.story, db))
            }
        }
    }

    /// The line of article `number`, nil when the state holds none (never made, or pruned).
    public func articleLine(_ number: Int) throws -> String? {
        try database.read { db in
            try String.fetchOne(db, sql: "SELECT events.line FROM articles JOIN events ON events.seq = articles.seq WHERE number = ?",
                                arguments: [number]).map(Self.withoutNewline)
        }
    }

    /// The lines of the articles read from a file named `file`, latest first (a name may be reused).
    public func articleLines(ofFile file: String) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: """
                SELECT events.line FROM articles JOIN events ON events.seq = articles.seq WHERE articles.file = ?
                ORDER BY articles.seq DESC
                """, arguments: [file]).map(Self.withoutNewline)
        }
    }

    /// The `rejected` lines of files named `file`, latest first.
    public func rejectedLines(ofFile file: String) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT line FROM events WHERE disposition = 'rejected' AND file = ? ORDER BY seq DESC",
                                arguments: [file]).map(Self.withoutNewline)
        }
    }

    private static func articleLines(ofStory number: Int, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT events.line FROM articles JOIN events ON events.seq = articles.seq
            WHERE articles.story = ? ORDER BY articles.seq
            """, arguments: [number]).map(withoutNewline)
    }

    private static func withoutNewline(_ line: String) -> String {
        line.hasSuffix("\n") ? String(line.dropLast()) : line
    }
}
