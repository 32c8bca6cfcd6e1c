import Testing
@testable import StorylineCore

@Suite struct TokenizerTests {
    func words(_ text: String) -> [String] {
        var tokenizer = Tokenizer()
        let result = tokenizer.tokenize(text)
        return result.tokens.indices.map { result.word(at: $0) }
    }

    @Test func foldsCaseAndSplitsOnPunctuation() {
        #expect(words("Hello, WORLD! It's 9am.") == ["hello", "world", "it", "s", "9am"])
    }

    @Test func foldsDiacriticsLigaturesAndWidth() {
        #expect(words("Café Ｆｕｌｌ ﬁnance naïve Ångström") == ["cafe", "full", "finance", "naive", "angstrom"])
    }

    @Test func curlyAndStraightQuotesGiveTheSameWords() {
        #expect(words("He said “it isn’t” — done") == words("He said \"it isn't\" - done"))
    }

    @Test func everyKindOfSpaceSeparatesAndZeroWidthVanishes() {
        #expect(words("one\u{00A0}two\u{2009}three\u{200B}four\u{00AD}five") == ["one", "two", "threefourfive"])
    }

    @Test func digitGroupsAreOneNumber() {
        #expect(words("5,000 people and 3.5 percent, 2019. Then") == ["5000", "people", "and", "35", "percent", "2019", "then"])
    }

    /// A prepared article waits in the read-ahead with its words: they must take what they hold, not
    /// the room the scan needed (half a word per byte), or a backlog holds 12 bytes of words per byte.
    @Test func wordsTakeNoMoreRoomThanTheyNeed() {
        var tokenizer = Tokenizer()
        let prose = String(repeating: "The council met on Monday to discuss the budget for schools. ", count: 200)
        let text = tokenizer.tokenize(prose)
        #expect(text.tokens.count == 2_200)
        #expect(text.tokens.capacity <= text.tokens.count + 8)
    }

    @Test func equalWordsHashEqual() {
        var tokenizer = Tokenizer()
        let a = tokenizer.tokenize("Zürich")
        let b = tokenizer.tokenize("ZURICH")
        #expect(a.tokens.map(\.hash) == b.tokens.map(\.hash))
        #expect(a.tokens[0].hash == Hashing.word("zurich"))
    }

    @Test func linesAreRecordedWhateverTheLineEndings() {
        var tokenizer = Tokenizer()
        let lf = tokenizer.tokenize("first line\n\nsecond line\nthird")
        let crlf = tokenizer.tokenize("first line\r\n\r\nsecond line\r\nthird")
        #expect(lf.lineStarts == [0, 2, 4])
        #expect(crlf.lineStarts == lf.lineStarts)
        #expect(crlf.tokens.map(\.hash) == lf.tokens.map(\.hash))
    }

    @Test func ideographsAreWordsOfTheirOwn() {
        #expect(words("東京 news") == ["東", "京", "news"])
    }

    @Test func numericTokensAreMarked() {
        var tokenizer = Tokenizer()
        let text = tokenizer.tokenize("2019 b2b")
        #expect(text.tokens.map(\.isNumeric) == [true, false])
    }
}
