import Testing
@testable import StorylineCore

@Suite struct SnapshotTests {
    /// A stream of articles over several days: made-up reports, some republished with an edit or cut
    /// short, so that every index holds something and old coverage leaves the horizon.
    static func stream(count: Int, seed: UInt64, tokenizer: inout Tokenizer) -> [Submission] {
        var random = SplitMix64(state: seed)
        let words = (0..<400).map { "w\($0)x" }
        var originals: [String] = []
        var result: [Submission] = []
        for index in 0..<count {
            let time = Timestamp(millisecondsSinceEpoch: Int64(index) * 3_600_000 * 3)
            var body: String
            if !originals.isEmpty && random.next() % 4 == 0 {
                let original = originals[Int(random.next() % UInt64(originals.count))]
                body = random.next() % 2 == 0 ? String(original.prefix(original.count * 3 / 4)) : original + " Added closing line here."
            } else {
                // Ten topics, each with its own thirty words: reports on one topic form a story.
                let topic = Int(random.next() % 10) * 30
                let paragraphs = (0..<3).map { _ in
                    (0..<40).map { _ in
                        random.next() % 3 == 0 ? words[Int(random.next() % UInt64(words.count))] : words[topic + Int(random.next() % 30)]
                    }.joined(separator: " ")
                }
                body = paragraphs.joined(separator: "\n\n") + "\n\nReporting by the desk."
                originals.append(body)
            }
            result.append(Fixtures.submission(title: "report \(index)", body: body, sha256: "\(index)-\(body.hashValue)",
                                              time: time, tokenizer: &tokenizer))
        }
        return result
    }

    static func snapshot(of engine: Engine) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try engine.writeSnapshot { bytes.append(contentsOf: $0) }
        return bytes
    }

    static func configuration() -> EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.horizonDays = 8
        configuration.storyWindowDays = 2
        return configuration
    }

    @Test func aLoadedSnapshotJudgesExactlyAsTheEngineThatWroteIt() throws {
        var tokenizer = Tokenizer()
        // 100 articles span 12.5 days, past the 8-day horizon, so the snapshot holds evicted state too.
        // (The fixture's filler words are spread evenly over its topics; once the stream has taught that
        // they are as common as the topic words, its long stories stop taking articles, so the part
        // judged after the snapshot is taken early enough to hold extensions.)
        let submissions = Self.stream(count: 160, seed: 7, tokenizer: &tokenizer)
        var original = try Engine(configuration: Self.configuration())
        for submission in submissions.prefix(100) { _ = try original.judge(submission) }
        let bytes = try Self.snapshot(of: original)

        var loaded = try bytes.withUnsafeBytes { try Engine(configuration: Self.configuration(), snapshot: $0) }
        #expect(loaded.lastArticle == original.lastArticle)
        #expect(loaded.indexedArticles == original.indexedArticles)
        #expect(try Self.snapshot(of: loaded) == bytes)
        var verdicts: Set<String> = []
        for submission in submissions.dropFirst(100) {
            let expected = try original.judge(submission)
            #expect(try loaded.judge(submission) == expected)
            verdicts.insert("\(expected.verdict)".prefix(while: { $0 != "(" }).description)
        }
        #expect(verdicts.isSuperset(of: ["duplicate", "extended"]), "the stream exercises duplicates and stories: \(verdicts)")
        #expect(try Self.snapshot(of: loaded) == Self.snapshot(of: original))
    }

    @Test func anEmptyEngineRoundTrips() throws {
        let empty = try Engine()
        let bytes = try Self.snapshot(of: empty)
        let loaded = try bytes.withUnsafeBytes { try Engine(configuration: EngineConfiguration(), snapshot: $0) }
        #expect(loaded.indexedArticles == 0 && loaded.lastArticle == 0)
    }

    @Test func aDamagedOrForeignSnapshotIsRefused() throws {
        var tokenizer = Tokenizer()
        var engine = try Engine(configuration: Self.configuration())
        for submission in Self.stream(count: 40, seed: 3, tokenizer: &tokenizer) { _ = try engine.judge(submission) }
        let bytes = try Self.snapshot(of: engine)

        func load(_ bytes: [UInt8], _ configuration: EngineConfiguration = Self.configuration()) -> SnapshotError? {
            do {
                _ = try bytes.withUnsafeBytes { try Engine(configuration: configuration, snapshot: $0) }
                return nil
            } catch { return error as? SnapshotError }
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0x10
        #expect(load(flipped)?.description.contains("damaged") == true)
        #expect(load(Array(bytes.prefix(bytes.count - 100)))?.description.contains("damaged") == true)
        #expect(load([1, 2, 3]) != nil)
        var other = Self.configuration()
        other.storyThreshold = 0.2
        #expect(load(bytes, other)?.description.contains("other engine settings") == true)
        #expect(load(bytes) == nil)
    }
}

