import Testing
@testable import StorylineCore

@Suite struct EngineTests {
    func makeEngine(_ configure: (inout EngineConfiguration) -> Void = { _ in }) throws -> Engine {
        var configuration = EngineConfiguration()
        configure(&configuration)
        return try Engine(configuration: configuration)
    }

    /// Replaces every `interval`-th word with a made-up one: a copy editor's touch, deterministic.
    func editWords(_ text: String, every interval: Int) -> String {
        var count = 0
        return text.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            count += 1
            return count % interval == 0 && word.count > 2 ? "edited\(count)" : String(word)
        }.joined(separator: " ")
    }

    @Test func theFiveSeedsAreOneStoryWithoutDuplicates() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        var verdicts: [Verdict] = []
        var stories: Set<Int> = []
        for index in 0..<5 {
            let text = try Fixtures.seed(index)
            let judgement = try engine.judge(Fixtures.submission(body: text, tokenizer: &tokenizer))
            verdicts.append(judgement.verdict)
            stories.insert(judgement.story)
        }
        #expect(verdicts.first == .started)
        #expect(stories.count == 1)
        for verdict in verdicts.dropFirst() {
            guard case .extended(let similarity, let terms, _) = verdict else {
                Issue.record("expected story_extended, got \(verdict)")
                continue
            }
            #expect(similarity >= EngineConfiguration().storyThreshold)
            #expect(terms.contains("carney"))
        }
    }

    @Test(arguments: ["headline, furniture and 3% of words edited", "first half", "curly quotes and CRLF"])
    func nearCopiesOfASeedAreDuplicates(_ kind: String) throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let seed = try Fixtures.seed(0)
        let original = try engine.judge(Fixtures.submission(body: seed, tokenizer: &tokenizer))
        let copy: String
        switch kind {
        case "first half":
            copy = String(seed.prefix(seed.count / 2))
        case "curly quotes and CRLF":
            copy = seed.replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
                .replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\n", with: "\r\n")
        default:
            copy = "Carney says more bilateral deals are coming\n\nStory continues below advertisement\n\n"
                + editWords(seed, every: 33)
                + "\n\nSign up for our newsletter to get the day's top stories.\nShare this article\n"
        }
        let judgement = try engine.judge(Fixtures.submission(body: copy, tokenizer: &tokenizer))
        guard case .duplicate(let of, let measure, let similarity) = judgement.verdict else {
            Issue.record("\(kind): expected a duplicate, got \(judgement.verdict)")
            return
        }
        #expect(of == original.article)
        #expect(judgement.story == original.story)
        #expect(similarity >= 0.8)
        if kind == "first half" { #expect(measure == .containment) }
    }

    @Test func sameBytesAreAnExactDuplicate() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(Fixtures.submission(body: "One text.", sha256: "abc", tokenizer: &tokenizer))
        let second = try engine.judge(Fixtures.submission(body: "One text.", sha256: "abc", tokenizer: &tokenizer))
        #expect(second.verdict == .duplicate(of: first.article, measure: .exact, similarity: 1))
    }

    @Test func anUnrelatedArticleStartsANewStory() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let seed = try engine.judge(Fixtures.submission(body: Fixtures.seed(1), tokenizer: &tokenizer))
        let weather = try engine.judge(Fixtures.submission(body: Fixtures.weatherStory, tokenizer: &tokenizer))
        #expect(weather.verdict == .started)
        #expect(weather.story != seed.story)
    }

    @Test func storiesCloseAfterTheirWindow() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let day = Timestamp.millisecondsPerDay
        let first = try engine.judge(Fixtures.submission(body: Fixtures.seed(1), time: Timestamp(millisecondsSinceEpoch: 0), tokenizer: &tokenizer))
        let late = try engine.judge(Fixtures.submission(body: Fixtures.seed(2), time: Timestamp(millisecondsSinceEpoch: 10 * day), tokenizer: &tokenizer))
        #expect(late.verdict == .started)
        #expect(late.story != first.story)
    }

    @Test func coverageBeyondTheHorizonLeavesTheIndex() throws {
        var engine = try makeEngine { $0.horizonDays = 30 }
        var tokenizer = Tokenizer()
        let day = Timestamp.millisecondsPerDay
        _ = try engine.judge(Fixtures.submission(body: Fixtures.seed(0), time: Timestamp(millisecondsSinceEpoch: 0), tokenizer: &tokenizer))
        #expect(engine.indexedArticles == 1)
        _ = try engine.judge(Fixtures.submission(body: Fixtures.weatherStory, time: Timestamp(millisecondsSinceEpoch: 40 * day), tokenizer: &tokenizer))
        #expect(engine.indexedArticles == 1)
        #expect(engine.liveStories == 1)
    }

    @Test func anArticleWithoutABelievedDateIsPlacedAtABackfillsClock() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let day = Timestamp.millisecondsPerDay
        let arrival = Timestamp(millisecondsSinceEpoch: 2_000 * day)
        #expect(engine.placement(ofArrival: arrival) == arrival)  // nothing judged yet
        let backfill = Timestamp(millisecondsSinceEpoch: 1_000 * day)
        var old = try Fixtures.submission(body: Fixtures.seed(0), time: backfill, tokenizer: &tokenizer)
        old.arrival = Timestamp(millisecondsSinceEpoch: 2_000 * day - 60_000)  // read a minute before
        _ = try engine.judge(old)
        #expect(engine.placement(ofArrival: arrival) == backfill)
        // A quiet spell: the same clock, but nothing arrived for over a story window. A feed, back.
        #expect(engine.placement(ofArrival: arrival.adding(days: 3)) == arrival.adding(days: 3))
        let live = Timestamp(millisecondsSinceEpoch: 2_000 * day - day / 2)
        var recent = try Fixtures.submission(body: Fixtures.weatherStory, time: live, tokenizer: &tokenizer)
        recent.arrival = arrival
        _ = try engine.judge(recent)
        #expect(engine.placement(ofArrival: arrival) == arrival)  // within a story window: a live feed

        // A rebuilt engine learns when its last article arrived from the state.
        var rebuilt = try makeEngine()
        _ = try rebuilt.judge(Fixtures.submission(body: Fixtures.seed(1), time: backfill, tokenizer: &tokenizer))
        #expect(rebuilt.placement(ofArrival: arrival) == arrival)
        rebuilt.noteLastArrival(Timestamp(millisecondsSinceEpoch: arrival.millisecondsSinceEpoch - 60_000))
        #expect(rebuilt.placement(ofArrival: arrival) == backfill)
    }

    @Test func aPublicationTimeAfterArrivalIsNotBelieved() {
        let arrival = Timestamp(millisecondsSinceEpoch: 1_000 * Timestamp.millisecondsPerDay)
        func at(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: arrival.millisecondsSinceEpoch + milliseconds) }
        #expect(Submission.judgedTime(published: nil, arrival: arrival) == arrival)
        #expect(Submission.judgedTime(published: at(-400 * Timestamp.millisecondsPerDay), arrival: arrival) == at(-400 * Timestamp.millisecondsPerDay))
        #expect(Submission.judgedTime(published: at(Submission.clockSkewMilliseconds), arrival: arrival) == at(Submission.clockSkewMilliseconds))
        #expect(Submission.judgedTime(published: at(Submission.clockSkewMilliseconds + 1), arrival: arrival) == arrival)
    }

    @Test func furnitureOnlyTextIsEmpty() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        #expect(throws: ArticleRejection.self) {
            try engine.judge(Fixtures.submission(body: "Advertisement\n\nStory continues below advertisement\n", tokenizer: &tokenizer))
        }
    }

    @Test func independentReportsOfOneEventAreOneStoryNotDuplicates() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let a = try engine.judge(Fixtures.submission(body: Fixtures.seed(2), tokenizer: &tokenizer))
        let b = try engine.judge(Fixtures.submission(body: Fixtures.seed(3), tokenizer: &tokenizer))
        #expect(b.story == a.story)
        if case .duplicate = b.verdict { Issue.record("independent reports judged duplicates") }
    }

    @Test(arguments: ["bands", "shingle_size", "jaccard_threshold", "horizon_days"])
    func invalidConfigurationsNameTheKey(_ key: String) {
        var configuration = EngineConfiguration()
        switch key {
        case "bands": configuration.bands = 20
        case "shingle_size": configuration.shingleSize = 0
        case "jaccard_threshold": configuration.jaccardThreshold = 1.5
        default: configuration.horizonDays = 3
        }
        #expect {
            try configuration.validate()
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && (error.description.contains("use") || error.description.contains("must"))
        }
    }
}

@Suite struct EngineRestoreTests {
    @Test func restoringRecordedJudgementsRebuildsTheSameState() throws {
        var tokenizer = Tokenizer()
        var texts = try (0..<5).map { try Fixtures.seed($0) }
        texts.insert(Fixtures.weatherStory, at: 2)
        texts.append(String(texts[0].prefix(texts[0].count / 2)))
        let submissions = texts.map { Fixtures.submission(body: $0, tokenizer: &tokenizer) }
        var original = try Engine()
        let judgements = try submissions.map { try original.judge($0) }

        var restored = try Engine()
        for (submission, judgement) in zip(submissions, judgements) { try restored.restore(submission, as: judgement) }

        // The next article is judged the same way by both.
        let next = Fixtures.submission(body: String(texts[3].prefix(texts[3].count * 2 / 3)), tokenizer: &tokenizer)
        #expect(try original.judge(next) == restored.judge(next))
        let fresh = Fixtures.submission(body: texts[4].replacingOccurrences(of: "Carney", with: "The prime minister"), tokenizer: &tokenizer)
        #expect(try original.judge(fresh) == restored.judge(fresh))
    }
}
