import GRDB
import StorylineCore

/// The state opened read-only, for the commands that report on it while the daemon runs
/// (`storyline stories`, `story`, `export`): SQLite's WAL lets them read a consistent state beside the
/// daemon's writes, and they never write, migrate or lock it.
public final class StateReader: Sendable {
    private let database: DatabaseQueue
    public let path: String

    /// An operator's mistake or a state that cannot be read, with what to do about it.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Opens the state database under the state directory `state`.
    ///
    /// - Throws: `Failure` when there is none, it cannot be opened, or its schema is not this build's
    ///   (`NewerStateError` for a newer build's).
    public init(state: String) throws {
        path = state + "/state.sqlite"
        guard Syscalls.exists(path) else {
            throw Failure(description: "there is no state database at \(path): the daemon has judged nothing there yet (check --state)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.qos = .unspecified
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.read { db in
                try StateStore.refuseNewerSchema(db, path: path)
                guard try StateStore.migrator.hasCompletedMigrations(db) else {
                    throw Failure(description: """
                        \(path) was written by an older build: start the daemon (storyline run) once to bring it up to date
                        """)
                }
            }
        } catch let error as Failure {
            throw error
        } catch let error as NewerStateError {
            throw error
        } catch {
            throw Failure(description: "cannot read \(path): \(error)")
        }
    }

    deinit { try? database.close() }

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

    private static func articleLines(ofStory number: Int, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT events.line FROM articles JOIN events ON events.seq = articles.seq
            WHERE articles.story = ? ORDER BY articles.seq
            """, arguments: [number]).map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }
    }

    /// The highest seq committed (0 when none): how far the state had got when it was read.
    public func lastSeq() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0 }
    }
}