/// An archive held in memory, standing in for the daemon's database.
final class MemoryArchive: FingerprintArchive, @unchecked Sendable {
    var stored: [Int: CompactFingerprint] = [:]
    /// Articles whose stored shingles cannot be read back, as a damaged database gives.
    var unreadable: Set<Int> = []
    var reads = 0

    func fingerprint(ofArticle number: Int) -> ArchivedFingerprint {
        reads += 1
        if unreadable.contains(number) { return .unreadable("article a\(number): damaged") }
        return stored[number].map(ArchivedFingerprint.found) ?? .notStored
    }
}

@Suite struct FingerprintArchiveTests {
    @Test func aCandidateWhoseShinglesCannotBeReadIsNamedInTheJudgement() throws {
        var tokenizer = Tokenizer()
        let text = (0..<80).map { "word\($0 % 37)x\($0)" }.joined(separator: " ")
        let original = Submission(title: tokenizer.tokenize("A harbour story"), body: tokenizer.tokenize(text),
                                  sha256: "one", time: Timestamp(millisecondsSinceEpoch: 1_800_000_000_000))
        var copy = original
        copy.sha256 = "two"
        var engine = try Engine(configuration: SnapshotTests.configuration())
        let archive = MemoryArchive()
        engine.fingerprintArchive = archive
        let first = try engine.judge(original)
        archive.unreadable = [first.article]
        engine.releaseFingerprints(of: [first.article])

        let second = try engine.judge(copy)

        #expect(second.unreadCandidates == ["article a\(first.article): damaged"])
        if case .duplicate = second.verdict { Issue.record("a candidate that was not compared cannot be the original") }
    }

    @Test func releasedFingerprintsAreReadBackForCandidatesAndJudgementsDoNotChange() throws {
        var tokenizer = Tokenizer()
        let submissions = SnapshotTests.stream(count: 200, seed: 11, tokenizer: &tokenizer)
        var holding = try Engine(configuration: SnapshotTests.configuration())
        var releasing = try Engine(configuration: SnapshotTests.configuration())
        let archive = MemoryArchive()
        releasing.fingerprintArchive = archive
        var duplicates = 0
        for submission in submissions {
            let expected = try holding.judge(submission)
            let judgement = try releasing.judge(submission)
            #expect(judgement == expected)
            if case .duplicate(_, let measure, _) = judgement.verdict, measure != .exact { duplicates += 1 }
            archive.stored[judgement.article] = releasing.fingerprint(ofArticle: judgement.article)
            releasing.releaseFingerprints(of: [judgement.article])
            #expect(releasing.fingerprint(ofArticle: judgement.article) == nil)
        }
        #expect(duplicates > 10 && archive.reads >= duplicates, "near-duplicates were verified against archived shingles")

        // The snapshot of a releasing engine holds no released shingles: much smaller.
        let loaded = try SnapshotTests.snapshot(of: releasing).withUnsafeBytes {
            try Engine(configuration: SnapshotTests.configuration(), snapshot: $0)
        }
        #expect(loaded.indexedArticles == releasing.indexedArticles)
        #expect(try SnapshotTests.snapshot(of: releasing).count < SnapshotTests.snapshot(of: holding).count)
    }
}
