import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

/// The read-ahead that lets a backlog be judged in published order.
@Suite struct ReadAheadTests {
    static func read(_ name: FileName, published: String?, analyzer: inout ArticleAnalyzer) -> Intake.Read {
        let field = published.map { #","published":"\#($0)""# } ?? ""
        let bytes = Array(#"{"title":"\#(name)","text":"Words about \#(name) for the test.""#.utf8) + Array(field.utf8) + [UInt8(ascii: "}")]
        let file = ArticleFile(name: name.description, bytes: bytes)
        // Arrival after every date used: a date after arrival would not be believed.
        let arrival = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        return .article(try! PreparedArticle(file, arrival: arrival, analyzer: &analyzer), bytes: bytes.count, version: nil)
    }

    func read(_ name: FileName, published: String?) -> Intake.Read {
        var analyzer = ArticleAnalyzer()
        return Self.read(name, published: published, analyzer: &analyzer)
    }

    @Test func aBacklogComesOutInPublishedOrderThenByName() {
        let dates: [String: String?] = [
            "a.json": "2026-03-02T10:00:00Z", "b.json": "2026-03-01T08:00:00Z", "c.json": nil,
            "d.json": "2026-03-01T08:00:00Z", "e.json": "2026-03-03",
        ]
        var pending = Set(dates.keys.map(FileName.init))
        var readAhead = ReadAhead()
        readAhead.fill(from: &pending, skipping: []) { name, analyzer in
            Self.read(name, published: dates[name.description]!, analyzer: &analyzer)
        }
        #expect(pending.isEmpty)
        #expect(readAhead.count == 5)
        let first = readAhead.takeEarliest(2).map(\.name.description)
        let rest = readAhead.takeEarliest(10).map(\.name.description)
        #expect(first == ["c.json", "b.json"])
        #expect(rest == ["d.json", "a.json", "e.json"])
        #expect(readAhead.isEmpty)
    }

    @Test func aFileReadAgainReplacesItsEarlierRead() {
        var readAhead = ReadAhead()
        var pending: Set<FileName> = [FileName("x.json"), FileName("y.json")]
        readAhead.fill(from: &pending, skipping: []) { name, analyzer in Self.read(name, published: "2026-03-02", analyzer: &analyzer) }
        // x.json is rewritten with an earlier date: its name is waiting again.
        pending = [FileName("x.json")]
        readAhead.fill(from: &pending, skipping: []) { name, analyzer in Self.read(name, published: "2026-03-01", analyzer: &analyzer) }
        #expect(readAhead.count == 2)
        #expect(readAhead.takeEarliest(1).map(\.name.description) == ["x.json"])
    }

    @Test func namesThatCannotBeMovedStayWaitingAndUnread() {
        var readAhead = ReadAhead()
        var pending: Set<FileName> = [FileName("stuck.json"), FileName("fine.json")]
        readAhead.fill(from: &pending, skipping: [FileName("stuck.json")]) { name, analyzer in
            precondition(name.description != "stuck.json", "a name that cannot be moved is not read")
            return Self.read(name, published: nil, analyzer: &analyzer)
        }
        #expect(readAhead.holds(FileName("fine.json")) && !readAhead.holds(FileName("stuck.json")))
        #expect(pending == [FileName("stuck.json")])
    }

    @Test func aBatchStopsOnceItsFilesHoldTheByteBoundButTakesAtLeastOne() {
        var readAhead = ReadAhead()
        var pending = Set(["a.json", "b.json", "c.json", "d.json"].map(FileName.init))
        readAhead.fill(from: &pending, skipping: []) { name, analyzer in Self.read(name, published: nil, analyzer: &analyzer) }
        let size = read(FileName("a.json"), published: nil).bytes
        // Two files reach the bound of 1.5 files' bytes: the batch stops there, under its count of 10.
        #expect(readAhead.takeEarliest(10, bytes: size + size / 2).map(\.name.description) == ["a.json", "b.json"])
        // A bound smaller than one file still takes that file.
        #expect(readAhead.takeEarliest(10, bytes: 1).map(\.name.description) == ["c.json"])
        #expect(readAhead.count == 1)
    }

    @Test func theMostBytesHeldIsTheBacklogsSizeUntilTakenThenWhatIsLeft() {
        var readAhead = ReadAhead()
        var pending = Set(["a.json", "b.json", "c.json"].map(FileName.init))
        readAhead.fill(from: &pending, skipping: []) { name, analyzer in Self.read(name, published: nil, analyzer: &analyzer) }
        let size = read(FileName("a.json"), published: nil).bytes
        _ = readAhead.takeEarliest(2)
        // The three files were held at once, though one is left.
        #expect(readAhead.takeMostBytesHeld() == 3 * size)
        #expect(readAhead.takeMostBytesHeld() == size)
        _ = readAhead.takeEarliest(1)
        #expect(readAhead.takeMostBytesHeld() == size)
        #expect(readAhead.takeMostBytesHeld() == 0)
    }

    /// Large files are read only as many at once as fill the room left, or a round's bytes
    /// (`ParallelReads.roundBytes`, 2 MiB): 1 MiB files go two to a round.
    @Test func aRoundOfLargeFilesEndsAtTheOneThatFillsTheRoomOrTheRound() {
        var readAhead = ReadAhead()
        var pending = Set((0..<20).map { FileName(String(format: "big-%02d.json", $0)) })
        var rounds = 0
        readAhead.fill(from: &pending, skipping: [], size: { _ in 1 << 20 }, progress: { rounds += 1 }) { name, analyzer in
            Self.read(name, published: nil, analyzer: &analyzer)
        }
        // The files read are small, so the read-ahead takes all 20, two to a round.
        #expect(rounds == 10 && readAhead.count == 20)
    }

    /// Both cores read a backlog, a round of names at a time: the read-ahead holds the reads, and gives
    /// the batches, that one read after another gives.
    @Test func readingOnBothCoresHoldsAndGivesWhatOneReadAfterAnotherDoes() throws {
        let names = (0..<300).map { FileName(String(format: "%03d.json", $0)) }
        let dates = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0 % 7 == 0 ? nil : "2026-03-\(10 + $0 % 13)") })
        @Sendable func readOne(_ name: FileName, _ analyzer: inout ArticleAnalyzer) -> Intake.Read {
            Self.read(name, published: dates[name]!, analyzer: &analyzer)
        }
        var sequential: [FileName: Intake.Read] = [:]
        var analyzer = ArticleAnalyzer()
        for name in names { sequential[name] = readOne(name, &analyzer) }

