import Foundation
import GRDB
import Testing
import StorylineCore
@testable import StorylineDaemon

/// A state in a temporary directory, filled the way the daemon fills it: judged, committed, the lines
/// taken as written and the files as moved.
final class StateFixture {
    let directory: TemporaryDirectory
    private(set) var store: StateStore
    var engine: Engine
    var analyzer = ArticleAnalyzer()
    private(set) var seq = 0
    /// Each article's text by file name, as it was written to the archive.
    private(set) var texts: [String: String] = [:]

    static let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    init(horizonDays: Double = 30) throws {
        directory = try TemporaryDirectory()
        store = try StateStore(path: directory.path + "/state.sqlite")
        var configuration = EngineConfiguration()
        configuration.horizonDays = horizonDays
        engine = try Engine(configuration: configuration)
        engine.fingerprintArchive = store.fingerprints
    }

    deinit { store.close() }

    /// Closes the database, which checkpoints the write-ahead log into it, and opens it again.
    func reopen() throws {
        store.close()
        store = try StateStore(path: directory.path + "/state.sqlite")
        engine.fingerprintArchive = store.fingerprints
    }

    /// Judges `count` distinct articles dated `dated` (the producer's time), committed as judged at
    /// `judged`; with `archive`, their files are written there as if moved.
    @discardableResult
    func add(_ count: Int, dated: Timestamp, judged: Timestamp, moved: Bool = true, archive: String? = nil,
             rejected: Int = 0) throws -> [Int] {
        var batch = StateStore.Batch()
        for _ in 0..<count {
            let name = "article-\(seq + 1).txt"
            let text = Self.article(seq + 1)
            let file = ArticleFile(name: name, bytes: Array(text.utf8))
            let prepared = try PreparedArticle(file, arrival: dated, analyzer: &analyzer)
            _ = try batch.judge(prepared, named: FileName(name), seq: &seq, at: judged, engine: &engine)
            texts[name] = text
            if let archive { try Data(text.utf8).write(to: URL(fileURLWithPath: archive + "/" + name)) }
        }
        for _ in 0..<rejected {
            seq += 1
            let rejection = ArticleRejection(.empty, "the file is empty")
            let event = TimelineEvent(seq: seq, time: judged, rejectedFile: "bad-\(seq).txt", rejection: rejection)
            batch.events.append(StateStore.EventRow(seq: seq, line: event.jsonLine, file: FileName("bad-\(seq).txt"),
                                                    sha256: nil, disposition: .rejected))
        }
        try store.commit(batch, judgedAt: judged)
        engine.releaseFingerprints(of: batch.articleNumbers)
        if moved { try store.markMoved(batch.events.map(\.seq)) }
        return batch.events.map(\.seq)
    }

    /// A short article of its own words: no two numbers share a shingle.
    static func article(_ number: Int) -> String {
        var generator = SeededGenerator(seed: UInt64(number))
        let syllables = ["ka", "lo", "mi", "ren", "tor", "va", "sel", "du", "pri", "an", "gho", "zet", "bu", "ri", "mon", "el"]
        let words = (0..<80).map { _ in
            (0..<3).map { _ in syllables[Int(generator.next() % UInt64(syllables.count))] }.joined()
        }
        return words[..<4].joined(separator: " ") + "\n\n" + words[4...].joined(separator: " ") + ".\n"
    }

    static func counts(articles: Int, stories: Int, duplicates: Int, rejected: Int) -> StateStore.Counts {
        var counts = StateStore.Counts()
        (counts.articles, counts.stories, counts.duplicates, counts.rejected) = (articles, stories, duplicates, rejected)
        return counts
    }

    func restorable() throws -> [Int] {
        var numbers: [Int] = []
        try store.restorableArticles(horizonDays: engine.configuration.horizonDays, latest: Timestamp(millisecondsSinceEpoch: Int64.max / 4)) { numbers.append($0.judgement.article) }
        return numbers
    }

