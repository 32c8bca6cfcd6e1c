import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

@Suite struct RetentionTests {
    let old = StateFixture.now.adding(days: -100)
    let now = StateFixture.now

    func makeArchive(in state: StateFixture) throws -> String {
        let archive = state.directory.path + "/archive"
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        return archive
    }

    func names(in directory: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: directory))
    }

    @Test func aStepPrunesRowsAndArchivedFilesPastRetention() throws {
        let state = try StateFixture()
        let archive = try makeArchive(in: state)
        try state.add(4, dated: old, judged: old, archive: archive, rejected: 1)
        try state.add(2, dated: now, judged: now, archive: archive)
        let counts = try state.store.counts()
        var retention = Retention()
        let more = try retention.step(store: state.store, archive: archive, retentionDays: 37, horizonDays: 30,
                                      now: now, writtenThrough: state.seq)
        #expect(!more)
        #expect(try names(in: archive) == ["article-6.txt", "article-7.txt"])
        let taken = retention.takeReport()
        let report = try #require(taken)
        #expect(report.archivedFiles == 4)
        #expect(report.missingFiles == 0)
        #expect(report.rows.events == 5)
        #expect(report.rows.articles == 4)
        #expect(retention.takeReport() == nil)
        #expect(try state.store.counts() == counts)
        // Caught up: the next look is a minute away.
        #expect(!retention.isDue(busy: false))
    }

    @Test func findsASuffixedFileByItsBytesAndLeavesOthers() throws {
        let state = try StateFixture()
        let archive = try makeArchive(in: state)
        // Another file had the name first (an archive beside a restored state), so the move gave this
        // one the name after it.
        try Data("someone else's file".utf8).write(to: URL(fileURLWithPath: archive + "/0000000001-report.txt"))
        let text = "The text that was judged."
        try Data(text.utf8).write(to: URL(fileURLWithPath: archive + "/0000000001.1-report.txt"))
        let event = StateStore.PrunableEvent(seq: 1, file: FileName("report.txt"), sha256: ArticleFile(name: "x", bytes: Array(text.utf8)).sha256,
                                             disposition: .archive)
        #expect(try Retention.removeArchivedFile(of: event, in: archive))
        #expect(try names(in: archive) == ["0000000001-report.txt"])
        #expect(try !Retention.removeArchivedFile(of: event, in: archive))
    }

    @Test func refusesNamesThatLeaveTheArchive() throws {
        let state = try StateFixture()
        let archive = try makeArchive(in: state)
        try Data("x".utf8).write(to: URL(fileURLWithPath: state.directory.path + "/outside.txt"))
        let sha256 = ArticleFile(name: "x", bytes: Array("x".utf8)).sha256
        for name in ["../outside.txt", "..", "."] {
            let event = StateStore.PrunableEvent(seq: 1, file: FileName(name), sha256: sha256, disposition: .archive)
            #expect(try !Retention.removeArchivedFile(of: event, in: archive))
        }
        #expect(FileManager.default.fileExists(atPath: state.directory.path + "/outside.txt"))
    }

    @Test func aFileAlreadyGoneStillLetsItsRowsGo() throws {
        let state = try StateFixture()
        let archive = try makeArchive(in: state)
        try state.add(3, dated: old, judged: old)
        try state.add(1, dated: now, judged: now, archive: archive)
        var retention = Retention()
        _ = try retention.step(store: state.store, archive: archive, retentionDays: 37, horizonDays: 30, now: now,
                               writtenThrough: state.seq)
        let taken = retention.takeReport()
        let report = try #require(taken)
        #expect(report.missingFiles == 3)
        #expect(report.rows.articles == 3)
        #expect(try names(in: archive) == ["article-4.txt"])
    }
}
