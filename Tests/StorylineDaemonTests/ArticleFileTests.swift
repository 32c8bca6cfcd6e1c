import Foundation
import Testing
import StorylineCore
@testable import StorylineDaemon

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "storyline-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try Data(contents.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite struct ArticleFileTests {
    func code(_ path: String, sizeLimit: Int = ArticleFile.defaultSizeLimit) -> ArticleRejection.Code? {
        do {
            _ = try ArticleFile.read(path: path, sizeLimit: sizeLimit)
            return nil
        } catch {
            #expect(!error.reason.isEmpty)
            return error.code
        }
    }

    @Test func readsARegularFileWithItsSHA256() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("a.txt", "abc")
        let file = try ArticleFile.read(path: path)
        #expect(file.name == "a.txt")
        #expect(file.bytes == Array("abc".utf8))
        #expect(file.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func refusesWhatIsNotARegularFile() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.write("target.txt", "text")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.txt", withDestinationPath: target)
        try FileManager.default.createDirectory(atPath: directory.path + "/folder", withIntermediateDirectories: false)
        #expect(mkfifo(directory.path + "/pipe", 0o644) == 0)
        #expect(code(directory.path + "/link.txt") == .notRegularFile)
        #expect(code(directory.path + "/folder") == .notRegularFile)
        #expect(code(directory.path + "/pipe") == .notRegularFile)
        #expect(code(directory.path + "/missing.txt") == .unreadable)
    }

    @Test func refusesFilesOverTheLimitBeforeReadingThem() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/sparse.txt"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 50 * 1024 * 1024 * 1024) == 0)
        #expect(code(path) == .tooLarge)
        let small = try directory.write("small.txt", String(repeating: "x", count: 2000))
        #expect(code(small, sizeLimit: 1000) == .tooLarge)
    }
}

@Suite struct TimelineWriterTests {
    @Test func neverOverwritesAnExistingTimeline() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("timeline.jsonl", "keep me\n")
        #expect(throws: SystemCallError.self) { try TimelineWriter(creating: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
    }
}
