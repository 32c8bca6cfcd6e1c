/// Web and news furniture: lines that are part of the page, not of the story.
///
/// Two sources: a built-in list of the lines news sites put between paragraphs ("Story continues below
/// advertisement", "Click to play video: …", share and subscribe prompts), and lines learned while the
/// stream runs, because they recur in articles of many different stories. Both are matched on folded
/// words, so case, punctuation and quotes do not matter.
public struct Boilerplate: Sendable {
    /// A built-in furniture line: the words it starts (or ends) with, and the most words it has.
    struct Pattern: Sendable {
        var words: [UInt64]
        var atEnd: Bool
        var maximumWords: Int

        init(_ words: String, maximumWords: Int, atEnd: Bool = false) {
            self.words = words.split(separator: " ").map { Hashing.word($0) }
            self.atEnd = atEnd
            self.maximumWords = maximumWords
        }

        func matches(_ line: ArraySlice<Token>) -> Bool {
            guard line.count >= words.count && line.count <= maximumWords else { return false }
            let part = atEnd ? line.suffix(words.count) : line.prefix(words.count)
            return zip(words, part).allSatisfy { $0 == $1.hash }
        }
    }

    static let builtIn: [Pattern] = [
        Pattern("open this photo in gallery", maximumWords: 8),
        Pattern("story continues below advertisement", maximumWords: 5),
        Pattern("article continues below advertisement", maximumWords: 5),
        Pattern("continue reading below", maximumWords: 5),
        Pattern("click to play video", maximumWords: 40),
        Pattern("advertisement", maximumWords: 1),
        Pattern("skip advertisement", maximumWords: 2),
        Pattern("share this article", maximumWords: 8),
        Pattern("share this story", maximumWords: 8),
        Pattern("share on facebook", maximumWords: 8),
        Pattern("share on twitter", maximumWords: 8),
        Pattern("share on x", maximumWords: 6),
        Pattern("share via email", maximumWords: 6),
        Pattern("share", maximumWords: 1),
        Pattern("subscribe to", maximumWords: 25),
        Pattern("subscribe now", maximumWords: 25),
        Pattern("sign up for", maximumWords: 25),
        Pattern("sign up to", maximumWords: 25),
        Pattern("follow us on", maximumWords: 10),
        Pattern("read more", maximumWords: 15),
        Pattern("read the full", maximumWords: 15),
        Pattern("this is an excerpt", maximumWords: 20),
        Pattern("related", maximumWords: 15),
        Pattern("reporting by", maximumWords: 20),
        Pattern("additional reporting by", maximumWords: 20),
        Pattern("editing by", maximumWords: 12),
        Pattern("contributed to this report", maximumWords: 15, atEnd: true),
        Pattern("this story has been updated", maximumWords: 12),
        Pattern("this is a developing story", maximumWords: 15),
        Pattern("editor s note", maximumWords: 45),
        Pattern("have a news tip", maximumWords: 15),
        Pattern("got a news tip", maximumWords: 15),
        Pattern("for the latest news", maximumWords: 15, atEnd: true),
        Pattern("continue reading", maximumWords: 10),
        Pattern("file photo", maximumWords: 40),
        Pattern("photo", maximumWords: 25),
        Pattern("by", maximumWords: 6),
        Pattern("published", maximumWords: 10),
        Pattern("updated", maximumWords: 10),
        Pattern("copyright", maximumWords: 20),
        Pattern("all rights reserved", maximumWords: 15, atEnd: true),
    ]

    static let longestPattern = builtIn.map(\.maximumWords).max() ?? 0

    /// Lines longer than this are paragraphs, never furniture.
    static let maximumLineWords = 40

    private struct LineRecord: Sendable {
        var stories: Int
        var lastStory: Int
    }

    /// A learned line becomes furniture once it has been seen in this many different stories.
    public let learnAfterStories: Int
    /// How many distinct lines are remembered while learning.
    public let capacity: Int
    private var lines: [UInt64: LineRecord] = [:]

