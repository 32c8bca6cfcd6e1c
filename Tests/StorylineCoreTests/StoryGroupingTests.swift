import Testing
@testable import StorylineCore

/// Story grouping on small texts written for the tests: independent reports of one event, headlines,
/// and articles about something else.
@Suite struct StoryGroupingTests {
    func makeEngine() throws -> Engine { try Engine() }

    /// Two outlets' own reports of one event: the same names and facts, different sentences.
    static let bridgeReportA = (
        title: "Harbour bridge in Vellmar closed after cracks found in main span",
        body: """
            Engineers closed the Vellmar harbour bridge to all traffic on Tuesday after inspectors found \
            cracks in the steel girders of its main span, the city's transport department said.

            The bridge, which carries about 40,000 vehicles a day across the Ostrava estuary, was built in \
            1968 and had been due for a full renovation next year. Mayor Ilse Brandauer called the closure \
            a precaution and said ferries would run every fifteen minutes until further notice.

            Inspectors from the state highway agency discovered the cracks during a routine ultrasound \
            survey of the girders. Commuters faced long queues at the ferry terminals, and the port \
            authority warned that freight lorries would have to detour through Kessel.
            """)
    static let bridgeReportB = (
        title: "Cracked girders shut Vellmar's estuary crossing; ferries added",
        body: """
            VELLMAR — The estuary crossing that links the two halves of Vellmar was shut indefinitely \
            after an ultrasound inspection revealed cracked girders beneath the main span.

            Mayor Ilse Brandauer told a news conference that the harbour bridge would stay closed until \
            engineers from the state highway agency finish assessing the damage. Extra ferries have been \
            laid on across the Ostrava, and lorries are being sent on a detour through Kessel.

            The 1968 bridge had been scheduled for renovation. Drivers who use the crossing every day \
            described queues stretching back from the ferry terminals through the morning rush.
            """)