        var parallel = ReadAhead()
        var pending = Set(names)
        var rounds = 0
        parallel.fill(from: &pending, skipping: [], progress: { rounds += 1 }) { name, analyzer in readOne(name, &analyzer) }
        #expect(rounds == 5 && pending.isEmpty)
        var batches: [[String]] = []
        while !parallel.isEmpty {
            let batch = parallel.takeEarliest(37)
            for (name, read) in batch {
                guard case let .article(prepared, _, _) = read, case let .article(expected, _, _) = sequential[name]! else {
                    Issue.record("\(name) was not read as an article")
                    continue
                }
                #expect(prepared.article == expected.article)
                #expect(prepared.submission.title.tokens == expected.submission.title.tokens)
                #expect(prepared.submission.body.tokens == expected.submission.body.tokens)
            }
            batches.append(batch.map(\.name.description))
        }
        let order = names.sorted { PublishedOrder.precedes(sequential[$0]!.published, $0, sequential[$1]!.published, $1) }
        #expect(batches.flatMap { $0 } == order.map(\.description))
    }

    /// The next batch's names are read while this one is judged: the fill that follows takes those
    /// reads instead of reading again, except for a name queued again meanwhile, which it reads anew.
    @Test func readsMadeEarlyAreTakenUnlessTheNameWasQueuedAgain() {
        let counter = ReadCounter()
        @Sendable func readOne(_ name: FileName, _ analyzer: inout ArticleAnalyzer) -> Intake.Read {
            counter.count(name)
            return Self.read(name, published: counter.reads(of: name) == 1 ? "2026-03-05" : "2026-03-01", analyzer: &analyzer)
        }
        var readAhead = ReadAhead()
        var pending: Set<FileName> = [FileName("a.json")]
        readAhead.fill(from: &pending, skipping: [], read: readOne)
        _ = readAhead.takeEarliest(1)
        pending = [FileName("b.json"), FileName("c.json"), FileName("d.json")]
        readAhead.startReadingNext(from: pending, skipping: [FileName("d.json")], size: { _ in 100 }, read: readOne)
        readAhead.finishReadingEarly()
        #expect(counter.reads(of: FileName("b.json")) == 1 && counter.reads(of: FileName("c.json")) == 1)
        #expect(counter.reads(of: FileName("d.json")) == 0)
        // c.json was written again after its early read.
        readAhead.forgetEarlyRead(of: FileName("c.json"))
        readAhead.fill(from: &pending, skipping: [FileName("d.json")], read: readOne)
        #expect(counter.reads(of: FileName("b.json")) == 1 && counter.reads(of: FileName("c.json")) == 2)
        // The new read of c.json (dated earlier) is the one held.
        #expect(readAhead.takeEarliest(2).map(\.name.description) == ["c.json", "b.json"])
        #expect(pending == [FileName("d.json")])
    }

    @Test func aNameQueuedAgainWhileItIsReadEarlyIsNotWaitedForAndIsReadAgain() {
        let counter = ReadCounter()
        let release = DispatchSemaphore(value: 0)
        let waitedTooLong = ReadCounter()
        @Sendable func readOne(_ name: FileName, _ analyzer: inout ArticleAnalyzer) -> Intake.Read {
            counter.count(name)
            let first = counter.reads(of: name) == 1
            // The first read of b.json lasts until the test has queued the name again.
            if name == FileName("b.json"), first, release.wait(timeout: .now() + 10) == .timedOut {
                waitedTooLong.count(name)
            }
            let published = name == FileName("c.json") ? "2026-03-03" : first ? "2026-03-05" : "2026-03-01"
            return Self.read(name, published: published, analyzer: &analyzer)
        }
        var readAhead = ReadAhead()
        var pending: Set<FileName> = [FileName("b.json"), FileName("c.json")]
        readAhead.startReadingNext(from: pending, skipping: [], size: { _ in 100 }, read: readOne)
        readAhead.forgetEarlyRead(of: FileName("b.json"))  // returns at once: the read is still under way
        release.signal()
        readAhead.fill(from: &pending, skipping: [], read: readOne)
        #expect(waitedTooLong.reads(of: FileName("b.json")) == 0)
        #expect(counter.reads(of: FileName("b.json")) == 2 && counter.reads(of: FileName("c.json")) == 1)
        // The new read of b.json (dated earlier) is the one held.
        #expect(readAhead.takeEarliest(2).map(\.name.description) == ["b.json", "c.json"])
    }
}