    public init(learnAfterStories: Int = 4, capacity: Int = 200_000) {
        self.learnAfterStories = learnAfterStories
        self.capacity = capacity
    }

    /// The hash of a line of words; lines too long to be furniture have none.
    static func lineHash(of text: TokenizedText, line: Int) -> UInt64? {
        lineHash(of: text, range: text.tokenRange(ofLine: line))
    }

    /// The hash of the line of words at `range`, nil when it is too long to be furniture.
    static func lineHash(of text: TokenizedText, range: Range<Int>) -> UInt64? {
        guard range.count <= maximumLineWords else { return nil }
        var hash = UInt64(range.count)
        for index in range { hash = Hashing.combine(hash, text.tokens[index].hash) }
        return Hashing.mix(hash)
    }

    /// Whether a line of words is on the built-in furniture list.
    public static func isBuiltInFurniture(_ line: ArraySlice<Token>) -> Bool {
        guard line.count <= longestPattern else { return false }
        return builtIn.contains { $0.matches(line) }
    }

    /// Whether line `line` of `text` is furniture, built in or learned.
    public func isFurniture(_ text: TokenizedText, line: Int) -> Bool {
        if Self.isBuiltInFurniture(text.tokens[text.tokenRange(ofLine: line)]) { return true }
        guard let hash = Self.lineHash(of: text, line: line), let record = lines[hash] else { return false }
        return record.stories >= learnAfterStories
    }

    /// The token ranges of the lines of `text` that are not furniture.
    public func contentRanges(of text: TokenizedText) -> [Range<Int>] {
        text.lineStarts.indices.compactMap { line in
            isFurniture(text, line: line) ? nil : text.tokenRange(ofLine: line)
        }
    }

    /// Whether one of the lines of `text` at `ranges` is furniture the stream has taught.
    func holdsLearnedFurniture(_ text: TokenizedText, among ranges: [Range<Int>]) -> Bool {
        guard !lines.isEmpty else { return false }
        return ranges.contains { range in
            guard let hash = Self.lineHash(of: text, range: range), let record = lines[hash] else { return false }
            return record.stories >= learnAfterStories
        }
    }

    /// Learns from the short lines of an article that was filed under `story`.
    ///
    /// Call it for original articles only: a duplicate repeats its original's lines by nature.
    public mutating func observe(_ text: TokenizedText, story: Int) {
        if lines.count >= capacity {
            lines = lines.filter { $0.value.stories > 1 }
        }
        for line in text.lineStarts.indices {
            guard let hash = Self.lineHash(of: text, line: line) else { continue }
            if var record = lines[hash] {
                if record.lastStory != story {
                    record.stories += 1
                    record.lastStory = story
                    lines[hash] = record
                }
            } else if lines.count < capacity {
                lines[hash] = LineRecord(stories: 1, lastStory: story)
            }
        }
    }

    /// The number of lines learned as furniture so far.
    public var learnedCount: Int { lines.values.reduce(0) { $0 + ($1.stories >= learnAfterStories ? 1 : 0) } }
}

extension Boilerplate {
    func write(to writer: inout SnapshotWriter) throws {
        let hashes = lines.keys.sorted()
        try writer.put(hashes)
        try writer.put(hashes.map { lines[$0]!.stories })
        try writer.put(hashes.map { lines[$0]!.lastStory })
    }

    init(learnAfterStories: Int, from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init(learnAfterStories: learnAfterStories)
        let hashes: [UInt64] = try reader.get(), stories: [Int] = try reader.get(), lastStories: [Int] = try reader.get()
        try reader.require(hashes.count == stories.count && hashes.count == lastStories.count, "furniture lines")
        lines.reserveCapacity(hashes.count)
        for index in hashes.indices { lines[hashes[index]] = LineRecord(stories: stories[index], lastStory: lastStories[index]) }
    }
}
