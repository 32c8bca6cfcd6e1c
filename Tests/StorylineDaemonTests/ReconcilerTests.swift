import Foundation
import Logging
import Testing
import StorylineCore
@testable import StorylineDaemon

/// A state directory, an inbox and a timeline in a temporary directory, with files judged into the
/// state as the daemon judges them, so the reconciler can be run on what a crash left.
final class ReconcilerFixture {
    let directory: TemporaryDirectory
    let store: StateStore
    var engine: Engine
    var analyzer = ArticleAnalyzer()
    private(set) var seq = 0

    var inbox: String { directory.path + "/inbox" }
    var state: String { directory.path + "/state" }
    var timelinePath: String { directory.path + "/timeline.jsonl" }

    init() throws {
        directory = try TemporaryDirectory()
        for path in [directory.path + "/inbox", directory.path + "/state", directory.path + "/state/archive",
                     directory.path + "/state/rejected"] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        store = try StateStore(path: directory.path + "/state/state.sqlite")
        engine = try Engine(configuration: EngineConfiguration())
    }

    deinit { store.close() }

    /// Drops files into the inbox and commits their judgement in one batch, writing no line and moving
    /// nothing: what a crash right after the commit leaves.
    func commit(_ files: [(name: String, text: String)]) throws {
        var batch = StateStore.Batch()
        let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: inbox + "/" + name))
            let read = Intake.read(FileName(name), in: inbox, sizeLimit: 1 << 20, arrival: now, analyzer: &analyzer)
            _ = batch.add(read, named: FileName(name), seq: &seq, at: now, engine: &engine)
        }
        try store.commit(batch, judgedAt: now)
    }

    func reconciler() throws -> Reconciler {
        Reconciler(store: store, timeline: try TimelineWriter(appendingTo: timelinePath),
                   paths: .init(timeline: timelinePath, state: state, inbox: inbox), logger: Logger(label: "test"))
    }

    var timelineSeqs: [Int] {
        get throws {
            try String(contentsOfFile: timelinePath, encoding: .utf8).split(separator: "\n").map {
                try #require(TimelineLine.seq(of: Array($0.utf8)[...]))
            }
        }
    }

    func names(in path: String) throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: path)) }

    static func article(_ number: Int) -> String {
        let words = ["harbour", "council", "ferry", "strike", "budget", "bridge", "tunnel", "mayor", "port", "union"]
        return "Story \(number)\n\n" + (0..<60).map { words[($0 * 7 + number * 3) % words.count] + "\(number)x\($0 % 9)" }
            .joined(separator: " ")
    }
}

@Suite struct ReconcilerTests {
    @Test func committedLinesMissingFromTheTimelineAreWrittenOnceAtStart() throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", ReconcilerFixture.article(1)), ("b.txt", ReconcilerFixture.article(2))])

        try fixture.reconciler().repairTimelineAtStart()
        try fixture.reconciler().repairTimelineAtStart()

        #expect(try fixture.timelineSeqs == [1, 2])
    }

    /// A story's line (`story_closed`) has no file, but counts as moved only once it is written: a start
    /// after a crash that took the timeline away takes the last moved seq for written.
    @Test func aStoryLineCommittedButNotWrittenIsWrittenAtStart() throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", "Published: 2026-03-01\n\n" + ReconcilerFixture.article(1)),
                            ("b.txt", "Published: 2026-03-09\n\n" + ReconcilerFixture.article(2))])
        #expect(try fixture.store.lastSeq() == 3, "b's time closes a's story: a third line")
        #expect(try fixture.store.lastMovedSeq() == 0)
        let reconciler = try fixture.reconciler()
        try reconciler.repairTimelineAtStart()
        #expect(try fixture.timelineSeqs == [1, 2, 3])
        var queue = InboxQueue(directory: fixture.inbox, logger: Logger(label: "test"))
        try reconciler.moveCommittedFiles(from: &queue)
        #expect(try fixture.store.unmovedEvents().isEmpty)
        #expect(try fixture.store.lastMovedSeq() == 3)
    }

    @Test func aTornLastLineIsCutAndTheRestWritten() throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", ReconcilerFixture.article(1)), ("b.txt", ReconcilerFixture.article(2))])
        let first = try #require(try fixture.store.line(seq: 1))
        let second = try #require(try fixture.store.line(seq: 2))
        try Data((first + second.prefix(20)).utf8).write(to: URL(fileURLWithPath: fixture.timelinePath))

        let reconciler = try fixture.reconciler()
        try reconciler.repairTimelineAtStart()

        #expect(try String(contentsOfFile: fixture.timelinePath, encoding: .utf8) == first + second)
        #expect(reconciler.writtenSeq == 2 && reconciler.committedSeq == 2)
    }

    /// A timeline whose last line the state did not write: one ahead of it (a backup restored), or one
    /// of another state at a seq it has.
    @Test(arguments: [(7, "reaches seq 7 but the state"), (1, "is not this state's")])
    func aTimelineThatIsNotTheStatesStopsTheStartUntouched(seq: Int, message: String) throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", ReconcilerFixture.article(1))])
        let line = #"{"seq":\#(seq),"time":"2027-01-15T08:00:00.000Z","event":"rejected","file":"x","code":"empty","reason":"r"}"#
        try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: fixture.timelinePath))

        let error = try #require(throws: DaemonError.self) { try fixture.reconciler().repairTimelineAtStart() }
        #expect(error.message.contains(message))
        #expect(try fixture.timelineSeqs == [seq], "the timeline is left as it was")
    }

    @Test func committedFilesMoveOnlyOnceTheirLinesAreWritten() throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", ReconcilerFixture.article(1)), ("empty.txt", "")])
        let reconciler = try fixture.reconciler()
        var queue = InboxQueue(directory: fixture.inbox, logger: Logger(label: "test"))

        try reconciler.moveCommittedFiles(from: &queue)
        #expect(try fixture.names(in: fixture.inbox) == ["a.txt", "empty.txt"], "no line written yet: nothing moves")

        try reconciler.repairTimelineAtStart()
        try reconciler.moveCommittedFiles(from: &queue)

        #expect(try fixture.names(in: fixture.inbox).isEmpty)
        #expect(try fixture.names(in: fixture.state + "/archive").count == 1)
        #expect(try fixture.names(in: fixture.state + "/rejected").count == 1)
        #expect(try fixture.store.unmovedEvents().isEmpty)
    }

    @Test func aFileReplacedSinceItsJudgementStaysAndIsQueuedAsANewArrival() throws {
        let fixture = try ReconcilerFixture()
        try fixture.commit([("a.txt", ReconcilerFixture.article(1))])
        let path = fixture.inbox + "/a.txt"
        try FileManager.default.removeItem(atPath: path)
        try Data(ReconcilerFixture.article(2).utf8).write(to: URL(fileURLWithPath: path))
        let reconciler = try fixture.reconciler()
        var queue = InboxQueue(directory: fixture.inbox, logger: Logger(label: "test"))

        try reconciler.repairTimelineAtStart()
        try reconciler.moveCommittedFiles(from: &queue)

        #expect(try fixture.names(in: fixture.inbox) == ["a.txt"])
        #expect(try fixture.names(in: fixture.state + "/archive").isEmpty)
        #expect(queue.isPending(FileName("a.txt")))
        #expect(try fixture.store.unmovedEvents().isEmpty, "the event is done with: the new file gets its own")
    }
}
