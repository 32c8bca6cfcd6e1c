import Foundation
import GRDB
import StorylineCore

/// Storyline's durable state: an SQLite database (WAL, synchronous=FULL) under the state directory,
/// its tables the records of `StateRecords.swift`, its schema the migrations of `StateSchema.swift`.
///
/// It holds every event with its exact timeline line, every article with its judgement and its text,
/// and the stories, until retention prunes them (`prunableEvents`, `prune`); the numbers handed out
/// and the status line's totals are kept in `meta` apart from the rows. One transaction per batch.
///
/// The engine's indexes (signatures, shingle sets, story profiles, learned term and furniture weights)
/// are kept in a snapshot file beside the database, written at a clean stop (`saveSnapshot(of:)`). At
/// start-up the snapshot is loaded and the articles judged after it are restored from their text
/// (`Engine.restore`); without a usable snapshot, every article within the horizon is.
public final class StateStore: Sendable {
    /// One event as committed: its line, and what to do with its input file.
    public struct EventRow: Sendable, Hashable {
        public var seq: Int
        public var line: String
        /// The input file's name as the file system has it.
        public var file: FileName
        /// Which file was read at that name (nil in rows written before it was stored).
        public var version: FileVersion?
        public var sha256: String?
        public var disposition: Disposition
    }

    /// Where an input file goes once its line is written.
    public enum Disposition: String, Sendable {
        case archive
        case rejected
        /// A story's line (`story_closed`): there is no file.
        case noFile = "none"
    }

    /// An article as stored: its judgement and its text, to restore the engine.
    public struct ArticleRow: Sendable {
        public var judgement: Judgement
        public var seq: Int
        public var file: String
        public var sha256: String
        public var published: String?
        public var time: Timestamp
        /// Whether `published` was too far ahead of the daemon's clock to be believed, so `time` is
        /// the arrival (`PreparedArticle.isFutureDated`).
        public var futureDated = false
        public var title: String
        /// Whether the title is a headline the file gave (`ParsedArticle.titleIsHeadline`).
        public var titleIsHeadline = false
        public var body: String
        /// The article's shingles, stored so the engine need not hold them (nil in rows written before
        /// they were stored, and in rows read back for restoring).
        public var fingerprint: CompactFingerprint?
        /// Whether the row holds the shingles.
        public var hasFingerprint = false
    }

    /// A batch: its events and articles, and the stories as they leave them, committed together.
    public struct Batch: Sendable {
        public var events: [EventRow] = []
        public var articles: [ArticleRow] = []
        /// Each story the batch touched, as its last line in the batch left it.
        public var stories: [Int: StorySummary] = [:]
        /// Candidates whose stored shingles could not be read back while the batch was judged
        /// (`Judgement.unreadCandidates`): not stored, for the journal.
        public var unreadCandidates: [String] = []
        public init() {}
    }

    let database: any DatabaseWriter
    public let path: String

