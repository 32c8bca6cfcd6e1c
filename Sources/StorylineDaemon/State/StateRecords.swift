import Foundation
import GRDB
import StorylineCore

// The tables of `state.sqlite` as GRDB records: one type per table, its columns named once. Rows are
// decoded and encoded by hand (`init(row:)`, `encode(to:)`) rather than through Codable: a restore
// reads every article within the horizon, and the per-row cost of Codable was what it would add.

/// A row of `events`: one timeline line as committed, and what became of its input file.
struct EventRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "events"

    var seq: Int
    var line: String
    /// The name for people (U+FFFD where it is not UTF-8).
    var file: String
    /// The name's bytes, as the file system has it (nil in rows from before they were stored).
    var name: Data?
    var sha256: String?
    var disposition: String
    /// Which file was read at that name (nil in rows from before it was stored).
    var device: Int64?
    var inode: Int64?
    var size: Int64?
    var modified: Int64?
    /// When the daemon judged it, by its own clock: what retention measures age by.
    var judgedAt: Int64?
    /// Whether the input file has left the inbox.
    var moved: Bool

    init(_ event: StateStore.EventRow, judgedAt: Timestamp) {
        seq = event.seq
        line = event.line
        file = event.file.description
        name = Data(event.file.bytes)
        sha256 = event.sha256
        disposition = event.disposition.rawValue
        device = event.version.map { Int64(bitPattern: $0.device) }
        inode = event.version.map { Int64(bitPattern: $0.inode) }
        size = event.version?.size
        modified = event.version?.modified
        self.judgedAt = judgedAt.millisecondsSinceEpoch
        // Set once the line is written, a story's line (no file) too: the start-up repair takes the
        // last moved seq for a line written.
        moved = false
    }

    init(row: Row) {
        seq = row["seq"]
        line = row["line"]
        file = row["file"]
        name = row["name"]
        sha256 = row["sha256"]
        disposition = row["disposition"]
        device = row["device"]
        inode = row["inode"]
        size = row["size"]
        modified = row["modified"]
        judgedAt = row["judged_at"]
        moved = row["moved"]
    }

    func encode(to container: inout PersistenceContainer) {
        container["seq"] = seq
        container["line"] = line
        container["file"] = file
        container["name"] = name
        container["sha256"] = sha256
        container["disposition"] = disposition
        container["device"] = device
        container["inode"] = inode
        container["size"] = size
        container["modified"] = modified
        container["judged_at"] = judgedAt
        container["moved"] = moved
    }

    /// The event as the daemon uses it.
    ///
    /// - Throws: `StateRowError` for a disposition this build does not write.
    func decoded() throws(StateRowError) -> StateStore.EventRow {
        let fileName = name.map { FileName(bytes: [UInt8]($0)) } ?? FileName(file)
        var version: FileVersion?
        if let device, let inode, let size, let modified {
            version = FileVersion(device: UInt64(bitPattern: device), inode: UInt64(bitPattern: inode), size: size, modified: modified)
        }
        guard let disposition = StateStore.Disposition(rawValue: disposition) else {
            throw StateRowError(seq: seq, "has disposition '\(disposition)', which this build does not write")
        }
        return StateStore.EventRow(seq: seq, line: line, file: fileName, version: version, sha256: sha256, disposition: disposition)
    }
}

