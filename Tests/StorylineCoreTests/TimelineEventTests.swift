import Testing
@testable import StorylineCore

@Suite struct TimelineEventTests {
    let time = Timestamp(millisecondsSinceEpoch: 1_763_785_990_123)

    func makeArticle(title: String = "Title", file: String = "a.json") -> TimelineEvent.Article {
        TimelineEvent.Article(
            id: "a2", file: file, title: title, source: "Wire", url: nil, published: "2019-01-23",
            words: 120, sha256: String(repeating: "ab", count: 32))
    }

    @Test func storyStartedLine() {
        let judgement = Judgement(article: 2, story: 1, words: 120, verdict: .started)
        let line = TimelineEvent(seq: 1, time: time, judgement: judgement, article: makeArticle()).jsonLine
        #expect(line == #"{"seq":1,"time":"2025-11-22T04:33:10.123Z","event":"story_started","story":"s1","article":{"id":"a2","file":"a.json","title":"Title","source":"Wire","url":null,"published":"2019-01-23","words":120,"sha256":"\#(String(repeating: "ab", count: 32))"}}"# + "\n")
    }

    @Test func storyExtendedLineHasSimilarityTermsAndTheTimeGap() {
        let judgement = Judgement(article: 2, story: 1, words: 120, verdict: .extended(similarity: 0.41234, terms: ["carney", "steel"], gapHours: 30))
        let line = TimelineEvent(seq: 2, time: time, judgement: judgement, article: makeArticle()).jsonLine
        #expect(line.hasSuffix(#","similarity":0.4123,"why":{"terms":["carney","steel"],"gap_hours":30}}"# + "\n"))
    }

    @Test func duplicateLineNamesItsOriginal() {
        let judgement = Judgement(article: 3, story: 1, words: 120, verdict: .duplicate(of: 2, measure: .containment, similarity: 1))
        let line = TimelineEvent(seq: 3, time: time, judgement: judgement, article: makeArticle()).jsonLine
        #expect(line.contains(#""event":"duplicate","story":"s1""#))
        #expect(line.hasSuffix(#""duplicate_of":"a2","similarity":1.0,"why":{"measure":"containment","value":1.0}}"# + "\n"))
    }

    @Test func rejectedLine() {
        let event = TimelineEvent(seq: 4, time: time, rejectedFile: "x.bin", rejection: ArticleRejection(.binary, "it is binary"))
        #expect(event.jsonLine == #"{"seq":4,"time":"2025-11-22T04:33:10.123Z","event":"rejected","file":"x.bin","code":"binary","reason":"it is binary"}"# + "\n")
    }

    @Test func hostileTextStaysOnOneLineOfValidJSON() {
        let title = "Line\nbreak \"quoted\" \\ tab\t nul\u{0} esc\u{1B}[31m sep\u{2028} del\u{7F}"
        let line = TimelineEvent(seq: 1, time: time, judgement: Judgement(article: 1, story: 1, words: 1, verdict: .started),
                                 article: makeArticle(title: title, file: "bad\nname.txt")).jsonLine
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(line.contains(#""title":"Line\nbreak \"quoted\" \\ tab\t nul\u0000 esc\u001b[31m sep\u2028 del\u007f""#))
        #expect(line.contains(#""file":"bad\nname.txt""#))
    }

    /// The writer copies UTF-8 a run at a time: the escapes inside multibyte text are the scalars'
    /// own, and their neighbours (one byte short of an escape) are copied as they are.
    @Test func multibyteTextIsEscapedByScalar() {
        let title = "café \u{85}nel\u{9F} \u{A0}nbsp € \u{2027}\u{2029}\u{202A} 🦉\u{C2}"
        let line = TimelineEvent(seq: 1, time: time, judgement: Judgement(article: 1, story: 1, words: 1, verdict: .started),
                                 article: makeArticle(title: title)).jsonLine
        #expect(line.contains(#""title":"café \u0085nel\u009f \#u{A0}nbsp € \#u{2027}\u2029\#u{202A} 🦉\#u{C2}""#))
    }
}