    @Test func twoIndependentReportsOfOneEventJoinOneStory() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(Fixtures.submission(
            title: Self.bridgeReportA.title, body: Self.bridgeReportA.body, tokenizer: &tokenizer))
        let second = try engine.judge(Fixtures.submission(
            title: Self.bridgeReportB.title, body: Self.bridgeReportB.body, tokenizer: &tokenizer))
        #expect(first.verdict == .started)
        #expect(second.story == first.story)
        guard case .extended(_, let terms, _) = second.verdict else {
            Issue.record("expected story_extended, got \(second.verdict)")
            return
        }
        #expect(terms.contains("vellmar") || terms.contains("brandauer"))
    }

    @Test func anUnrelatedArticleStartsANewStory() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let bridge = try engine.judge(Fixtures.submission(
            title: Self.bridgeReportA.title, body: Self.bridgeReportA.body, tokenizer: &tokenizer))
        let weather = try engine.judge(Fixtures.submission(
            title: "Snow strands skiers in the Alps", body: Fixtures.weatherStory, tokenizer: &tokenizer))
        #expect(weather.verdict == .started)
        #expect(weather.story != bridge.story)
    }

    /// A headline-only article, as aggregators deliver them: the text repeats the headline.
    func headline(_ text: String, tokenizer: inout Tokenizer) -> Submission {
        Fixtures.submission(title: text, body: text, tokenizer: &tokenizer)
    }

    @Test func twoHeadlinesAboutOneEventJoinOneStory() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer))
        let second = try engine.judge(headline("Brake defect forces Veridian recall of small cars", tokenizer: &tokenizer))
        #expect(first.verdict == .started)
        #expect(second.story == first.story)
        guard case .extended(let similarity, let terms, _) = second.verdict else {
            Issue.record("expected story_extended, got \(second.verdict)")
            return
        }
        #expect(similarity > 0)
        #expect(terms.contains("veridian"))
    }

    @Test func anUnrelatedHeadlineStartsANewStory() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let recall = try engine.judge(headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer))
        let other = try engine.judge(headline("Orchestra names new principal conductor for autumn season", tokenizer: &tokenizer))
        #expect(other.verdict == .started)
        #expect(other.story != recall.story)
    }

    /// Two reports of a politician's first event, then a report of a different event about the same
    /// politician: the story of the first event must not swallow it just because its profile shares
    /// the name.
    @Test func aLaterEventAboutTheSameNameNeedsMoreThanTheName() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(Fixtures.submission(
            title: Self.bridgeReportA.title, body: Self.bridgeReportA.body, tokenizer: &tokenizer))
        _ = try engine.judge(Fixtures.submission(
            title: Self.bridgeReportB.title, body: Self.bridgeReportB.body, tokenizer: &tokenizer))
        let festival = try engine.judge(Fixtures.submission(
            title: "Vellmar mayor opens wine festival",
            body: """
                Mayor Ilse Brandauer opened the annual Vellmar wine festival on Saturday, pouring the first \
                glass of the new vintage in the old market square as a brass band played.

                Growers from forty vineyards in the surrounding hills set up stalls under the chestnut trees, \
                and organisers expect more than 60,000 visitors over the weekend. A children's parade, a \
                cooking contest and fireworks over the river are planned for Sunday evening.
                """,
            tokenizer: &tokenizer))
        #expect(festival.verdict == .started)
        #expect(festival.story != first.story)
    }

    @Test func aHeadlineNeedsAsStrongEvidenceAsAFullArticle() throws {
        var tokenizer = Tokenizer()
        var engine = try makeEngine()
        let thresholds = EngineConfiguration().storyThresholds
        let article = Fixtures.submission(body: try Fixtures.seed(0), tokenizer: &tokenizer)
        let (_, full) = engine.termVector(title: article.title, body: article.body, ranges: [article.body.tokens.indices])
        #expect(full.terms.count == TermVector.maximumTerms)
        #expect(abs(StoryIndex.threshold(thresholds, for: full) - thresholds.full) < 1e-12)

        let line = headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer)
        let (_, short) = engine.termVector(title: line.title, body: line.body, ranges: [line.body.tokens.indices])
        #expect(StoryIndex.threshold(thresholds, for: short) > thresholds.full)
    }

    /// Many small stories of one beat, all naming the same senator, then a headline that shares only
    /// the senator's name with the biggest of them: one common word is not a story.
    @Test func aHeadlineDoesNotJoinABigStoryThroughOneCommonWord() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let big = [
            "Senator Halvorsen unveils farm subsidy bill for drought-hit growers",
            "Halvorsen farm subsidy bill clears agriculture committee",
            "Drought relief: Halvorsen subsidy bill wins growers' backing",
            "Growers rally behind Halvorsen drought subsidy plan",
            "Agriculture committee advances Halvorsen farm drought bill",
            "Halvorsen subsidy bill for drought farms heads to floor vote",
        ]
        let others = [
            "Halvorsen aide resigns over campaign mailer",
            "Port strike enters third week as talks stall",
            "Halvorsen questioned on pipeline lobbying trip",
            "City council approves new tram line budget",
        ]
        var bigStory: Int?
        for text in big {
            let judgement = try engine.judge(headline(text, tokenizer: &tokenizer))
            bigStory = bigStory ?? judgement.story
            #expect(judgement.story == bigStory, "\(text)")
        }
        for text in others {
            _ = try engine.judge(headline(text, tokenizer: &tokenizer))
        }
        let unrelated = try engine.judge(headline("Halvorsen backs youth football league funding", tokenizer: &tokenizer))
        #expect(unrelated.story != bigStory)
        #expect(unrelated.verdict == .started)
    }

    /// The same report of an event, once a day after a story's coverage and once a week after it:
    /// the week-old story is the weaker candidate, and past its candidacy no candidate at all.
    @Test func aWeekOldStoryIsAWeakerCandidateThanYesterdays() throws {
        let decay = EngineConfiguration().storyDecay
        #expect(decay.factor(gapDays: 0) == 1)
        #expect(decay.factor(gapDays: 1) == 1)
        #expect(decay.factor(gapDays: 7) < decay.factor(gapDays: 1))
        #expect(decay.factor(gapDays: 7) < 1.0 / 16)
        #expect(abs(decay.factor(gapDays: decay.windowDays + decay.halfLifeDays) - 0.5) < 1e-9)

        let day: Int64 = Timestamp.millisecondsPerDay
        func judgeFollowUp(afterDays days: Int64) throws -> Judgement {
            var engine = try makeEngine()
            var tokenizer = Tokenizer()
            _ = try engine.judge(Fixtures.submission(
                title: Self.bridgeReportA.title, body: Self.bridgeReportA.body,
                time: Timestamp(millisecondsSinceEpoch: 10 * day), tokenizer: &tokenizer))
            return try engine.judge(Fixtures.submission(
                title: Self.bridgeReportB.title, body: Self.bridgeReportB.body,
                time: Timestamp(millisecondsSinceEpoch: (10 + days) * day), tokenizer: &tokenizer))
        }
        let nextDay = try judgeFollowUp(afterDays: 1)
        guard case .extended(_, _, let gapHours) = nextDay.verdict else {
            Issue.record("a report a day later should extend the story, got \(nextDay.verdict)")
            return
        }
        #expect(gapHours == 24)
        #expect(try judgeFollowUp(afterDays: 7).verdict == .started)
    }

    /// An agency's headline over nothing but its copyright line is judged on its headline, not
    /// rejected as empty; so is a headline that starts with a furniture word.
    @Test func aTitledArticleWithAFurnitureOnlyBodyIsJudgedOnItsTitle() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer))
        let furniture = try engine.judge(Fixtures.submission(
            title: "Veridian recall of hatchbacks widens over brake fault",
            body: "Copyright 2026 The Associated Press. All rights reserved.", tokenizer: &tokenizer))
        #expect(furniture.words > 0)
        #expect(furniture.story == first.story)
        let caption = try engine.judge(headline("photo veridian hatchbacks brake fault recall", tokenizer: &tokenizer))
        #expect(caption.words > 0)
        #expect(caption.story == first.story)
        #expect(throws: ArticleRejection.self) {
            try engine.judge(Fixtures.submission(body: "Copyright 2026 The Associated Press. All rights reserved.", tokenizer: &tokenizer))
        }
    }

    /// The average over a story's articles, not the cosine with their sum, judges full articles.
    @Test func fullArticlesAreComparedWithTheStorysArticlesOnAverage() {
        let zero = Timestamp(millisecondsSinceEpoch: 0)
        var profile = StoryIndex.Profile(summary: StorySummary(
            story: 1, label: "", labelIsHeadline: false, firstArticle: 1, articles: 2, duplicates: 0, first: zero, last: zero,
            closed: false))
        profile.norm = 1.2
        profile.articles = 2
        #expect(abs(StoryIndex.similarity(dot: 0.6, profile: profile, fullness: 1) - 0.3) < 1e-6)
        #expect(abs(StoryIndex.similarity(dot: 0.6, profile: profile, fullness: 0) - 0.5) < 1e-6)
    }

    /// Of two stories a headline may join, it joins the more similar, however big the other is.
    @Test func aHeadlineBetweenTwoStoriesJoinsTheMoreSimilarNotTheBigger() throws {
        var engine = try makeEngine()
        var tokenizer = Tokenizer()
        let big = try engine.judge(headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer))
        for text in ["Veridian hatchback recall: brake fault affects 80,000 cars",
                     "Brake fault forces Veridian Motors hatchback recall",
                     "Veridian Motors brake recall covers 80,000 hatchbacks"] {
            #expect(try engine.judge(headline(text, tokenizer: &tokenizer)).story == big.story)
        }
        let small = try engine.judge(headline("Kessel plant workers strike over night shifts", tokenizer: &tokenizer))
        #expect(small.story != big.story)
        let next = try engine.judge(headline("Veridian brake plant in Kessel hit as workers strike over night shifts", tokenizer: &tokenizer))
        #expect(next.story == small.story)
    }
}
