import Foundation
import Logging
import Testing
import StorylineCore
@testable import StorylineDaemon

@Suite struct InboxQueueTests {
    private let arrival = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    private func article(_ title: String, published: String? = nil) -> String {
        (published.map { "Published: \($0)\n" } ?? "") + "Title: \(title)\n\n\(title) words for a body of text here."
    }

    private func takeAll(_ queue: inout InboxQueue, in directory: String) -> [String] {
        let arrival = arrival
        return queue.takeBatch(100) { name, analyzer in
            Intake.read(name, in: directory, sizeLimit: 1 << 20, arrival: arrival, analyzer: &analyzer)
        }.map(\.name.description)
    }

    @Test func theScanQueuesCompleteFilesAndSkipsWritesInProgress() throws {
        let inbox = try TemporaryDirectory()
        try inbox.write("a.txt", article("A"))
        try inbox.write(".b.txt.tmp", article("B"))
        try inbox.write("c.txt", article("C"))
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))

        queue.scan()

        #expect(queue.backlog == 2)
        #expect(Set(takeAll(&queue, in: inbox.path)) == ["a.txt", "c.txt"])
        #expect(queue.isEmpty)
    }

    @Test func theWatchQueuesAFileOnceItIsComplete() throws {
        let inbox = try TemporaryDirectory()
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()
        #expect(queue.isEmpty)

        try inbox.write(".a.txt.tmp", article("A"))
        let none = queue.takeArrivals()
        #expect(none == nil)
        #expect(queue.isEmpty, "a name in progress is not queued")
        try FileManager.default.moveItem(atPath: inbox.path + "/.a.txt.tmp", toPath: inbox.path + "/a.txt")
        let stillNone = queue.takeArrivals()
        #expect(stillNone == nil)

        #expect(queue.isPending(FileName("a.txt")))
        #expect(queue.backlog == 1)
    }

    @Test func aPlainWriteWaitsUntilQuietSoAHeaderThenItsBodyIsOneArticle() throws {
        let inbox = try TemporaryDirectory()
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()
        let start = ContinuousClock.now
        let settle = Duration.seconds(1)

        try inbox.write("a.txt", "Title: A header first\n\n")
        _ = queue.takeArrivals(settle: settle, now: start)
        #expect(queue.isEmpty && queue.backlog == 1, "closed once: settling, counted, not yet to be read")
        #expect(queue.nextSettled == start + settle)

        // The body appended 0.6 s later: the wait starts again from this close.
        let handle = try #require(FileHandle(forWritingAtPath: inbox.path + "/a.txt"))
        handle.seekToEndOfFile()
        handle.write(Data("A header first, then its body appended by a second write.".utf8))
        try handle.close()
        _ = queue.takeArrivals(settle: settle, now: start + .milliseconds(600))
        queue.releaseSettled(now: start + .milliseconds(1100))
        #expect(queue.isEmpty, "1.1 s after the first close is 0.5 s after the last")
        queue.releaseSettled(now: start + .milliseconds(1600))
        #expect(queue.isPending(FileName("a.txt")))
        #expect(queue.nextSettled == nil)
    }

    @Test func aRenamedFileIsReadAtOnceAndSettleZeroReadsAtTheClose() throws {
        let inbox = try TemporaryDirectory()
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()

        try inbox.write(".a.txt.tmp", article("A"))
        try FileManager.default.moveItem(atPath: inbox.path + "/.a.txt.tmp", toPath: inbox.path + "/a.txt")
        _ = queue.takeArrivals(settle: .seconds(1))
        #expect(queue.isPending(FileName("a.txt")), "a rename is complete: no settling")

        try inbox.write("b.txt", article("B"))
        _ = queue.takeArrivals(settle: .zero)
        #expect(queue.isPending(FileName("b.txt")))
    }

    /// A producer that writes a name plainly, then renames it (or deletes it) before it settles, leaves
    /// nothing to read under the first name: it is not read, and gets no "vanished" line.
    @Test func aNameRenamedOrDeletedWhileItSettlesIsNotRead() throws {
        let inbox = try TemporaryDirectory()
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()
        let start = ContinuousClock.now
        try inbox.write("draft.txt", article("A"))
        try inbox.write("scrap.txt", article("B"))
        _ = queue.takeArrivals(settle: .seconds(1), now: start)
        try FileManager.default.moveItem(atPath: inbox.path + "/draft.txt", toPath: inbox.path + "/final.txt")
        try FileManager.default.removeItem(atPath: inbox.path + "/scrap.txt")
        _ = queue.takeArrivals(settle: .seconds(1), now: start + .milliseconds(100))
        queue.releaseSettled(now: start + .seconds(2))
        #expect(queue.isPending(FileName("final.txt")))
        #expect(!queue.isPending(FileName("draft.txt")) && !queue.isPending(FileName("scrap.txt")))
        #expect(queue.nextSettled == nil)
    }

    @Test func aBatchIsTheEarliestByPublishedThenName() throws {
        let inbox = try TemporaryDirectory()
        try inbox.write("z.txt", article("Z", published: "2026-11-01T10:00:00Z"))
        try inbox.write("y.txt", article("Y", published: "2026-11-03T10:00:00Z"))
        try inbox.write("x.txt", article("X", published: "2026-11-02T10:00:00Z"))
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        queue.scan()

        #expect(takeAll(&queue, in: inbox.path) == ["z.txt", "x.txt", "y.txt"])
    }

    @Test func anUnmovableFileIsNotReadAgainUntilItMoves() throws {
        let inbox = try TemporaryDirectory()
        try inbox.write("a.txt", article("A"))
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        queue.setUnmovable(FileName("a.txt"), true)
        queue.scan()

        #expect(takeAll(&queue, in: inbox.path).isEmpty)
        queue.setUnmovable(FileName("a.txt"), false)
        #expect(takeAll(&queue, in: inbox.path) == ["a.txt"])
    }

    /// As the daemon's user meets a producer's file of mode 0600: the read is refused (the tests run as
    /// root, whom no mode keeps out, so `denying` stands in for the kernel's EACCES).
    private func takeAll(_ queue: inout InboxQueue, in directory: String, denying denied: Set<String>) -> [String] {
        let arrival = arrival
        return queue.takeBatch(100) { name, analyzer in
            denied.contains(name.description) ? .denied("it cannot be opened: open(\(name)): Permission denied (errno 13)")
                : Intake.read(name, in: directory, sizeLimit: 1 << 20, arrival: arrival, analyzer: &analyzer)
        }.map(\.name.description)
    }

    @Test func aFileThatCannotBeReadStaysOutOfBatchesUntilItsModeChanges() throws {
        let inbox = try TemporaryDirectory()
        try inbox.write("a.txt", article("A"))
        try inbox.write("b.txt", article("B"))
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()

        #expect(takeAll(&queue, in: inbox.path, denying: ["a.txt"]) == ["b.txt"])
        #expect(queue.unreadable == 1)
        #expect(queue.backlog == 0, "an unreadable file is not waiting to be judged")
        #expect(queue.isEmpty)

        // Still refused when tried again: still left, and no new batch holds it.
        queue.requeue([FileName("a.txt")])
        #expect(takeAll(&queue, in: inbox.path, denying: ["a.txt"]).isEmpty)
        #expect(queue.unreadable == 1)

        // The producer's chmod is an IN_ATTRIB event: the file is read again, and judged.
        #expect(chmod(inbox.path + "/a.txt", 0o640) == 0)
        _ = queue.takeArrivals()
        #expect(queue.isPending(FileName("a.txt")))
        #expect(takeAll(&queue, in: inbox.path, denying: []) == ["a.txt"])
        #expect(queue.unreadable == 0)
    }

    @Test func aChangeOfModeOfAReadableFileQueuesNothing() throws {
        let inbox = try TemporaryDirectory()
        var queue = InboxQueue(directory: inbox.path, logger: Logger(label: "test"))
        try queue.watch()
        try inbox.write(".a.txt.tmp", article("A"))
        _ = queue.takeArrivals()
        #expect(chmod(inbox.path + "/.a.txt.tmp", 0o600) == 0)
        _ = queue.takeArrivals()
        #expect(queue.isEmpty, "only a file left unread is read again on a change of its attributes")
    }

    @Test func aDeletedInboxIsReportedAndWatchedAgainOnceBack() throws {
        let root = try TemporaryDirectory()
        let inbox = root.path + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: false)
        var queue = InboxQueue(directory: inbox, logger: Logger(label: "test"))
        try queue.watch()

        try FileManager.default.removeItem(atPath: inbox)
        let trouble = queue.takeArrivals()
        #expect(trouble == .inboxGone)
        #expect(!queue.isWatched)
        let rearmedTooSoon = queue.rearm()
        #expect(!rearmedTooSoon, "nothing to watch yet")

        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: false)
        try Data(article("A").utf8).write(to: URL(fileURLWithPath: inbox + "/a.txt"))
        let rearmed = queue.rearm()
        #expect(rearmed)
        #expect(queue.isPending(FileName("a.txt")), "what the inbox holds when it is back is queued")
    }
}
