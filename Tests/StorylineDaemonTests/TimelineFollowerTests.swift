import Foundation
import Testing
@testable import StorylineDaemon

@Suite struct TimelineFollowerTests {
    // MARK: The seq of a line

    @Test func seqIsReadFromTheFirstKey() {
        #expect(TimelineLine.seq(of: bytes(#"{"seq":42,"time":"2026-01-01T00:00:00.000Z","event":"rejected"}"#)) == 42)
        #expect(TimelineLine.seq(of: bytes(#"{"seq":1}"#)) == 1)
    }

    @Test func seqIsFoundElsewhereAtTheTopLevelOnly() {
        #expect(TimelineLine.seq(of: bytes(#"{"event":"duplicate", "seq" : 7}"#)) == 7)
        #expect(TimelineLine.seq(of: bytes(#"{"article":{"seq":3},"title":"{\"seq\":5}","seq":9}"#)) == 9)
        #expect(TimelineLine.seq(of: bytes(#"{"article":{"seq":3}}"#)) == nil)
    }

    @Test func aLineWithoutAReadableSeqHasNone() {
        #expect(TimelineLine.seq(of: bytes("")) == nil)
        #expect(TimelineLine.seq(of: bytes("not json")) == nil)
        #expect(TimelineLine.seq(of: bytes(#"{"seq":"#)) == nil)
        #expect(TimelineLine.seq(of: bytes(#"{"seq":-3}"#)) == nil)
        #expect(TimelineLine.seq(of: bytes(#"{"seq":99999999999999999999999}"#)) == nil)
    }

    // MARK: Filters