/// Counts the reads of each name, from any thread.
final class ReadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [FileName: Int] = [:]

    func count(_ name: FileName) { lock.withLock { counts[name, default: 0] += 1 } }
    func reads(of name: FileName) -> Int { lock.withLock { counts[name] ?? 0 } }
}

/// The names files get in archive/ and rejected/.
@Suite struct ArchiveNameTests {
    @Test func theSeqComesFirstAndTheNameAfter() {
        #expect(FileName("latest.json").archived(seq: 42).description == "0000000042-latest.json")
        #expect(FileName("latest.json").archived(seq: 42, attempt: 2).description == "0000000042.2-latest.json")
        #expect(FileName("x").archived(seq: 12_345_678_901).description == "12345678901-x")
    }

    @Test func aLongNameIsCutToFitKeepingItsExtensionAndWholeCharacters() {
        let long = FileName(String(repeating: "é", count: 130) + ".json")  // 265 bytes
        let archived = long.archived(seq: 7)
        #expect(archived.bytes.count <= 255)
        #expect(archived.description.hasSuffix(".json"))
        #expect(!archived.description.contains("\u{FFFD}"))
        #expect(archived.judgedLine?.seq == 7)
    }

    @Test func anArchiveEntryNamesItsLineAndItsInboxName() {
        #expect(FileName("0000000042.1-latest.json").judgedLine.map { [String($0.seq), $0.name.description] } == ["42", "latest.json"])
        #expect(FileName("latest.json").judgedLine == nil)
        #expect(FileName("0000000042").judgedLine == nil)
    }

}