    func prunable(retentionDays: Double = 37, writtenThrough: Int? = nil) throws -> [Int] {
        try store.prunableEvents(judgedBefore: Self.now.adding(days: -retentionDays), writtenThrough: writtenThrough ?? seq,
                                 horizonDays: engine.configuration.horizonDays, limit: Retention.eventsPerStep).map(\.seq)
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct StateStoreTests {
    let old = StateFixture.now.adding(days: -100)
    let now = StateFixture.now

    @Test func prunesOldRowsAndKeepsNumbersAndTotals() throws {
        let state = try StateFixture()
        let oldSeqs = try state.add(5, dated: old, judged: old, rejected: 2)
        try state.add(3, dated: now, judged: now)
        let counts = try state.store.counts()
        let highest = try state.store.highestNumbers()
        let restorable = try state.restorable()
        #expect(counts == StateFixture.counts(articles: 8, stories: 8, duplicates: 0, rejected: 2))

        #expect(try state.prunable() == oldSeqs)
        let pruned = try state.store.prune(oldSeqs)
        #expect(pruned == { var rows = StateStore.PrunedRows(); rows.events = 7; rows.articles = 5; rows.stories = 5; return rows }())

        #expect(try state.store.counts() == counts)
        #expect(try state.store.highestNumbers() == highest)
        #expect(try state.restorable() == restorable)
        #expect(try state.prunable().isEmpty)
        #expect(try state.store.lastSeq() == 10)
        #expect(try state.store.lastMovedSeq() == 10)
    }

    @Test func totalsCountDuplicatesAndOnlyNewStories() throws {
        let state = try StateFixture()
        var batch = StateStore.Batch()
        let text = StateFixture.article(1)
        var seq = 0
        for name in ["a.txt", "copy.txt"] {
            let prepared = try PreparedArticle(ArticleFile(name: name, bytes: Array(text.utf8)), arrival: now, analyzer: &state.analyzer)
            _ = try batch.judge(prepared, named: FileName(name), seq: &seq, at: now, engine: &state.engine)
        }
        try state.store.commit(batch, judgedAt: now)
        #expect(try state.store.counts() == StateFixture.counts(articles: 2, stories: 1, duplicates: 1, rejected: 0))
    }

    @Test func keepsWhatACrashOrARebuildStillNeeds() throws {
        let state = try StateFixture()
        let moved = try state.add(3, dated: old, judged: old)
        let unmoved = try state.add(2, dated: old, judged: old, moved: false)
        // Judged long ago but dated within the horizon of the newest article: a rebuild re-derives it.
        let recentlyDated = try state.add(2, dated: now, judged: old)
        try state.add(1, dated: now, judged: now)
        // Lines not yet in the timeline are not pruned, nor files still in the inbox.
        #expect(try state.prunable(writtenThrough: 2) == [1, 2])
        #expect(try state.prunable() == moved)
        #expect(Set(try state.prunable()).isDisjoint(with: unmoved + recentlyDated))
    }

    @Test func keepsTheLastMovedEventAndTheHighestArticle() throws {
        let state = try StateFixture()
        try state.add(3, dated: old, judged: old)
        try state.add(1, dated: old.adding(days: 40), judged: old)
        // Every event is old, every article far from the newest but the newest itself: the last event
        // and the highest-numbered article stay, so `lastSeq()` and the snapshot header do not change.
        #expect(try state.prunable() == [1, 2, 3])
        _ = try state.store.prune(try state.prunable())
        #expect(try state.store.lastSeq() == 4)
        #expect(try state.prunable().isEmpty)
    }

    @Test func newNumbersAfterPruningAreHigherThanAnyBefore() throws {
        let state = try StateFixture()
        try state.add(4, dated: old, judged: old)
        try state.add(1, dated: now, judged: now)
        let before = try state.store.highestNumbers()
        _ = try state.store.prune(try state.prunable())
        // A rebuild from the state reserves the numbers from the high-water marks, not from the rows left.
        var rebuilt = try Engine(configuration: state.engine.configuration)
        let highest = try state.store.highestNumbers()
        #expect(highest == before)
        rebuilt.reserveNumbers(throughArticle: highest.article, story: highest.story)
        let file = ArticleFile(name: "new.txt", bytes: Array(StateFixture.article(99).utf8))
        var batch = StateStore.Batch()
        var seq = 5
        _ = try batch.judge(try PreparedArticle(file, arrival: now, analyzer: &state.analyzer), named: FileName("new.txt"),
                            seq: &seq, at: now, engine: &rebuilt)
        #expect(batch.articles[0].judgement.article == before.article + 1)
        #expect(batch.articles[0].judgement.story == before.story + 1)
    }

    @Test func pruningFreesPagesThatNewRowsReuse() throws {
        let state = try StateFixture()
        var round = old
        var sizes: [Int] = []
        for _ in 0..<4 {
            try state.add(300, dated: round, judged: round)
            // Everything judged the round before (40 days earlier) is past a 37-day retention.
            while true {
                let seqs = try state.store.prunableEvents(
                    judgedBefore: round.adding(days: -37), writtenThrough: state.seq, horizonDays: 30, limit: 50).map(\.seq)
                if try state.store.prune(seqs).events == 0 { break }
            }
            try state.reopen()
            sizes.append(try FileManager.default.attributesOfItem(atPath: state.store.path)[.size] as! Int)
            round = round.adding(days: 40)
        }
        #expect(Double(sizes[3]) <= Double(sizes[1]) * 1.1, "sizes: \(sizes)")
        #expect(try state.store.counts().articles == 1200)
        #expect(try state.restorable().count == 300)
    }

    @Test func refusesADatabaseANewerBuildMigrated() throws {
        let database = try DatabaseQueue()
        _ = try StateStore(database: database, path: "memory")
        let future = "v99: a migration from a newer build"
        try database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [future])
        }
        let applied = try database.read { db in try StateStore.migrator.appliedIdentifiers(db) }

        let error = #expect(throws: NewerStateError.self) { try StateStore(database: database, path: "memory") }

        #expect(error?.unknownMigrations == [future])
        #expect(error?.description.contains("Install the newer build again") == true)
        #expect(error?.description.contains("storyline restore --from DIR") == true)
        #expect(error?.description.contains("\n") == false)
        #expect(try database.read { db in try StateStore.migrator.appliedIdentifiers(db) } == applied)
    }

    @Test func refusesANewerDatabaseFileWhenItIsOpened() throws {
        let state = try StateFixture()
        try state.add(2, dated: now, judged: now)
        state.store.close()
        let queue = try DatabaseQueue(path: state.store.path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: later')") }
        try queue.close()

        #expect(throws: NewerStateError.self) { try StateStore(path: state.store.path) }
    }

    @Test func opensADatabaseOfAnOlderBuild() throws {
        let database = try DatabaseQueue()
        try StateStore.migrator.migrate(database, upTo: "v2: file names as bytes")

        let store = try StateStore(database: database, path: "memory")

        #expect(try store.lastSeq() == 0)
        #expect(try database.read { db in try StateStore.migrator.hasCompletedMigrations(db) })
    }
}