    @Test func filtersMatchTopLevelStoryAndEvent() {
        let duplicate = bytes(#"{"seq":3,"event":"duplicate","story":"s1","article":{"id":"a3","title":"\"story\":\"s2\""}}"#)
        let rejected = bytes(#"{"seq":4,"event":"rejected","file":"x.bin","code":"binary","reason":"..."}"#)
        #expect(TimelineLineFilter().matches(duplicate))
        #expect(TimelineLineFilter(stories: ["s1"]).matches(duplicate))
        #expect(!TimelineLineFilter(stories: ["s2"]).matches(duplicate))
        #expect(!TimelineLineFilter(stories: ["s1"]).matches(rejected))
        #expect(TimelineLineFilter(events: ["rejected", "duplicate"]).matches(rejected))
        #expect(TimelineLineFilter(stories: ["s1"], events: ["duplicate"]).matches(duplicate))
        #expect(!TimelineLineFilter(stories: ["s1"], events: ["story_started"]).matches(duplicate))
    }

    @Test func filtersCompareUnescapedStrings() {
        let line = bytes(#"{"seq":1,"event":"story_started","story":"caf\u00e9 \ud83d\ude00"}"#)
        #expect(TimelineLineFilter(stories: ["café 😀"]).matches(line))
    }

    // MARK: Rotated file names

    @Test func copiesAreOrderedOldestFirst() {
        let names = ["timeline.jsonl", "timeline.jsonl.1", "timeline.jsonl.10.gz", "timeline.jsonl.2.gz",
                     "timeline.jsonl.9.gz", "other.jsonl.3", "state"]
        #expect(RotatedTimelineFiles.copies(of: "timeline.jsonl", among: names).map(\.name) == [
            "timeline.jsonl.10.gz", "timeline.jsonl.9.gz", "timeline.jsonl.2.gz", "timeline.jsonl.1",
        ])
    }

    @Test func namesThatAreNotNumberedCopiesAreIgnored() {
        let names = ["timeline.jsonl.", "timeline.jsonl.gz", "timeline.jsonl.1.bz2", "timeline.jsonl.01",
                     "timeline.jsonl-20260101", "timeline.jsonl.1.tmp", "timeline.jsonl.x", "timeline.jsonlx.1"]
        #expect(RotatedTimelineFiles.copies(of: "timeline.jsonl", among: names).isEmpty)
    }

    @Test func aCopyBeingCompressedIsReadPlain() {
        for names in [["t.2", "t.2.gz"], ["t.2.gz", "t.2"]] {
            let copies = RotatedTimelineFiles.copies(of: "t", among: names)
            #expect(copies == [RotatedTimelineFile(name: "t.2", number: 2, isCompressed: false)])
        }
    }

    // MARK: Which files to read

    /// Files oldest first: 1...10, 11...20, 21...30, then the live file 31...35.
    let fourFiles = [TimelineFileSeqs(first: 1, last: 10), TimelineFileSeqs(first: 11, last: nil),
                     TimelineFileSeqs(first: 21, last: 30), TimelineFileSeqs(first: 31, last: 35)]

    @Test func readingStartsAtTheFileThatHoldsTheSeq() {
        #expect(firstToRead(1, fourFiles) == 0)
        #expect(firstToRead(10, fourFiles) == 0)
        #expect(firstToRead(11, fourFiles) == 1)
        #expect(firstToRead(25, fourFiles) == 2)
        #expect(firstToRead(31, fourFiles) == 3)
        #expect(firstToRead(99, fourFiles) == 3)
    }

    @Test func onlyTheNewestFilesAreLookedAt() {
        var asked: [Int] = []
        _ = RotatedTimelineFiles.firstToRead(fromSeq: 25, count: fourFiles.count) { index in
            asked.append(index)
            return fourFiles[index]
        }
        #expect(asked == [3, 2])
    }

    @Test func aFileThatEndsBeforeTheSeqIsSkippedOnceANewerOneHasLines() {
        // The seq falls in the gap between files: the older file is over and need not be read.
        let files = [TimelineFileSeqs(first: 1, last: 10), TimelineFileSeqs(first: 14, last: 20)]
        #expect(firstToRead(12, files) == 1)
        // The newest file is empty: the writer may still be appending to the older one.
        let waiting = [TimelineFileSeqs(first: 1, last: 10), TimelineFileSeqs(first: nil, last: nil)]
        #expect(firstToRead(12, waiting) == 0)
    }

    @Test func everythingIsReadWhenNoFileStartsAtOrBeforeTheSeq() {
        #expect(firstToRead(5, [TimelineFileSeqs(first: 8, last: 9)]) == 0)
        #expect(firstToRead(5, []) == 0)
    }

    func firstToRead(_ fromSeq: Int, _ files: [TimelineFileSeqs]) -> Int {
        RotatedTimelineFiles.firstToRead(fromSeq: fromSeq, count: files.count) { files[$0] }
    }

    // MARK: Partial lines

    @Test func aLineIsHandedOutOnlyOnceItsNewlineArrives() {
        var buffer = LineBuffer()
        var lines: [String] = []
        let collect: (ArraySlice<UInt8>) -> Void = { lines.append(String(decoding: $0, as: UTF8.self)) }
        buffer.append(bytes(#"{"seq":1"#), line: collect)
        #expect(lines.isEmpty)
        #expect(buffer.partial == Array(#"{"seq":1"#.utf8))
        buffer.append(bytes("}\n{\"seq\":2}\n{\"se"), line: collect)
        #expect(lines == ["{\"seq\":1}\n", "{\"seq\":2}\n"])
        buffer.append(bytes("q\":3}"), line: collect)
        #expect(lines.count == 2)
        buffer.append(bytes("\n"), line: collect)
        #expect(lines.last == "{\"seq\":3}\n")
        #expect(buffer.partial.isEmpty)
        #expect(buffer.completedByteCount == lines.joined().utf8.count)
    }

    @Test func splittingAtEveryByteGivesTheSameLines() {
        let text = "{\"seq\":1}\n\n{\"seq\":2,\"title\":\"é\"}\n{\"seq\":3}"
        var buffer = LineBuffer()
        var lines: [[UInt8]] = []
        for byte in text.utf8 { buffer.append([byte]) { lines.append(Array($0)) } }
        #expect(lines == ["{\"seq\":1}\n", "\n", "{\"seq\":2,\"title\":\"é\"}\n"].map { Array($0.utf8) })
        #expect(buffer.partial == Array("{\"seq\":3}".utf8))
    }

    // MARK: Following real files

    @Test func followsAcrossARenameAndReadsTheOldFileToItsEnd() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/timeline.jsonl"
        let writer = try FileHandleWriter(path)
        try writer.append(line(1))
        let (follower, output) = makeFollower(path)
        try follower.start()
        #expect(output.seqs == [1])

        try writer.append(String(line(2).dropLast(4)))  // half a line is never printed
        try follower.poll()
        #expect(output.seqs == [1])
        try writer.append(String(line(2).suffix(4)))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try writer.append(line(3))  // the writer has not reopened yet
        let fresh = try FileHandleWriter(path)
        try follower.poll()
        #expect(output.seqs == [1, 2, 3])

        try writer.append(line(4))
        try fresh.append(line(5))
        try follower.poll()
        #expect(output.seqs == [1, 2, 3, 4, 5])
        #expect(output.text == (1...5).map(line).joined())
    }

    @Test func aCopyNeverSeenAsTheLiveFileIsReadToo() throws {
        // Two rotations between two looks: the middle file was live only while the reader was not looking.
        let directory = try TemporaryDirectory()
        let path = directory.path + "/timeline.jsonl"
        let first = try FileHandleWriter(path)
        try first.append(line(1))
        let (follower, output) = makeFollower(path)
        try follower.start()
        try first.append(line(2))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        let second = try FileHandleWriter(path)
        try second.append(line(3) + line(4))
        try FileManager.default.moveItem(atPath: path + ".1", toPath: path + ".2")
        try gzip(path + ".2")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        let third = try FileHandleWriter(path)
        try third.append(line(5))
        try follower.poll()
        #expect(output.seqs == [1, 2, 3, 4, 5])
    }

    @Test func startsFromASeqInACompressedCopy() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/timeline.jsonl"
        try directory.write("timeline.jsonl.3", (1...3).map(line).joined())
        try directory.write("timeline.jsonl.2", (4...6).map(line).joined())
        try directory.write("timeline.jsonl.1", (7...8).map(line).joined())
        try directory.write("timeline.jsonl", (9...9).map(line).joined())
        try gzip(path + ".3")
        try gzip(path + ".2")
        let (follower, output) = makeFollower(path, fromSeq: 5)
        try follower.start()
        #expect(output.seqs == [5, 6, 7, 8, 9])
    }

    @Test func aTruncatedFileIsReadAgainWithoutRepeats() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("timeline.jsonl", line(1) + line(2))
        let (follower, output) = makeFollower(path)
        try follower.start()
        try directory.write("timeline.jsonl", line(3))  // copytruncate, and one new line
        try follower.poll()
        #expect(output.seqs == [1, 2, 3])
    }

