import Foundation
import GRDB
import Testing
import StorylineCore
@testable import StorylineDaemon

@Suite struct StoredVerdictTests {
    @Test func everyVerdictComesBackAsWritten() throws {
        let verdicts: [Verdict] = [
            .started,
            .extended(similarity: 0.42, terms: ["senator", "veto bill"], gapHours: 0),
            .extended(similarity: 0.3, terms: [], gapHours: 0),
            .duplicate(of: 7, measure: .exact, similarity: 1),
            .duplicate(of: 8, measure: .jaccard, similarity: 0.91),
            .duplicate(of: 9, measure: .containment, similarity: 0.88),
        ]
        for verdict in verdicts { #expect(try StoredVerdict(verdict).decoded(article: 1) == verdict) }
    }

    @Test func anExtensionsGapIsNotStored() throws {
        let stored = StoredVerdict(.extended(similarity: 0.5, terms: ["a"], gapHours: 30))
        #expect(try stored.decoded(article: 1) == .extended(similarity: 0.5, terms: ["a"], gapHours: 0))
    }

    @Test func aRowThisBuildDidNotWriteIsAnErrorNamingTheArticle() {
        let damaged = [
            StoredVerdict(verdict: "merged"),
            StoredVerdict(verdict: "duplicate", duplicateOf: 3, measure: "cosine", similarity: 0.9),
            StoredVerdict(verdict: "duplicate", measure: "exact", similarity: 1),
            StoredVerdict(verdict: "extended"),
        ]
        for stored in damaged {
            #expect {
                try stored.decoded(article: 12)
            } throws: { error in
                "\(error)".contains("article 12 of the state") && "\(error)".contains("another build, or damaged")
            }
        }
    }

    /// Through a real state: a damaged verdict or disposition fails the read that meets it, not silently.
    @Test func aDamagedStateFailsTheReadThatMeetsIt() throws {
        let fixture = try StateFixture()
        try fixture.add(3, dated: StateFixture.now, judged: StateFixture.now, moved: false)
        try fixture.store.database.write { db in
            try db.execute(sql: "UPDATE articles SET verdict = 'merged' WHERE number = 2")
            try db.execute(sql: "UPDATE events SET disposition = 'shredded' WHERE seq = 3")
        }
        #expect {
            try fixture.store.restorableArticles(after: 0, horizonDays: 30, latest: StateFixture.now) { _ in }
        } throws: { "\($0)".contains("article 2 of the state has verdict 'merged'") }
        #expect {
            try fixture.store.unmovedEvents()
        } throws: { "\($0)".contains("event 3 has disposition 'shredded'") }
    }
}