    /// Opens (creating and migrating) the database at `path`: WAL, synchronous=FULL, one transaction
    /// per batch.
    ///
    /// - Throws: `NewerStateError` when a newer build has migrated the database (nothing is written
    ///   then); GRDB's `DatabaseError` or `SystemCallError`, with the path.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        // No thread priorities: raising one needs a capability the sandboxed service does not have.
        configuration.qos = .unspecified
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        // Refused here too, so that the refused database is closed on this thread (see `close()`) and
        // handed over in the error rather than released.
        do { try queue.read { db in try Self.refuseNewerSchema(db, path: path) } } catch var error as NewerStateError {
            try? queue.close()
            error.closedDatabase = queue
            throw error
        } catch {
            try? queue.close()
            throw error
        }
        try self.init(database: queue, path: path)
    }

    /// Opens the database at `path` read-only, for the commands that report on a state while the daemon
    /// runs (`storyline stories`, `story`, `export`, `why`, `explain --state`): SQLite's WAL lets them read
    /// a consistent state beside the daemon's writes; they never write, migrate or lock it.
    ///
    /// - Throws: `StateReadError` when there is no database there, or one an older build wrote (not yet
    ///   migrated); `NewerStateError` for a newer build's; GRDB's `DatabaseError`.
    public convenience init(readingOnly path: String) throws {
        guard Syscalls.exists(path) else {
            throw StateReadError(description: "there is no state database at \(path): the daemon has judged nothing there yet (check --state)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.qos = .unspecified
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.read { db in
            try Self.refuseNewerSchema(db, path: path)
            guard try Self.migrator.hasCompletedMigrations(db) else {
                throw StateReadError(description: "\(path) was written by an older build: start the daemon once to bring it up to date")
            }
        }
        self.init(unmigrated: queue, path: path)
    }

    /// Keeps `database` as it is.
    private init(unmigrated database: any DatabaseWriter, path: String) {
        self.database = database
        self.path = path
    }

    /// Migrates `database` and keeps it: tests give an in-memory `DatabaseQueue()`.
    ///
    /// - Parameter path: where the database is, for messages and for the snapshot beside it.
    /// - Throws: `NewerStateError` before any migration runs when the database holds migrations this
    ///   build does not know.
    init(database: any DatabaseWriter, path: String) throws {
        self.database = database
        self.path = path
        try database.read { db in try Self.refuseNewerSchema(db, path: path) }
        try Self.migrator.migrate(database)
    }

    /// Throws when `db` holds applied migrations that this build has not registered: a newer build
    /// migrated it, and GRDB would otherwise run this build's code on tables it does not understand.
    ///
    /// - Throws: `NewerStateError` naming the unknown migrations; GRDB's `DatabaseError`.
    static func refuseNewerSchema(_ db: Database, path: String) throws {
        let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        guard unknown.isEmpty else { throw NewerStateError(path: path, unknownMigrations: unknown.sorted()) }
    }

    /// Closes the database on this thread. (Left to deinit, closing happens on a worker thread that
    /// the sandbox refuses a priority to, which the journal would show as a denial.)
    public func close() {
        try? database.close()
    }

    /// The path of the state database under the state directory `state`.
    public static func databasePath(inState state: String) -> String { state + "/state.sqlite" }

    /// The highest committed `seq` (0 when none).
    public func lastSeq() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0 }
    }

    /// The highest article and story numbers ever handed out in this state (0 when none), whatever
    /// their age and whether or not retention has pruned their rows since: a number is never reused.
    public func highestNumbers() throws -> (article: Int, story: Int) {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT MAX(COALESCE((SELECT value FROM meta WHERE key = 'highest_article'), 0),
                           COALESCE((SELECT MAX(number) FROM articles), 0)),
                       MAX(COALESCE((SELECT value FROM meta WHERE key = 'highest_story'), 0),
                           COALESCE((SELECT MAX(story) FROM articles), 0))
                """)
            return (row?[0] ?? 0, row?[1] ?? 0)
        }
    }

    /// Counts for the status line, since the state began: running totals kept at each commit, so they
    /// stay exact when retention prunes old rows.
    public struct Counts: Sendable, Hashable {
        public var articles = 0
        public var stories = 0
        public var duplicates = 0
        public var rejected = 0
        /// Articles whose publication time was not believed (`ArticleRow.futureDated`).
        public var futureDated = 0
        public init() {}
    }

    /// Counts for the status line since the state began.
    public func counts() throws -> Counts {
        try database.read { db in
            func total(_ total: StateMeta.Total) throws -> Int { try StateMeta.value(total.rawValue, db) ?? 0 }
            var counts = Counts()
            counts.articles = try total(.articles)
            counts.stories = try total(.stories)
            counts.duplicates = try total(.duplicates)
            counts.rejected = try total(.rejected)
            counts.futureDated = try total(.futureDated)
            return counts
        }
    }

    /// Commits a batch in one transaction.
    ///
    /// - Parameter judgedAt: when the daemon judged the batch, by its own clock: what retention
    ///   measures an event's age by.
    public func commit(_ batch: Batch, judgedAt: Timestamp) throws {
        try database.write { db in
            for event in batch.events { try EventRecord(event, judgedAt: judgedAt).insert(db) }
            try addToTotals(of: batch, db)
            for article in batch.articles { try ArticleRecord(article).insert(db) }
            for story in batch.stories.keys.sorted() { try StoryRecord.save(batch.stories[story]!, db) }
        }
    }

    /// Adds a batch to the running totals and the highest numbers handed out (`counts()`, `highestNumbers()`).
    private func addToTotals(of batch: Batch, _ db: Database) throws {
        var stories = 0, duplicates = 0
        for article in batch.articles {
            switch article.judgement.verdict {
            case .started: stories += 1
            case .duplicate: duplicates += 1
            case .extended: break
            }
        }
        let added: [(StateMeta.Total, Int)] = [
            (.articles, batch.articles.count), (.stories, stories), (.duplicates, duplicates),
            (.rejected, batch.events.count { $0.disposition == .rejected }),
            (.futureDated, batch.articles.count(where: \.futureDated)),
        ]
        for (total, count) in added where count > 0 { try StateMeta.add(count, to: total, db) }
        if let article = batch.articles.map(\.judgement.article).max() { try StateMeta.raise(.article, to: article, db) }
        if let story = batch.articles.map(\.judgement.story).max() { try StateMeta.raise(.story, to: story, db) }
    }

    /// Records that the input files of these events have left the inbox.
    public func markMoved(_ seqs: [Int]) throws {
        guard !seqs.isEmpty else { return }
        try database.write { db in
            for seq in seqs { try db.execute(sql: "UPDATE events SET moved = 1 WHERE seq = ?", arguments: [seq]) }
        }
    }

    /// Events whose input file was not yet moved out of the inbox.
    public func unmovedEvents() throws -> [EventRow] {
        try database.read { db in
            try EventRecord.fetchAll(db, sql: "SELECT * FROM events WHERE moved = 0 ORDER BY seq").map { try $0.decoded() }
        }
    }

    /// Events after `seq`, in order, for appending to the timeline.
    public func events(after seq: Int) throws -> [EventRow] {
        try database.read { db in
            try EventRecord.fetchAll(db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq", arguments: [seq])
                .map { try $0.decoded() }
        }
    }

    /// Articles to restore the engine from, in judgement order: those judged after article `after`,
    /// or, when `after` is nil, those at most `horizonDays` older than the newest time no later than
    /// `latest` (a state written before producers' dates were checked may hold one dated 2100).
    /// `body` returns each in turn.
    public func restorableArticles(
        after: Int? = nil, horizonDays: Double, latest: Timestamp, _ body: (ArticleRow) throws -> Void
    ) throws {
        try database.read { db in
            let columns = ArticleRecord.restorableColumns
            let cursor: RecordCursor<ArticleRecord>
            if let after {
                cursor = try ArticleRecord.fetchCursor(db, sql: "SELECT \(columns) FROM articles WHERE number > ? ORDER BY number",
                                                       arguments: [after])
            } else {
                guard let newest = try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM articles WHERE time <= ?",
                                                      arguments: [latest.millisecondsSinceEpoch]) else { return }
                let cutoff = newest - Int64(horizonDays * Double(Timestamp.millisecondsPerDay))
                cursor = try ArticleRecord.fetchCursor(db, sql: "SELECT \(columns) FROM articles WHERE time >= ? ORDER BY number",
                                                       arguments: [cutoff])
            }
            while let record = try cursor.next() { try body(record.decoded()) }
        }
    }
}

extension StateStore {
    /// The timeline line committed for `seq`, with its newline; nil when the state holds none.
    public func line(seq: Int) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "SELECT line FROM events WHERE seq = ?", arguments: [seq]) }
    }

    /// When the daemon last judged a file, by its clock (nil in an empty state).
    public func lastJudgedAt() throws -> Timestamp? {
        try database.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(judged_at) FROM events").map(Timestamp.init(millisecondsSinceEpoch:))
        }
    }

    /// The stories last covered at or after `time` (every one when nil), as their last lines left them;
    /// rows from before summaries were stored are skipped.
    public func storySummaries(lastCoveredFrom time: Timestamp?, _ body: (StorySummary) throws -> Void) throws {
        try database.read { db in
            let cursor = try StoryRecord.fetchCursor(db, sql: "SELECT * FROM stories WHERE last_time >= ? ORDER BY id",
                                                     arguments: [time?.millisecondsSinceEpoch ?? Int64.min])
            while let record = try cursor.next() {
                if let summary = record.summary { try body(summary) }
            }
        }
    }

    /// The highest `seq` whose file was moved out of the inbox: its line was written before.
    public func lastMovedSeq() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE moved = 1") ?? 0 }
    }
}

extension StateStore {
    /// The engine snapshot beside the database.
    public var snapshotPath: String { (path as NSString).deletingLastPathComponent + "/engine.snapshot" }

    /// Writes the engine's indexes to the snapshot beside the database (`EngineSnapshotFile`).
    ///
    /// Call it only when every article the engine has judged is committed. `progress` is called after
    /// each piece written (a few MiB), for the watchdog.
    public func saveSnapshot(of engine: Engine, progress: @escaping () -> Void = {}) throws {
        try EngineSnapshotFile(path: snapshotPath)
            .write(engine, header: try snapshotHeader(lastArticle: engine.lastArticle), progress: progress)
    }

    /// The engine as the snapshot beside the database left it, or nil when there is none.
    ///
    /// - Throws: `SnapshotError` when it is not of this database, or cannot be used.
    public func loadSnapshot(configuration: EngineConfiguration) throws -> Engine? {
        try EngineSnapshotFile(path: snapshotPath).read(configuration: configuration, expectedHeader: snapshotHeader(lastArticle:))
    }

    /// What identifies the state a snapshot was taken of: the database's id, and the last article
    /// judged with its SHA-256 (a snapshot of a later state does not match an older database).
    func snapshotHeader(lastArticle: Int) throws -> String {
        try database.read { db in
            let id = try StateMeta.value(StateMeta.stateID, db) ?? 0
            let sha256 = try String.fetchOne(db, sql: "SELECT sha256 FROM articles WHERE number = ?", arguments: [lastArticle])
            return "storyline-snapshot \(id) \(lastArticle) \(sha256 ?? "-")"
        }
    }

    /// Where the engine reads back the shingles of the articles it released.
    public var fingerprints: any FingerprintArchive { StoredFingerprints(database: database) }
}