    @Test func filtersAndTheStartingSeqCombine() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("timeline.jsonl", (1...6).map(line).joined())
        let (follower, output) = makeFollower(path, fromSeq: 2, filter: TimelineLineFilter(events: ["duplicate"]))
        try follower.start()
        #expect(output.seqs == [2, 4, 6])
    }

    @Test func aMissingTimelineSaysWhatToDo() throws {
        let directory = try TemporaryDirectory()
        let (follower, _) = makeFollower(directory.path + "/timeline.jsonl")
        #expect {
            try follower.start()
        } throws: { error in
            "\(error)".contains("--timeline") && "\(error)".contains("no timeline at")
        }
    }

    // MARK: Helpers

    func bytes(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }

    /// A timeline line: odd seqs start stories, even ones are duplicates.
    func line(_ seq: Int) -> String {
        #"{"seq":\#(seq),"event":"\#(seq % 2 == 0 ? "duplicate" : "story_started")","story":"s\#(seq)"}"# + "\n"
    }

    final class Output {
        var bytes: [UInt8] = []
        var text: String { String(decoding: bytes, as: UTF8.self) }
        var seqs: [Int] {
            bytes.split(separator: UInt8(ascii: "\n")).compactMap { TimelineLine.seq(of: $0[...]) }
        }
    }

    func makeFollower(
        _ path: String, fromSeq: Int = 1, filter: TimelineLineFilter = TimelineLineFilter()
    ) -> (TimelineFollower, Output) {
        let output = Output()
        let options = TimelineFollower.Options(timeline: path, fromSeq: fromSeq, follow: true, filter: filter)
        let follower = TimelineFollower(options: options, write: { output.bytes += $0 }, notice: { _ in })
        return (follower, output)
    }

    /// Appends through one descriptor, as the daemon does, whatever the file is renamed to.
    final class FileHandleWriter {
        let handle: FileHandle

        init(_ path: String) throws {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        }

        func append(_ text: String) throws { try handle.write(contentsOf: Data(text.utf8)) }
    }

    func gzip(_ path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip \"$1\"", "sh", path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
