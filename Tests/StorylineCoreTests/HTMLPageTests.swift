import Testing
@testable import StorylineCore

@Suite struct HTMLPageTests {
    func parse(_ html: String, _ name: String = "page.html") throws(ArticleRejection) -> ParsedArticle {
        try ArticleParser.parse(Array(html.utf8), fileName: name)
    }

    func rejection(_ bytes: [UInt8], _ name: String = "page.html") -> ArticleRejection? {
        do {
            _ = try ArticleParser.parse(bytes, fileName: name)
            return nil
        } catch {
            return error
        }
    }

    /// A page as a news site writes one: meta tags, site furniture around an `<article>` with its own header,
    /// a figure with a caption, an aside, a script and a comment among the paragraphs.
    func makePage(head: String = "", article: String? = nil) -> String {
        let paragraphs = article ?? """
            <header><h1>Harbour reopens after   the storm</h1><p class="byline">By A. Writer</p>
            <time datetime="2026-11-01T09:30:00Z">1 November</time></header>
            <p>The harbour reopened on Sunday,
               three days after the storm.</p>
            <figure><img src="h.jpg"><figcaption>Boats back in the harbour. Photo: Wire</figcaption></figure>
            <!-- ad slot: Story continues below -->
            <p>Fishing boats left at dawn &amp; ferries ran&nbsp;again.</p>
            <script>var tracking = "not text";</script>
            <aside><p>Related: more storms</p></aside>
            <h2>What comes next</h2>
            <p>Repairs to the sea wall<br>start next week.</p>
            """
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>Harbour reopens | Coastal Wire</title>\(head)
            <style>p { color: red }</style></head>
            <body><header><a href="/">Coastal Wire</a><nav><ul><li>Home</li><li>World</li></ul></nav></header>
            <main><article>\(paragraphs)</article></main>
            <footer><p>© Coastal Wire</p></footer></body></html>
            """
    }

    @Test func formatsByName() {
        #expect(ArticleParser.format(ofFileNamed: "a.html") == .html)
        #expect(ArticleParser.format(ofFileNamed: "a.HTM") == .html)
        #expect(ArticleParser.format(ofFileNamed: "a.xhtml") == .html)
    }

    /// White space as a browser shows it (`&nbsp;` too, as a copied page gives it): one space.
    @Test func theTextIsTheArticlesParagraphsWithoutFurniture() throws {
        let article = try parse(makePage())
        #expect(article.body == """
            The harbour reopened on Sunday, three days after the storm.

            Fishing boats left at dawn & ferries ran again.

            What comes next

            Repairs to the sea wall
            start next week.
            """)
    }

    @Test func theHeadlineIsOGTitleThenTheArticlesH1ThenTitle() throws {
        let og = try parse(makePage(head: #"<meta property="og:title" content=" Harbour open again ">"#))
        #expect(og.title == "Harbour open again")
        #expect(try parse(makePage()).title == "Harbour reopens after the storm")
        let titleOnly = try parse(makePage(article: "<p>The harbour reopened on Sunday.</p>"))
        #expect(titleOnly.title == "Harbour reopens | Coastal Wire")
    }

    @Test func theArticlesH1IsTheHeadlineNotTheSiteLogos() throws {
        let page = """
            <html><body><header><h1>Coastal Wire</h1></header>
            <article><h1>Ferries run again</h1><p>The ferries ran.</p></article></body></html>
            """
        #expect(try parse(page).title == "Ferries run again")
    }

    @Test func metaTagsGiveSourceURLAndPublished() throws {
        let article = try parse(makePage(head: """
            <meta property="og:site_name" content="Coastal Wire">
            <meta property="og:url" content="https://wire.example/harbour">
            <link rel="canonical" href="https://wire.example/canonical">
            <meta property="article:published_time" content="2026-11-01T10:00:00+01:00">
            """))
        #expect(article.source == "Coastal Wire")
        #expect(article.url == "https://wire.example/harbour")
        #expect(article.published == "2026-11-01T10:00:00+01:00")
        #expect(article.publishedTime == Timestamp(parsing: "2026-11-01T09:00:00Z"))
    }

    @Test func theCanonicalLinkIsTheURLWithoutOGURL() throws {
        let article = try parse(makePage(head: #"<link rel="canonical" href="https://wire.example/c">"#))
        #expect(article.url == "https://wire.example/c")
        #expect(article.source == nil)
    }

    @Test func theArticlesTimeIsThePublicationTimeWithoutMetaTags() throws {
        let article = try parse(makePage())
        #expect(article.published == "2026-11-01T09:30:00Z")
    }

    @Test func jsonLDsDatePublishedComesBeforeTheTimeElement() throws {
        let script = """
            <script type="application/ld+json">{"@context": "https://schema.org",
              "@graph": [{"@type": "NewsArticle", "datePublished": "Sun, 01 Nov 2026 08:00:00 GMT"}]}</script>
            """
        let article = try parse(makePage(head: script))
        #expect(article.published == "2026-11-01T08:00:00.000Z")
    }

    @Test func aTimeThatNamesNoMomentIsSkipped() throws {
        let article = try parse(makePage(article: """
            <p>Read in <time datetime="PT4M">4 minutes</time>.</p><time datetime="2026-11-02">2 Nov</time>
            """))
        #expect(article.published == "2026-11-02")
    }

    @Test func anUnreadableMetaDateIsInvalidPublished() {
        let page = makePage(head: #"<meta property="article:published_time" content="yesterday">"#)
        let rejection = rejection(Array(page.utf8))
        #expect(rejection?.code == .invalidPublished)
        #expect(rejection?.reason.contains("article:published_time") == true)
    }

    /// `text` in a single-byte encoding: each scalar (all below U+0100) as the byte of its value.
    func singleBytes(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    @Test func aWindows1252PageReadsAsItsCharsetSays() throws {
        let bytes = singleBytes("""
            <html><head><meta charset="windows-1252"><title>Caf\u{E9} \u{93}open\u{94}</title></head>
            <body><p>Na\u{EF}ve prices: 5 \u{80}\u{96} ok</p></body></html>
            """)
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let article = try ArticleParser.parse(bytes, fileName: "cafe.html")
        #expect(article.title == "Café “open”")
        #expect(article.body == "Naïve prices: 5 €– ok")
    }

    @Test func anISO88591PageIsReadAsWindows1252AsBrowsersDo() throws {
        let bytes = singleBytes("""
            <html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>
            <body><p>\u{93}Gr\u{FC}\u{DF}\u{94} &#150; hi</p></body></html>
            """)
        let article = try ArticleParser.parse(bytes, fileName: "old.htm")
        #expect(article.body == "“Grüß” – hi")
    }

    @Test func aPageWithoutACharsetIsUTF8() throws {
        let article = try parse("<p>Zürich – naïve</p>")
        #expect(article.body == "Zürich – naïve")
        #expect(article.title == "Zürich – naïve")
    }

    @Test func aPageWithoutParagraphsGivesItsTextBlockByBlock() throws {
        let article = try parse("""
            <html><body><nav>Home | World</nav><div>First block of the text</div>
            <div>Second block<br>and its second line</div><span>inline tail</span></body></html>
            """)
        #expect(article.body == "First block of the text\n\nSecond block\nand its second line\n\ninline tail")
        #expect(article.title == "First block of the text")
    }

    @Test func aPageWithATitleButNoTextIsMissingText() {
        let page = """
            <html><head><title>App</title></head><body><div id="root"></div><script>render()</script></body></html>
            """
        #expect(rejection(Array(page.utf8))?.code == .missingText)
    }

    @Test func aPageWithNeitherTextNorTitleIsEmpty() {
        #expect(rejection(Array("<html><body><nav>Home</nav></body></html>".utf8))?.code == .empty)
    }

    @Test func aFileWithNoElementIsMissingTextAndAnEmptyFileIsEmpty() throws {
        #expect(rejection(Array("<!DOCTYPE html><!-- nothing -->".utf8))?.code == .missingText)
        let empty = try parse(" \n")
        #expect(empty.body.isEmpty && empty.title.isEmpty)
    }

    @Test func aNULByteIsBinaryEvenInAPage() {
        #expect(rejection(Array("<p>a".utf8) + [0] + Array("b</p>".utf8))?.code == .binary)
    }

    @Test func malformedMarkupIsRecovered() throws {
        let article = try parse("<html><body><article><p>One <b>bold<p>Two</i></div><li>Three & four<p>Five")
        #expect(article.body == "One bold\n\nTwo\n\nThree & four\n\nFive")
    }

    @Test func theArticleWithTheMostTextIsTheStory() throws {
        let article = try parse("""
            <body><article><h1>Teaser</h1><p>Short.</p></article>
            <article><h1>The story</h1><p>This one has far more words in it.</p><p>And more.</p></article></body>
            """)
        #expect(article.title == "The story")
        #expect(article.body == "This one has far more words in it.\n\nAnd more.")
    }

    @Test func articleBodyOrMainWhenThereIsNoArticleElement() throws {
        let itemprop = try parse(#"<body><p>Cookie banner</p><div itemprop="articleBody"><p>The text.</p></div></body>"#)
        #expect(itemprop.body == "The text.")
        let main = try parse("<body><p>Cookie banner</p><main><p>Main text.</p></main></body>")
        #expect(main.body == "Main text.")
    }

    /// libxml2 stops at 256 levels (what lies deeper is not read); the tree is walked without recursion anyway.
    @Test func deepMarkupIsReadUpToLibxml2sDepthLimit() throws {
        let nesting = String(repeating: "<div><span>", count: 200_000)
        let page = "<body><p>Before the nesting.</p>" + nesting + "<p>deep</p>"
        #expect(try parse(page).body == "Before the nesting.")
    }

    @Test func thePageAndItsTextAreDuplicates() throws {
        let html = try parse(makePage(head: #"<meta property="og:title" content="Harbour reopens after the storm">"#))
        let text = try parse("""
            Title: Harbour reopens after the storm

            The harbour reopened on Sunday, three days after the storm.

            Fishing boats left at dawn & ferries ran again.

            What comes next

            Repairs to the sea wall
            start next week.

            """, "harbour.txt")
        #expect(html.title == text.title)
        var engine = try Engine()
        var analyzer = ArticleAnalyzer()
        let arrival = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        _ = try engine.judge(Submission(text, sha256: "t", arrival: arrival, analyzer: &analyzer))
        let judgement = try engine.judge(Submission(html, sha256: "h", arrival: arrival, analyzer: &analyzer))
        guard case .duplicate(of: _, measure: _, similarity: let similarity) = judgement.verdict else {
            Issue.record("expected a duplicate, got \(judgement.verdict)")
            return
        }
        #expect(similarity == 1)
    }
}
