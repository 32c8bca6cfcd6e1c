import Testing
@testable import StorylineCore

/// The JSON shapes feeds and scrapers write, read through `ArticleParser`.
@Suite struct JSONFieldsTests {
    func parse(_ json: String) throws(ArticleRejection) -> ParsedArticle {
        try ArticleParser.parse(Array(json.utf8), fileName: "feed.json")
    }

    func rejection(_ json: String) -> ArticleRejection? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["title", "headline", "name"])
    func readsEachTitleName(_ key: String) throws {
        #expect(try parse(#"{"\#(key)": "Storm hits coast", "text": "The storm arrived."}"#).title == "Storm hits coast")
    }

    /// The configuration's names (`fields:`) come first; a dotted name is a path into nested objects.
    @Test func namesTheConfigurationGivesComeFirstAndMayBePaths() throws {
        var names = FieldNames()
        names[.title] = ["hed", "meta.headline"]
        names[.text] = ["story.body_text"]
        names[.published] = ["pub_time"]
        names[.url] = ["permalink"]
        names[.id] = ["record"]
        let parse = { (json: String) throws(ArticleRejection) -> ParsedArticle in
            try ArticleParser.parse(Array(json.utf8), fileName: "feed.json", names: names)
        }
        let article = try parse(#"""
            {"title": "Generic", "meta": {"headline": "Storm hits coast"}, "story": {"body_text": "The storm arrived."},
             "pub_time": "2026-11-04T09:00:00Z", "permalink": "https://x.example/1", "record": 7}
            """#)
        #expect(article.title == "Storm hits coast" && article.titleIsHeadline)
        #expect(article.body == "The storm arrived.")
        #expect(article.published == "2026-11-04T09:00:00Z")
        #expect(article.url == "https://x.example/1")
        #expect(article.producer?.hasPrefix(#"{"id":7,"#) == true, "the producer's id under its own name")
        #expect(try parse(#"{"hed": "First", "title": "Second", "text": "x"}"#).title == "First")
        #expect(try parse(#"{"meta.headline": "Literal key", "text": "x"}"#).title == "Literal key")
        #expect(try parse(#"{"title": "Plain", "text": "x"}"#).title == "Plain", "the common names still work")
        let missing = #"{"title": "No body"}"#
        do {
            _ = try parse(missing)
            Issue.record("\(missing) was accepted")
        } catch {
            #expect(error.reason.contains("\"story.body_text\""), "\(error.reason)")
        }
    }

    @Test func theFirstTitleNamePresentWins() throws {
        #expect(try parse(#"{"name": "C", "headline": "B", "title": "A", "text": "x"}"#).title == "A")
        #expect(try parse(#"{"name": "C", "headline": "B", "title": null, "text": "x"}"#).title == "B")
    }

    @Test(arguments: ["text", "body", "content", "content_text", "content_html", "description"])
    func readsEachBodyName(_ key: String) throws {
        #expect(try parse(#"{"\#(key)": "The storm arrived."}"#).body == "The storm arrived.")
    }

    @Test func theFirstBodyNamePresentWins() throws {
        let json = #"{"description": "F", "content_html": "<p>E</p>", "content_text": "D", "content": "C", "body": "B"}"#
        #expect(try parse(json).body == "B")
        #expect(try parse(#"{"description": "F", "content_html": "<p>E</p>", "text": null}"#).body == "E")
    }

    @Test func contentHTMLIsJudgedByItsText() throws {
        let article = try parse(#"""
            {"content_html": "<script>var x = 1;</script><h1>Storm &amp; flood</h1><p>The storm&nbsp;arrived &#8212; at&#x20;last.</p><p>Roads closed.<br/>Schools too.</p>"}
            """#)
        #expect(article.body == "Storm & flood\n\nThe storm\u{A0}arrived \u{2014} at last.\n\nRoads closed.\nSchools too.")
        #expect(article.title == "Storm & flood")
    }

    @Test func aDescriptionThatLooksLikeHTMLLosesItsTagsButPlainTextIsKept() throws {
        #expect(try parse(#"{"description": "<p>Rates <b>rise</b></p>"}"#).body == "Rates rise")
        #expect(try parse(#"{"description": "2 < 3 and AT&T"}"#).body == "2 < 3 and AT&T")
        #expect(try parse(#"{"text": "<p>kept as written</p>"}"#).body == "<p>kept as written</p>")
    }

    @Test func anUnknownOrBrokenEntityStaysAsWritten() {
        #expect(FeedHTML.plainText("a &bogus; b &#0; c &amp d &#x41;") == "a &bogus; b &#0; c &amp d A")
    }

    @Test(arguments: ["published", "date", "pubDate", "date_published", "datePublished"])
    func readsEachPublishedName(_ key: String) throws {
        let article = try parse(#"{"text": "x", "\#(key)": "2026-12-01T14:02:00Z"}"#)
        #expect(article.publishedTime == Timestamp(parsing: "2026-12-01T14:02:00Z"))
        #expect(article.published == "2026-12-01T14:02:00Z")
    }

    @Test(arguments: ["url", "link"])
    func readsEachURLName(_ key: String) throws {
        #expect(try parse(#"{"text": "x", "\#(key)": "https://e.x/1"}"#).url == "https://e.x/1")
    }

    @Test func readsASourceStringOrObject() throws {
        #expect(try parse(#"{"text": "x", "source": "Wire"}"#).source == "Wire")
        #expect(try parse(#"{"text": "x", "source": {"name": "Wire", "url": "https://w.x"}}"#).source == "Wire")
        #expect(try parse(#"{"text": "x", "source": {"url": "https://w.x"}}"#).source == nil)
        #expect(try parse(#"{"text": "x", "publisher": {"name": "Daily"}}"#).source == "Daily")
        #expect(try parse(#"{"text": "x", "source": "Wire", "publisher": "Daily"}"#).source == "Wire")
    }

    @Test func readsAJSONFeedItemAsItIs() throws {
        let article = try parse(#"""
            {"id": "https://e.x/2026/storm", "url": "https://e.x/2026/storm", "title": "Storm hits coast",
             "content_html": "<p>The storm arrived at dawn.</p>", "summary": "A storm.",
             "date_published": "2026-12-01T14:02:00-05:00", "date_modified": "2026-12-02T09:00:00Z",
             "authors": [{"name": "A. Writer", "url": "https://e.x/a"}], "tags": ["weather"],
             "_custom": {"x": 1}}
            """#)
        #expect(article.title == "Storm hits coast")
        #expect(article.body == "The storm arrived at dawn.")
        #expect(article.url == "https://e.x/2026/storm")
        #expect(article.published == "2026-12-01T14:02:00-05:00")
        #expect(article.publishedTime == Timestamp(parsing: "2026-12-01T19:02:00Z"))
        #expect(article.source == nil)
    }

    @Test func otherDateFormsAreWrittenAsRFC3339InUTC() throws {
        let rss = try parse(#"{"text": "x", "pubDate": "Tue, 01 Dec 2026 14:02:00 -0500"}"#)
        #expect(rss.published == "2026-12-01T19:02:00.000Z")
        #expect(rss.publishedTime == Timestamp(parsing: "2026-12-01T19:02:00Z"))
        #expect(try parse(#"{"text": "x", "date": "2026-12-01 14:02:00"}"#).published == "2026-12-01T14:02:00.000Z")
        #expect(try parse(#"{"text": "x", "published": "2026-12-01"}"#).published == "2026-12-01")
    }

    @Test func readsEpochSecondsAndMilliseconds() throws {
        let seconds = try parse(#"{"text": "x", "published": 1796133720}"#)
        #expect(seconds.published == "2026-12-01T14:02:00.000Z")
        #expect(try parse(#"{"text": "x", "published": 1796133720123}"#).published == "2026-12-01T14:02:00.123Z")
        #expect(try parse(#"{"text": "x", "published": 1796133720.5}"#).published == "2026-12-01T14:02:00.500Z")
        #expect(try parse(#"{"text": "x", "date": "1796133720123"}"#).published == "2026-12-01T14:02:00.123Z")
        #expect(try parse(#"{"text": "x", "date": "1796133720"}"#).publishedTime == seconds.publishedTime)
    }

    @Test func aWrongTypeIsAnInvalidFieldNamingTheKey() {
        let cases = [
            (#"{"text": "x", "headline": 5}"#, "\"headline\""),
            (#"{"content": ["x"]}"#, "\"content\""),
            (#"{"text": "x", "link": {"href": "y"}}"#, "\"link\""),
            (#"{"text": "x", "source": 7}"#, "\"source\""),
            (#"{"text": "x", "source": {"name": 7}}"#, "\"source\""),
            (#"{"text": "x", "pubDate": true}"#, "\"pubDate\""),
            (#"{"text": "x", "date": {"value": "2026-12-01"}}"#, "\"date\""),
        ]
        for (json, key) in cases {
            let error = rejection(json)
            #expect(error?.code == .invalidField, "\(json)")
            #expect(error?.reason.contains(key) == true, "\(json): \(String(describing: error))")
        }
    }

    @Test func impossibleDatesAreInvalidPublished() {
        for value in [#""Mon, 30 Feb 2026 10:00:00 GMT""#, #""Tue, 01 Dec 2026 25:00:00 GMT""#,
                      #""2026-02-30 10:00:00""#, #""01 Dec 2026 14:02:00 XYZ""#, "-5", "1e300",
                      #""99999999999999999999""#] {
            let error = rejection(#"{"text": "x", "date": \#(value)}"#)
            #expect(error?.code == .invalidPublished, "\(value)")
            #expect(error?.reason.contains("\"date\"") == true, "\(value)")
        }
    }

    @Test func unknownKeysAreIgnoredAndNoBodyIsMissingText() {
        #expect(rejection(#"{"title": "x", "summary": "y", "article": "z"}"#)?.code == .missingText)
    }

    @Test func theTextHeaderReadsTheSameDateForms() throws {
        let article = try ArticleParser.parse(
            Array("Title: Storm\nPublished: Tue, 01 Dec 2026 14:02:00 GMT\n\nThe storm arrived.".utf8), fileName: "s.txt")
        #expect(article.published == "2026-12-01T14:02:00.000Z")
        let epoch = try ArticleParser.parse(Array("Published: 1796133720\n\nThe storm arrived.".utf8), fileName: "s.md")
        #expect(epoch.publishedTime == article.publishedTime)
    }

    @Test func theProducersOwnFieldsPassThroughAsOneSortedObject() throws {
        let json = #"{"text": "x", "meta": {"z": [1, true], "a": "b/c"}, "tags": ["x", "y"], "language": "de", "id": 42}"#
        #expect(try parse(json).producer == #"{"id":42,"lang":"de","meta":{"a":"b/c","z":[1,true]},"tags":["x","y"]}"#)
        #expect(try parse(#"{"text": "x", "guid": "g-1", "id": null}"#).producer == #"{"id":"g-1"}"#)
        #expect(try parse(#"{"text": "x"}"#).producer == nil)
    }

    @Test func producerFieldsOfTheWrongTypeOrTooLargeAreInvalidFields() {
        #expect(rejection(#"{"text": "x", "id": true}"#)?.code == .invalidField)
        #expect(rejection(#"{"text": "x", "tags": "a,b"}"#)?.reason.contains("\"tags\"") == true)
        #expect(rejection(#"{"text": "x", "meta": [1]}"#)?.code == .invalidField)
        let big = String(repeating: "m", count: JSONFields.producerLimit)
        #expect(rejection(#"{"text": "x", "meta": {"note": "\#(big)"}}"#)?.reason.contains("more than") == true)
    }

    @Test func theLineCarriesThemUnderArticleProducer() throws {
        let article = try parse(#"{"title": "T", "text": "words here", "id": "r-7", "lang": "en"}"#)
        let judgement = Judgement(article: 1, story: 1, words: 2, verdict: .started)
        let sha = String(repeating: "0", count: 64)
        let line = TimelineEvent(seq: 1, time: Timestamp(millisecondsSinceEpoch: 0), judgement: judgement,
                                 article: .init(judgement, file: "f.json", article, sha256: sha)).jsonLine
        #expect(line.hasSuffix(#","sha256":"\#(sha)","producer":{"id":"r-7","lang":"en"}}}"# + "\n"))
    }

    @Test func aWholeFeedIsRefusedWithWhatToDoInstead() {
        let feed = #"{"version": "https://jsonfeed.org/version/1.1", "title": "Wire", "description": "All the news", "items": [{"id": "1", "content_text": "a"}, {"id": "2", "content_text": "b"}]}"#
        let refused = rejection(feed)
        #expect(refused?.code == .missingText)
        #expect(refused?.reason.contains("a feed of 2 items, not one article") == true)
    }
}
