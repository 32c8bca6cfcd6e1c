import Foundation
import GRDB
import StorylineCore
import Synchronization

/// Storyline's durable state: an SQLite database (WAL, synchronous=FULL) under the state directory.
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
        public var body: String
        /// The article's shingles, stored so the engine need not hold them (nil in rows written before
        /// they were stored, and in rows read back for restoring).
        public var fingerprint: CompactFingerprint?
        /// Whether the row holds the shingles.
        public var hasFingerprint = false
    }

    /// A batch: its events and articles, committed together.
    public struct Batch: Sendable {
        public var events: [EventRow] = []
        public var articles: [ArticleRow] = []
        public init() {}
    }

    let database: DatabaseQueue
    public let path: String
    /// Stored shingles that could not be read back since the daemon last asked (`takeArchiveFailures()`).
    private let archiveFailures = Mutex(ArchiveFailures())

    /// Opens (creating and migrating) the database at `path`.
    ///
    /// - Throws: GRDB's `DatabaseError` or `SystemCallError`, with the path.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        // No thread priorities: raising one needs a capability the sandboxed service does not have.
        configuration.qos = .unspecified
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    line TEXT NOT NULL,
                    file TEXT NOT NULL,
                    sha256 TEXT,
                    disposition TEXT NOT NULL,
                    moved INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX events_unmoved ON events(moved) WHERE moved = 0;
                CREATE TABLE articles (
                    number INTEGER PRIMARY KEY,
                    seq INTEGER NOT NULL REFERENCES events(seq),
                    file TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    published TEXT,
                    time INTEGER NOT NULL,
                    story INTEGER NOT NULL,
                    verdict TEXT NOT NULL,
                    duplicate_of INTEGER,
                    measure TEXT,
                    similarity REAL,
                    terms TEXT,
                    words INTEGER NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX articles_time ON articles(time);
                CREATE INDEX articles_story ON articles(story);
                CREATE TABLE stories (
                    id INTEGER PRIMARY KEY,
                    first_time INTEGER NOT NULL,
                    last_time INTEGER NOT NULL,
                    articles INTEGER NOT NULL
                );
                CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """)
        }
        migrator.registerMigration("v2: file names as bytes") { db in
            // Names need not be UTF-8; the bytes find the file again, `file` stays for people.
            try db.execute(sql: "ALTER TABLE events ADD COLUMN name BLOB")
        }
        migrator.registerMigration("v3: an id for engine snapshots") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('state_id', abs(random()))")
        }
        migrator.registerMigration("v4: shingles of each article") { db in
            // The width, then the shingles' low 32 bits in reading order (`CompactFingerprint`), native
            // byte order: read back for an arrival's candidates instead of being held in memory.
            try db.execute(sql: "ALTER TABLE articles ADD COLUMN shingles BLOB")
        }
        migrator.registerMigration("v5: counts without a table scan") { db in
            // The status line's counts at start-up: without these, counting duplicates reads every
            // article's text (1.3 s at 100,000 articles).
            try db.execute(sql: """
                CREATE INDEX articles_duplicates ON articles(number) WHERE verdict = 'duplicate';
                CREATE INDEX events_rejected ON events(seq) WHERE disposition = 'rejected';
                """)
        }
        migrator.registerMigration("v6: when each event was judged") { db in
            // The daemon's own clock, for retention: an article's `time` is the producer's `published`,
            // which is not to be trusted. Rows from before take the `time` of their timeline line (the
            // batch's read time, the same clock); a line without one counts as judged now.
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN judged_at INTEGER;
                UPDATE events SET judged_at = COALESCE(
                    CAST(ROUND((julianday(CASE WHEN json_valid(line) THEN json_extract(line, '$.time') END)
                        - 2440587.5) * 86400000) AS INTEGER),
                    CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
                CREATE INDEX events_judged ON events(judged_at);
                CREATE INDEX articles_seq ON articles(seq);
                """)
        }
        migrator.registerMigration("v6: numbers and totals that outlive retention") { db in
            // Pruning deletes old rows: the numbers handed out and the status line's totals since the
            // state began are kept here instead of being counted from the tables.
            try db.execute(sql: """
                INSERT OR REPLACE INTO meta (key, value) SELECT 'highest_article', COALESCE(MAX(number), 0) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'highest_story', COALESCE(MAX(story), 0) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'total_articles', COUNT(*) FROM articles;
                INSERT OR REPLACE INTO meta (key, value) SELECT 'total_stories', COUNT(*) FROM stories;
                INSERT OR REPLACE INTO meta (key, value)
                    SELECT 'total_duplicates', COUNT(*) FROM articles WHERE verdict = 'duplicate';
                INSERT OR REPLACE INTO meta (key, value)
                    SELECT 'total_rejected', COUNT(*) FROM events WHERE disposition = 'rejected';
                """)
        }
        migrator.registerMigration("v7: producer dates not believed") { db in
            // Articles dated too far past their arrival, judged as published on arrival: counted in STATUS.
            try db.execute(sql: """
                ALTER TABLE articles ADD COLUMN future_dated INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX articles_future_dated ON articles(number) WHERE future_dated = 1;
                INSERT OR REPLACE INTO meta (key, value) VALUES ('total_future_dated', 0);
                """)
        }
        migrator.registerMigration("v8: which file each event read") { db in
            // A name is reused, a file is not: only the file that was read is moved under its event.
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN device INTEGER;
                ALTER TABLE events ADD COLUMN inode INTEGER;
                ALTER TABLE events ADD COLUMN size INTEGER;
                ALTER TABLE events ADD COLUMN modified INTEGER;
                """)
        }
        return migrator
    }

    /// Closes the database on this thread. (Left to deinit, closing happens on a worker thread that
    /// the sandbox refuses a priority to, which the journal would show as a denial.)
    public func close() {
        try? database.close()
    }

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
            let totals = try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'total_%'")
                    .map { ($0["key"] as String, $0["value"] as Int) })
            var counts = Counts()
            counts.articles = totals["total_articles"] ?? 0
            counts.stories = totals["total_stories"] ?? 0
            counts.duplicates = totals["total_duplicates"] ?? 0
            counts.rejected = totals["total_rejected"] ?? 0
            counts.futureDated = totals["total_future_dated"] ?? 0
            return counts
        }
    }

    /// Commits a batch in one transaction.
    ///
    /// - Parameter judgedAt: when the daemon judged the batch, by its own clock: what retention
    ///   measures an event's age by.
    public func commit(_ batch: Batch, judgedAt: Timestamp) throws {
        try database.write { db in
            for event in batch.events {
                try db.execute(
                    sql: """
                        INSERT INTO events (seq, line, file, name, sha256, disposition, device, inode, size, modified, judged_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [event.seq, event.line, event.file.description, Data(event.file.bytes), event.sha256,
                                event.disposition.rawValue, event.version.map { Int64(bitPattern: $0.device) },
                                event.version.map { Int64(bitPattern: $0.inode) }, event.version?.size, event.version?.modified,
                                judgedAt.millisecondsSinceEpoch])
            }
            try addToTotals(of: batch, db)
            for article in batch.articles {
                let judgement = article.judgement
                let stored = StoredVerdict(judgement.verdict)
                try db.execute(
                    sql: """
                        INSERT INTO articles (number, seq, file, sha256, published, time, story, verdict, duplicate_of,
                            measure, similarity, terms, words, title, body, shingles, future_dated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [judgement.article, article.seq, article.file, article.sha256, article.published,
                                article.time.millisecondsSinceEpoch, judgement.story, stored.verdict, stored.duplicateOf,
                                stored.measure, stored.similarity, stored.terms, judgement.words, article.title, article.body,
                                article.fingerprint.map(Self.encode), article.futureDated])
                try db.execute(
                    sql: """
                        INSERT INTO stories (id, first_time, last_time, articles) VALUES (?1, ?2, ?2, 1)
                        ON CONFLICT(id) DO UPDATE SET first_time = MIN(first_time, ?2), last_time = MAX(last_time, ?2),
                            articles = articles + 1
                        """,
                    arguments: [judgement.story, article.time.millisecondsSinceEpoch])
            }
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
        let rejected = batch.events.count { $0.disposition == .rejected }
        let added = ["total_articles": batch.articles.count, "total_stories": stories, "total_duplicates": duplicates,
                     "total_rejected": rejected, "total_future_dated": batch.articles.count(where: \.futureDated)]
        for (key, count) in added where count > 0 {
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = value + ?2",
                           arguments: [key, count])
        }
        let highest = ["highest_article": batch.articles.map(\.judgement.article).max(),
                       "highest_story": batch.articles.map(\.judgement.story).max()]
        for case let (key, number?) in highest {
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = MAX(value, ?2)",
                           arguments: [key, number])
        }
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
            try Row.fetchAll(db, sql: "SELECT \(Self.eventColumns) FROM events WHERE moved = 0 ORDER BY seq")
                .map(Self.eventRow)
        }
    }

    /// Events after `seq`, in order, for appending to the timeline.
    public func events(after seq: Int) throws -> [EventRow] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.eventColumns) FROM events WHERE seq > ? ORDER BY seq",
                             arguments: [seq]).map(Self.eventRow)
        }
    }

    private static let eventColumns = "seq, line, file, name, sha256, disposition, device, inode, size, modified"

    private static func eventRow(_ row: Row) throws -> EventRow {
        let name: Data? = row["name"]
        let file = name.map { FileName(bytes: [UInt8]($0)) } ?? FileName(row["file"] as String)
        var version: FileVersion?
        if let device: Int64 = row["device"], let inode: Int64 = row["inode"], let size: Int64 = row["size"],
           let modified: Int64 = row["modified"] {
            version = FileVersion(device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), size: size, modified: modified)
        }
        let stored: String = row["disposition"]
        guard let disposition = Disposition(rawValue: stored) else {
            throw StateRowError(seq: row["seq"], "has disposition '\(stored)', which this build does not write")
        }
        return EventRow(seq: row["seq"], line: row["line"], file: file, version: version, sha256: row["sha256"],
                        disposition: disposition)
    }

    /// Articles to restore the engine from, in judgement order: those judged after article `after`,
    /// or, when `after` is nil, those at most `horizonDays` older than the newest time no later than
    /// `latest` (a state written before producers' dates were checked may hold one dated 2100).
    /// `body` returns each in turn.
    public func restorableArticles(
        after: Int? = nil, horizonDays: Double, latest: Timestamp, _ body: (ArticleRow) throws -> Void
    ) throws {
        try database.read { db in
            let cursor: RowCursor
            let columns = """
                number, seq, file, sha256, published, time, story, verdict, duplicate_of, measure, similarity, terms,
                words, title, body, shingles IS NOT NULL AS stored
                """
            if let after {
                cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM articles WHERE number > ? ORDER BY number",
                                             arguments: [after])
            } else {
                guard let newest = try Int64.fetchOne(db, sql: "SELECT MAX(time) FROM articles WHERE time <= ?",
                                                      arguments: [latest.millisecondsSinceEpoch]) else { return }
                let cutoff = newest - Int64(horizonDays * Double(Timestamp.millisecondsPerDay))
                cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM articles WHERE time >= ? ORDER BY number",
                                             arguments: [cutoff])
            }
            while let row = try cursor.next() {
                let stored = StoredVerdict(verdict: row["verdict"], duplicateOf: row["duplicate_of"], measure: row["measure"],
                                           similarity: row["similarity"], terms: row["terms"])
                let verdict = try stored.decoded(article: row["number"])
                let judgement = Judgement(article: row["number"], story: row["story"], words: row["words"], verdict: verdict)
                try body(ArticleRow(judgement: judgement, seq: row["seq"], file: row["file"], sha256: row["sha256"],
                                    published: row["published"], time: Timestamp(millisecondsSinceEpoch: row["time"]),
                                    title: row["title"], body: row["body"], hasFingerprint: row["stored"]))
            }
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

    /// The highest `seq` whose file was moved out of the inbox: its line was written before.
    public func lastMovedSeq() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE moved = 1") ?? 0 }
    }
}

extension StateStore {
    /// The engine snapshot beside the database.
    public var snapshotPath: String { (path as NSString).deletingLastPathComponent + "/engine.snapshot" }

    /// Writes the engine's indexes beside the database (`engine.snapshot`, replaced atomically), so that
    /// the next start loads them and re-derives only the articles judged after, instead of every
    /// article within the horizon.
    ///
    /// Call it only when every article the engine has judged is committed. `progress` is called after
    /// each piece written (a few MiB), for the watchdog.
    public func saveSnapshot(of engine: Engine, progress: @escaping () -> Void = {}) throws {
        let header = try snapshotHeader(lastArticle: engine.lastArticle)
        let temporary = snapshotPath + ".tmp"
        let descriptor = try Syscalls.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        defer { Syscalls.close(descriptor) }
        try Array((header + "\n").utf8).withUnsafeBytes { try Syscalls.writeAll(descriptor, $0, path: temporary) }
        try engine.writeSnapshot { bytes in
            try Syscalls.writeAll(descriptor, bytes, path: temporary)
            progress()
        }
        try Syscalls.synchronize(descriptor, path: temporary)
        try Syscalls.rename(temporary, snapshotPath)
        try Syscalls.synchronizeDirectory((path as NSString).deletingLastPathComponent)
    }

    /// The engine as the snapshot left it, or nil when there is none.
    ///
    /// - Throws: `SnapshotError` when the snapshot cannot be used: damaged, written by another format
    ///   or with other engine settings, or not of this database (another database, or a database
    ///   older than the snapshot, as after restoring a backup).
    public func loadSnapshot(configuration: EngineConfiguration) throws -> Engine? {
        try Syscalls.withMappedFile(snapshotPath) { bytes throws(SnapshotError) -> Engine in
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline < 256 else {
                throw SnapshotError("\(snapshotPath) does not start with a Storyline snapshot header")
            }
            let header = String(decoding: bytes[..<newline], as: UTF8.self)
            let fields = header.split(separator: " ")
            guard fields.count >= 3, let lastArticle = Int(fields[2]) else {
                throw SnapshotError("\(snapshotPath) does not start with a Storyline snapshot header")
            }
            let expected: String
            do { expected = try snapshotHeader(lastArticle: lastArticle) } catch {
                throw SnapshotError("cannot read the database to check the snapshot: \(error)")
            }
            guard header == expected else {
                throw SnapshotError("the snapshot (\(header)) is not of this database (\(expected))")
            }
            let engine = try Engine(configuration: configuration, snapshot: UnsafeRawBufferPointer(rebasing: bytes[(newline + 1)...]))
            guard engine.lastArticle == lastArticle else {
                throw SnapshotError("the snapshot's header names article \(lastArticle), its engine \(engine.lastArticle)")
            }
            return engine
        }
    }

    /// What identifies the state a snapshot was taken of: the database's id, and the last article
    /// judged with its SHA-256 (a snapshot of a later state does not match an older database).
    private func snapshotHeader(lastArticle: Int) throws -> String {
        try database.read { db in
            let id = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'state_id'") ?? 0
            let sha256 = try String.fetchOne(db, sql: "SELECT sha256 FROM articles WHERE number = ?", arguments: [lastArticle])
            return "storyline-snapshot \(id) \(lastArticle) \(sha256 ?? "-")"
        }
    }
}

/// Candidates whose stored shingles could not be read back: the engine skipped them, so a
/// near-duplicate of one of them may have been judged as new coverage.
public struct ArchiveFailures: Sendable, Hashable {
    public var count = 0
    /// What went wrong the last time, naming the article.
    public var last = ""
}

extension StateStore: FingerprintArchive {
    /// The shingles stored for article `number`; nil for an article stored without them (by a build
    /// that kept them only in memory), which the engine then skips. A read that fails, or stored bytes
    /// that are not shingles, also give nil, and are counted for `takeArchiveFailures()`: the engine
    /// core cannot log, the daemon can.
    public func fingerprint(ofArticle number: Int) -> CompactFingerprint? {
        let blob: Data?
        do {
            blob = try database.read { db in
                try Data.fetchOne(db, sql: "SELECT shingles FROM articles WHERE number = ?", arguments: [number])
            }
        } catch {
            recordArchiveFailure("article a\(number): \(error)")
            return nil
        }
        guard let blob else { return nil }
        guard let fingerprint = Self.decode(blob) else {
            recordArchiveFailure("article a\(number): its \(blob.count) bytes of stored shingles cannot be decoded")
            return nil
        }
        return fingerprint
    }

    /// The failed reads since the last call, if any; counting starts afresh.
    public func takeArchiveFailures() -> ArchiveFailures? {
        archiveFailures.withLock { failures in
            defer { failures = ArchiveFailures() }
            return failures.count > 0 ? failures : nil
        }
    }

    private func recordArchiveFailure(_ description: String) {
        archiveFailures.withLock { failures in
            failures.count += 1
            failures.last = description
        }
    }

    static func encode(_ fingerprint: CompactFingerprint) -> Data {
        var data = Data(capacity: 4 * (fingerprint.sequence.count + 1))
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: fingerprint.width)) { data.append(contentsOf: $0) }
        fingerprint.sequence.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    static func decode(_ data: Data) -> CompactFingerprint? {
        guard data.count >= 4, data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { bytes in
            let width = Int(bytes.loadUnaligned(as: UInt32.self))
            let sequence = (1..<bytes.count / 4).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) }
            return CompactFingerprint(sequence: sequence, width: width)
        }
    }
}