/// A row of `articles`: an article's judgement and its text, to restore the engine from, and its
/// shingles, to compare arrivals with (`StoredFingerprints`).
struct ArticleRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "articles"

    var number: Int
    var seq: Int
    var file: String
    var sha256: String
    var published: String?
    /// The time it is judged by, in milliseconds since the epoch.
    var time: Int64
    var story: Int
    var verdict: StoredVerdict
    var words: Int
    var title: String
    var body: String
    /// The shingles (`StoredFingerprints.encode`); not read back by `restorable`, which asks only
    /// whether they are there (`hasShingles`).
    var shingles: Data?
    var hasShingles: Bool
    var futureDated: Bool
    var titleIsHeadline: Bool

    /// The columns a restore reads: every one but the shingles themselves.
    static let restorableColumns = """
        number, seq, file, sha256, published, time, story, verdict, duplicate_of, measure, similarity, terms,
        words, title, body, future_dated, title_is_headline, shingles IS NOT NULL AS has_shingles
        """

    init(_ article: StateStore.ArticleRow) {
        number = article.judgement.article
        seq = article.seq
        file = article.file
        sha256 = article.sha256
        published = article.published
        time = article.time.millisecondsSinceEpoch
        story = article.judgement.story
        verdict = StoredVerdict(article.judgement.verdict)
        words = article.judgement.words
        title = article.title
        body = article.body
        shingles = article.fingerprint.map(StoredFingerprints.encode)
        hasShingles = shingles != nil
        futureDated = article.futureDated
        titleIsHeadline = article.titleIsHeadline
    }

    init(row: Row) {
        number = row["number"]
        seq = row["seq"]
        file = row["file"]
        sha256 = row["sha256"]
        published = row["published"]
        time = row["time"]
        story = row["story"]
        verdict = StoredVerdict(verdict: row["verdict"], duplicateOf: row["duplicate_of"], measure: row["measure"],
                                similarity: row["similarity"], terms: row["terms"])
        words = row["words"]
        title = row["title"]
        body = row["body"]
        shingles = row["shingles"]
        hasShingles = row["has_shingles"] ?? (shingles != nil)
        futureDated = row["future_dated"] ?? false
        titleIsHeadline = row["title_is_headline"] ?? false
    }

    func encode(to container: inout PersistenceContainer) {
        container["number"] = number
        container["seq"] = seq
        container["file"] = file
        container["sha256"] = sha256
        container["published"] = published
        container["time"] = time
        container["story"] = story
        container["verdict"] = verdict.verdict
        container["duplicate_of"] = verdict.duplicateOf
        container["measure"] = verdict.measure
        container["similarity"] = verdict.similarity
        container["terms"] = verdict.terms
        container["words"] = words
        container["title"] = title
        container["body"] = body
        container["shingles"] = shingles
        container["future_dated"] = futureDated
        container["title_is_headline"] = titleIsHeadline
    }

    /// The article as the engine is restored from it (without its shingles).
    ///
    /// - Throws: `StateRowError` for a verdict this build does not write.
    func decoded() throws(StateRowError) -> StateStore.ArticleRow {
        let judgement = Judgement(article: number, story: story, words: words, verdict: try verdict.decoded(article: number))
        return StateStore.ArticleRow(
            judgement: judgement, seq: seq, file: file, sha256: sha256, published: published,
            time: Timestamp(millisecondsSinceEpoch: time), futureDated: futureDated, title: title,
            titleIsHeadline: titleIsHeadline, body: body, hasFingerprint: hasShingles)
    }
}

/// A row of `stories`: the story as its last line left it (`StorySummary`), for the next start and
/// for `storyline stories`.
struct StoryRecord: FetchableRecord, TableRecord {
    static let databaseTableName = "stories"

    /// The story as its last line left it; nil in a row from before summaries were stored.
    var summary: StorySummary?

    init(row: Row) {
        guard let label: String = row["label"], let firstArticle: Int = row["first_article"] else { return }
        summary = StorySummary(
            story: row["id"], label: label, labelIsHeadline: row["label_is_headline"], firstArticle: firstArticle,
            articles: row["articles"], duplicates: row["duplicates"],
            first: Timestamp(millisecondsSinceEpoch: row["first_time"]), last: Timestamp(millisecondsSinceEpoch: row["last_time"]),
            closed: row["closed"])
    }

    /// Stores `summary` as its story's row.
    static func save(_ summary: StorySummary, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO stories (id, first_time, last_time, articles, label, label_is_headline, first_article,
                    duplicates, closed)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                ON CONFLICT(id) DO UPDATE SET first_time = ?2, last_time = ?3, articles = ?4, label = ?5,
                    label_is_headline = ?6, first_article = ?7, duplicates = ?8, closed = ?9
                """,
            arguments: [summary.story, summary.first.millisecondsSinceEpoch, summary.last.millisecondsSinceEpoch,
                        summary.articles, summary.label, summary.labelIsHeadline, summary.firstArticle, summary.duplicates,
                        summary.closed])
    }
}

/// The `meta` table: counters kept apart from the rows, so that they outlive retention.
enum StateMeta {
    /// A running total since the state began.
    enum Total: String, CaseIterable {
        case articles = "total_articles"
        case stories = "total_stories"
        case duplicates = "total_duplicates"
        case rejected = "total_rejected"
        case futureDated = "total_future_dated"
    }

    /// The highest number ever handed out: never reused.
    enum Highest: String {
        case article = "highest_article"
        case story = "highest_story"
    }

    /// The state's random id, which its engine snapshots carry.
    static let stateID = "state_id"

    static func add(_ count: Int, to total: Total, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = value + ?2",
                       arguments: [total.rawValue, count])
    }

    static func raise(_ highest: Highest, to number: Int, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = MAX(value, ?2)",
                       arguments: [highest.rawValue, number])
    }

    static func value(_ key: String, _ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }
}
