import Testing
@testable import StorylineCore

@Suite struct ArticleParserTests {
    func parse(_ text: String, _ name: String = "a.json") throws(ArticleRejection) -> ParsedArticle {
        try ArticleParser.parse(Array(text.utf8), fileName: name)
    }

    func rejection(_ bytes: [UInt8], _ name: String) -> ArticleRejection.Code? {
        do {
            _ = try ArticleParser.parse(bytes, fileName: name)
            return nil
        } catch {
            #expect(!error.reason.isEmpty)
            return error.code
        }
    }

    @Test func readsEveryJSONField() throws {
        let article = try parse(#"{"id":"x1","title":" Big\nNews ","text":"Body here.","source":"Wire","url":"https://e.x/1","published":"2019-01-23"}"#)
        #expect(article.title == "Big News")
        #expect(article.body == "Body here.")
        #expect(article.source == "Wire")
        #expect(article.url == "https://e.x/1")
        #expect(article.published == "2019-01-23")
        #expect(article.publishedTime == Timestamp(parsing: "2019-01-23"))
    }

    @Test func acceptsBodyForTextAndInfersTheTitle() throws {
        let article = try parse(#"{"body":"\nAdvertisement\nFirst real line\nSecond","source":null}"#)
        #expect(article.title == "First real line")
        #expect(article.source == nil)
    }

    @Test func readsATextHeaderBlock() throws {
        let text = "\u{FEFF}Title: Storm hits coast\r\nSource: Daily\r\nURL: https://d.x/s\r\nPublished: 2026-11-20T08:00:00Z\r\n\r\nThe storm arrived.\r\n"
        let article = try ArticleParser.parse(Array(text.utf8), fileName: "story.txt")
        #expect(article.title == "Storm hits coast")
        #expect(article.source == "Daily")
        #expect(article.url == "https://d.x/s")
        #expect(article.publishedTime == Timestamp(parsing: "2026-11-20T08:00:00Z"))
        #expect(article.body.contains("The storm arrived."))
        #expect(!article.body.contains("Source:"))
    }

    @Test func withoutAHeaderTheFirstMeaningfulLineIsTheTitle() throws {
        let article = try parse("Open this photo in gallery:\n\nCarney meets Trump\n\nBody text.", "seed")
        #expect(article.title == "Carney meets Trump")
        #expect(article.body.hasPrefix("Open this photo"))
    }

    @Test func aColonInTheFirstLineIsNotAHeader() throws {
        let article = try parse("Breaking: markets fall\n\nStocks fell sharply.", "n.md")
        #expect(article.title == "Breaking: markets fall")
        #expect(article.body.hasPrefix("Breaking"))
    }

    @Test func rejectsWhatIsNotAnArticle() {
        #expect(rejection([0x61, 0x00, 0x62], "a.txt") == .binary)
        #expect(rejection([0x61, 0xff, 0xfe], "a.txt") == .notUTF8)
        #expect(rejection(Array("{\"text\": ".utf8), "a.json") == .malformedJSON)
        #expect(rejection(Array("[1, 2]".utf8), "a.json") == .malformedJSON)
        #expect(rejection(Array("{\"title\": \"t\"}".utf8), "a.json") == .missingText)
        #expect(rejection(Array("{\"text\": \"x\", \"title\": 5}".utf8), "a.json") == .invalidField)
        #expect(rejection(Array("{\"text\": \"x\", \"published\": \"soon\"}".utf8), "a.json") == .invalidPublished)
        #expect(rejection(Array("Published: last week\n\nBody".utf8), "a.txt") == .invalidPublished)
        #expect(rejection(Array("text".utf8), "a.pdf") == .unsupportedType)
    }

    @Test func deepJSONIsMalformedNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(rejection(Array(deep.utf8), "deep.json") == .malformedJSON)
    }

    @Test func aOneLineFileOfMegabytesGivesATitleCutAt300Characters() throws {
        let article = try parse(String(repeating: "word ", count: 2_000_000), "line.txt")
        #expect(article.title.count == 301)
        #expect(article.title.hasSuffix("…"))
        #expect(article.body.utf8.count == 10_000_000)
    }

    @Test func whiteSpaceInATitleCostsNothingAndCutsNothing() {
        let spaces = String(repeating: " ", count: 100_000)
        #expect(ArticleParser.clean("abc" + spaces + "def") == "abc def")
        #expect(ArticleParser.clean("abc" + spaces) == "abc")
    }

    @Test func belowAHeaderEveryLineBreakIsALineFeed() throws {
        let article = try parse("Title: t\n\none\r\ntwo\u{0C}three\u{2028}four\rfive\u{85}six", "a.txt")
        #expect(article.title == "t")
        #expect(article.body == "one\ntwo\nthree\nfour\nfive\nsix")
    }

    @Test func aHeaderKeyIsFoundOnlyAtTheStartOfALine() throws {
        let long = try parse("This line is long and only then says title: not a header\n\nBody.", "a.txt")
        #expect(long.title == "This line is long and only then says title: not a header")
        let spaced = try parse("  TITLE :  x\n\nBody.", "a.txt")
        #expect(spaced.title == "TITLE : x")
        let header = try parse("  TiTlE:  Spaced out  \n\nBody.", "a.txt")
        #expect(header.title == "Spaced out")
        #expect(header.body == "Body.")
    }

    @Test func formatsByName() {
        #expect(ArticleParser.format(ofFileNamed: "a.JSON") == .json)
        #expect(ArticleParser.format(ofFileNamed: "README") == .text)
        #expect(ArticleParser.format(ofFileNamed: "x.md") == .text)
        #expect(ArticleParser.format(ofFileNamed: "x.tar.gz") == nil)
    }
}
