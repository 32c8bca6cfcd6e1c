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
        guard case .extended(_, let terms) = second.verdict else {
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
        guard case .extended(let similarity, let terms) = second.verdict else {
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

    @Test func aFullArticleUsesTheConfiguredThresholdAndAHeadlineALowerOne() throws {
        var tokenizer = Tokenizer()
        let engine = try makeEngine()
        let article = Fixtures.submission(body: try Fixtures.seed(0), tokenizer: &tokenizer)
        let (_, full) = engine.termVector(title: article.title, body: article.body, ranges: [article.body.tokens.indices])
        #expect(full.terms.count == TermVector.maximumTerms)
        #expect(StoryIndex.threshold(0.14, for: full) == 0.14)

        let line = headline("Veridian Motors recalls 80,000 hatchbacks over brake fault", tokenizer: &tokenizer)
        let (_, short) = engine.termVector(title: line.title, body: line.body, ranges: [line.body.tokens.indices])
        let lowered = StoryIndex.threshold(0.14, for: short)
        #expect(lowered > 0 && lowered < 0.14)
    }

    /// The average over a story's articles, not the cosine with their sum, judges full articles.
    @Test func fullArticlesAreComparedWithTheStorysArticlesOnAverage() {
        var profile = StoryIndex.Profile(
            first: Timestamp(millisecondsSinceEpoch: 0), last: Timestamp(millisecondsSinceEpoch: 0))
        profile.norm = 1.2
        profile.articles = 2
        #expect(abs(StoryIndex.similarity(dot: 0.6, profile: profile, fullness: 1) - 0.3) < 1e-6)
        #expect(abs(StoryIndex.similarity(dot: 0.6, profile: profile, fullness: 0) - 0.5) < 1e-6)
    }

    /// A headline close enough to two stories goes to the one that has drawn more articles; a full
    /// article is judged on similarity alone.
    @Test func aHeadlineBetweenTwoStoriesJoinsTheBiggerOne() {
        let headline = 0.15, full = 1.0
        #expect(StoryIndex.rank(similarity: 0.1, articles: 30, fullness: headline)
                > StoryIndex.rank(similarity: 0.1, articles: 2, fullness: headline))
        #expect(StoryIndex.rank(similarity: 0.1, articles: 30, fullness: headline)
                > StoryIndex.rank(similarity: 0.2, articles: 1, fullness: headline))
        #expect(StoryIndex.rank(similarity: 0.1, articles: 1, fullness: headline) == 0.1)
        #expect(StoryIndex.rank(similarity: 0.2, articles: 30, fullness: full) == 0.2)
    }
}
