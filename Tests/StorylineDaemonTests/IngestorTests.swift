import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

@Suite struct IngestorTests {
    let clock: @Sendable () -> Timestamp = { Timestamp(millisecondsSinceEpoch: 1_700_000_000_000) }

    func ingest(_ paths: [String], order: Ingestor.Order, in directory: TemporaryDirectory) throws -> [[String: Any]] {
        var ingestor = try Ingestor(configuration: EngineConfiguration(), clock: clock)
        let output = directory.path + "/timeline.jsonl"
        _ = try ingestor.run(paths: paths, order: order, timeline: TimelineWriter(creating: output))
        let text = try String(contentsOfFile: output, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func everyFileGetsOneLineInOrder() throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write("good.txt", "Title: Floods\n\nRivers burst their banks across the valley overnight.")
        let bad = try directory.write("bad.json", "{not json")
        let lines = try ingest([good, bad], order: .given, in: directory)
        #expect(lines.map { $0["seq"] as? Int } == [1, 2])
        #expect(lines.map { $0["event"] as? String } == ["story_started", "rejected"])
        #expect(lines[1]["code"] as? String == "malformed_json")
        #expect(lines[0]["time"] as? String == "2023-11-14T22:13:20.000Z")
        let article = lines[0]["article"] as? [String: Any]
        #expect(article?["title"] as? String == "Floods")
        #expect(article?["file"] as? String == "good.txt")
    }

    @Test func publishedOrderPutsUnknownFirstAndBreaksTiesByName() throws {
        let directory = try TemporaryDirectory()
        let late = try directory.write("b.json", #"{"text":"Late news about a harbour fire.","published":"2020-01-02"}"#)
        let early = try directory.write("c.json", #"{"text":"Early news about a mountain rescue.","published":"2020-01-01T23:00:00Z"}"#)
        let tie = try directory.write("a.json", #"{"text":"Tied news about a city election.","published":"2020-01-02T00:00:00Z"}"#)
        let unknown = try directory.write("z.txt", "Undated news about a school opening.")
        let lines = try ingest([late, early, tie, unknown], order: .published, in: directory)
        let files = lines.map { ($0["article"] as? [String: Any])?["file"] as? String }
        #expect(files == ["z.txt", "c.json", "a.json", "b.json"])
    }
}
