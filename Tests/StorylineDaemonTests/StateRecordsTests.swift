import Foundation
import GRDB
import Testing
import StorylineCore
@testable import StorylineDaemon

/// The state's records through an in-memory database: what is committed comes back as it was.
@Suite struct StateRecordsTests {
    private let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    private func makeStore() throws -> StateStore {
        try StateStore(database: DatabaseQueue(), path: ":memory:")
    }

    private func article(_ number: Int, _ verdict: Verdict, story: Int, seq: Int) -> StateStore.ArticleRow {
        StateStore.ArticleRow(
            judgement: Judgement(article: number, story: story, words: 40 + number, verdict: verdict), seq: seq,
            file: "f\(number).txt", sha256: "sha-\(number)", published: number.isMultiple(of: 2) ? nil : "2026-11-30",
            time: now.adding(days: Double(number) / 10), futureDated: number == 3, title: "Title \(number)",
            body: "Body \(number)", fingerprint: CompactFingerprint(sequence: [UInt32(number), 7, 9], width: 5))
    }

    @Test func everyVerdictIsRestoredAsCommitted() throws {
        let store = try makeStore()
        let verdicts: [Verdict] = [
            .started,
            .extended(similarity: 0.42, terms: ["senator", "veto"], gapHours: 0),
            .duplicate(of: 1, measure: .exact, similarity: 1),
            .duplicate(of: 2, measure: .jaccard, similarity: 0.91),
            .duplicate(of: 1, measure: .containment, similarity: 0.88),
        ]
        var batch = StateStore.Batch()
        for (index, verdict) in verdicts.enumerated() {
            let number = index + 1
            batch.articles.append(article(number, verdict, story: 1, seq: number))
            batch.events.append(StateStore.EventRow(seq: number, line: "{\"seq\":\(number)}\n", file: FileName("f\(number).txt"),
                                                    version: nil, sha256: "sha-\(number)", disposition: .archive))
        }
        try store.commit(batch, judgedAt: now)

        var restored: [StateStore.ArticleRow] = []
        try store.restorableArticles(after: 0, horizonDays: 30, latest: now.adding(days: 1)) { restored.append($0) }

        #expect(restored.map(\.judgement) == batch.articles.map(\.judgement))
        #expect(restored.map(\.title) == batch.articles.map(\.title))
        #expect(restored.map(\.published) == batch.articles.map(\.published))
        #expect(restored.map(\.time) == batch.articles.map(\.time))
        #expect(restored.map(\.futureDated) == batch.articles.map(\.futureDated))
        #expect(restored.allSatisfy { $0.hasFingerprint })
        #expect(restored.allSatisfy { $0.fingerprint == nil }, "a restore does not read the shingles")
        #expect(try store.counts() == {
            var counts = StateStore.Counts()
            (counts.articles, counts.stories, counts.duplicates, counts.futureDated) = (5, 1, 3, 1)
            return counts
        }())
        #expect(try store.highestNumbers() == (article: 5, story: 1))
    }

    @Test func anEventComesBackWithItsNameBytesAndTheFileItRead() throws {
        let store = try makeStore()
        let latin1 = FileName(bytes: Array("caf".utf8) + [0xE9] + Array(".txt".utf8))
        let version = FileVersion(device: UInt64.max - 1, inode: 1 << 63, size: 120, modified: 1_700_000_000_123_456_789)
        var batch = StateStore.Batch()
        batch.events = [
            StateStore.EventRow(seq: 1, line: "one\n", file: latin1, version: version, sha256: "s", disposition: .archive),
            StateStore.EventRow(seq: 2, line: "two\n", file: FileName("b.txt"), version: nil, sha256: nil, disposition: .rejected),
        ]
        try store.commit(batch, judgedAt: now)

        #expect(try store.events(after: 0) == batch.events)
        #expect(try store.unmovedEvents() == batch.events)
        try store.markMoved([1])
        #expect(try store.unmovedEvents() == [batch.events[1]])
        #expect(try store.lastMovedSeq() == 1 && store.lastSeq() == 2)
        #expect(try store.line(seq: 2) == "two\n")
        #expect(try store.lastJudgedAt() == now)
    }

    @Test func storedShinglesAreFoundAndOthersSaySo() throws {
        let store = try makeStore()
        var batch = StateStore.Batch()
        var withoutShingles = article(2, .started, story: 2, seq: 2)
        withoutShingles.fingerprint = nil
        batch.articles = [article(1, .started, story: 1, seq: 1), withoutShingles]
        batch.events = (1...2).map {
            StateStore.EventRow(seq: $0, line: "\($0)\n", file: FileName("f\($0)"), version: nil, sha256: nil, disposition: .archive)
        }
        try store.commit(batch, judgedAt: now)
        try store.database.write { db in
            try db.execute(sql: "INSERT INTO events (seq, line, file, disposition) VALUES (3, '3', 'f3', 'archive')")
            try db.execute(sql: """
                INSERT INTO articles (number, seq, file, sha256, time, story, verdict, words, title, body, shingles)
                VALUES (3, 3, 'f3', 's', 0, 3, 'started', 1, 't', 'b', x'010203')
                """)
        }

        #expect(store.fingerprints.fingerprint(ofArticle: 1) == .found(CompactFingerprint(sequence: [1, 7, 9], width: 5)))
        #expect(store.fingerprints.fingerprint(ofArticle: 2) == .notStored)
        #expect(store.fingerprints.fingerprint(ofArticle: 3)
            == .unreadable("article a3: its 3 bytes of stored shingles cannot be decoded"))
    }

    @Test func theMigrationsBuildTheSchemaOnceAndAgainDoNothing() throws {
        let database = try DatabaseQueue()
        _ = try StateStore(database: database, path: ":memory:")
        let applied = try database.read { try StateStore.migrator.appliedMigrations($0) }
        #expect(applied.count == 10)
        _ = try StateStore(database: database, path: ":memory:")
        #expect(try database.read { try StateStore.migrator.appliedMigrations($0) } == applied)
        let id = try database.read { try StateMeta.value(StateMeta.stateID, $0) }
        #expect(id != nil && id != 0, "every state has an id for its snapshots")
    }

    @Test func aSnapshotOfAnotherStateIsRefused() throws {
        let directory = try TemporaryDirectory()
        let first = try StateStore(database: DatabaseQueue(), path: directory.path + "/state.sqlite")
        let second = try StateStore(database: DatabaseQueue(), path: directory.path + "/state.sqlite")
        let engine = try Engine(configuration: EngineConfiguration())
        try first.saveSnapshot(of: engine)

        #expect(try first.loadSnapshot(configuration: EngineConfiguration()) != nil)
        #expect { try second.loadSnapshot(configuration: EngineConfiguration()) } throws: {
            "\($0)".contains("is not of this database")
        }
    }
}
