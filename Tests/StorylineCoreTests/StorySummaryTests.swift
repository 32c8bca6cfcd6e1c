import Testing
@testable import StorylineCore

/// What each line says of its story: the label, the counts, the coverage, the root of a copy, and when
/// a story closes. Texts written for the tests.
@Suite struct StorySummaryTests {
    let day = Timestamp.millisecondsPerDay

    func at(days: Double) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: 1_800_000_000_000 + Int64(days * Double(day)))
    }

    func submission(_ title: String, body: String? = nil, headline: Bool = true, days: Double,
                    tokenizer: inout Tokenizer) -> Submission {
        var submission = Fixtures.submission(title: title, body: body ?? title, time: at(days: days), tokenizer: &tokenizer)
        submission.titleIsHeadline = headline
        return submission
    }

    @Test func aStoryCountsItsArticlesAndCopiesAndSpansTheirTimes() throws {
        var engine = try Engine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0, tokenizer: &tokenizer))
        let second = try engine.judge(submission("Brake fault forces Veridian Motors hatchback recall", days: 0.5, tokenizer: &tokenizer))
        let copy = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 1, tokenizer: &tokenizer))
        let copyOfCopy = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 1.2,
                                                     tokenizer: &tokenizer))
        #expect(second.story == first.story)
        guard case .duplicate = copy.verdict, case .duplicate = copyOfCopy.verdict else {
            Issue.record("expected two duplicates, got \(copy.verdict) and \(copyOfCopy.verdict)")
            return
        }
        let summary = try #require(copyOfCopy.summary)
        #expect(summary.story == first.story)
        #expect(summary.firstArticle == first.article)
        #expect(summary.label == "Veridian Motors recalls 80,000 hatchbacks over brake fault")
        #expect((summary.articles, summary.duplicates) == (4, 2))
        #expect(summary.first == at(days: 0) && summary.last == at(days: 1.2))
        #expect(copy.root == first.article && copyOfCopy.root == first.article, "the root of a copy of a copy is the original")
        #expect(first.summary?.articles == 1 && second.summary?.articles == 2)
    }

    /// A text's first line names a story only until an article of it comes with a headline of its own.
    @Test func theFirstHeadlineGivenNamesTheStoryNotATextsFirstLine() throws {
        var engine = try Engine()
        var tokenizer = Tokenizer()
        let lead = "Veridian Motors said on Tuesday that it would recall 80,000 hatchbacks because of a brake fault"
        let first = try engine.judge(submission(lead, headline: false, days: 0, tokenizer: &tokenizer))
        #expect(first.summary?.label == lead && first.summary?.labelIsHeadline == false)
        let second = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0.1,
                                                 tokenizer: &tokenizer))
        let third = try engine.judge(submission("Veridian hatchback recall: brake fault affects 80,000 cars", days: 0.2,
                                                tokenizer: &tokenizer))
        #expect(second.story == first.story && third.story == first.story)
        #expect(third.summary?.label == "Veridian Motors recalls 80,000 hatchbacks over brake fault")
        #expect(third.summary?.labelIsHeadline == true)
    }

    @Test func aLongLabelIsCutAtAWord() {
        let title = String(repeating: "recall ", count: 40) + "end"
        let label = StorySummary.label(title)
        #expect(label.count <= StorySummary.maximumLabelLength + 1)
        #expect(label.hasSuffix("recall…"))
    }

    /// Once the engine's clock passes a story's candidacy it is closed, once, and no later article
    /// joins it, even one dated inside its coverage.
    @Test func aStoryClosesOnceItsCandidacyHasPassedAndTakesNoArticleAfter() throws {
        var engine = try Engine()
        var tokenizer = Tokenizer()
        let candidacy = engine.configuration.storyDecay.candidacyDays
        let recall = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0, tokenizer: &tokenizer))
        let strike = try engine.judge(submission("Kessel plant workers strike over night shifts", days: candidacy - 0.5,
                                                 tokenizer: &tokenizer))
        #expect(strike.closedStories.isEmpty)
        let later = try engine.judge(submission("Alpine pass reopens after avalanche clearing", days: candidacy + 0.2,
                                                tokenizer: &tokenizer))
        #expect(later.closedStories.map(\.story) == [recall.story])
        #expect(later.closedStories.first?.closed == true)
        let again = try engine.judge(submission("Harbour ferry timetable changes for winter", days: candidacy + 0.5,
                                                tokenizer: &tokenizer))
        #expect(again.closedStories.isEmpty, "a story closes once")
        let late = try engine.judge(submission("Brake fault forces Veridian Motors hatchback recall", days: 0.1, tokenizer: &tokenizer))
        #expect(late.story != recall.story, "a closed story takes no article")
        #expect(engine.summary(ofStory: recall.story)?.closed == true)
    }

    @Test func summariesAndClosingSurviveASnapshot() throws {
        var engine = try Engine()
        var tokenizer = Tokenizer()
        let candidacy = engine.configuration.storyDecay.candidacyDays
        let recall = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0, tokenizer: &tokenizer))
        _ = try engine.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0.2, tokenizer: &tokenizer))
        var bytes: [UInt8] = []
        try engine.writeSnapshot { bytes.append(contentsOf: $0) }
        var restored = try bytes.withUnsafeBytes { try Engine(configuration: engine.configuration, snapshot: $0) }
        #expect(restored.summary(ofStory: recall.story) == engine.summary(ofStory: recall.story))
        let copy = try restored.judge(submission("Veridian Motors recalls 80,000 hatchbacks over brake fault", days: 0.3,
                                                 tokenizer: &tokenizer))
        #expect(copy.root == recall.article)
        let later = try restored.judge(submission("Alpine pass reopens after avalanche clearing", days: candidacy + 1,
                                                  tokenizer: &tokenizer))
        #expect(later.closedStories.map(\.story) == [recall.story])
    }
}
