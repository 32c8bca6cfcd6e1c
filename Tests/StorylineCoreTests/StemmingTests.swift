import Testing
@testable import StorylineCore

@Suite struct StemmingTests {
    func stem(_ word: String) -> String {
        var letters = Array(word.utf8)
        let kept = letters.withUnsafeMutableBufferPointer { PorterStemmer.stem($0.baseAddress!, count: $0.count) }
        return String(decoding: letters.prefix(kept), as: UTF8.self)
    }

    /// Porter's own examples from the 1980 paper, step by step.
    @Test func stemsThePapersExamples() {
        let examples = [
            "caresses": "caress", "ponies": "poni", "ties": "ti", "caress": "caress", "cats": "cat",
            "feed": "feed", "agreed": "agre", "plastered": "plaster", "bled": "bled", "motoring": "motor",
            "sing": "sing", "conflated": "conflat", "troubled": "troubl", "sized": "size", "hopping": "hop",
            "tanned": "tan", "falling": "fall", "hissing": "hiss", "fizzed": "fizz", "failing": "fail",
            "filing": "file", "happy": "happi", "sky": "sky", "relational": "relat", "conditional": "condit",
            "rational": "ration", "digitizer": "digit", "vietnamization": "vietnam", "operator": "oper",
            "hopefulness": "hope", "electrical": "electr", "goodness": "good", "allowance": "allow",
            "airliner": "airlin", "adjustable": "adjust", "replacement": "replac", "adoption": "adopt",
            "homologous": "homolog", "effective": "effect", "probate": "probat", "rate": "rate",
            "cease": "ceas", "controll": "control", "roll": "roll",
        ]
        for (word, expected) in examples { #expect(stem(word) == expected, "\(word)") }
    }

    /// The related words that kept headlines of one event apart in basil_headlines_dense.
    @Test func foldsTheFormsHeadlinesOfOneEventUse() {
        #expect(stem("senator") == stem("senate"))
        #expect(stem("senators") == stem("senate"))
        #expect(stem("subpoenas") == stem("subpoena"))
        #expect(stem("clintons") == stem("clinton"))
        #expect(stem("charged") == stem("charges"))
    }

    func terms(_ text: String) -> Set<UInt64> {
        var tokenizer = Tokenizer()
        var stems = StemCache()
        let title = tokenizer.tokenize(text)
        let bag = TermBag(title: title, body: tokenizer.tokenize(""), bodyRanges: [], stems: &stems)
        return Set(bag.terms)
    }

    @Test func storyTermsAreStemsAndOtherScriptsAndNumbersStayWhole() {
        #expect(terms("Senators subpoena Clintons") == terms("senate subpoenas Clinton"))
        #expect(terms("Москва 2024") == terms("Москва 2024"))
        #expect(terms("Café crowds") == terms("cafe crowd"))
        #expect(terms("wells") != terms("well"))  // "well" is a stop word: "wells" keeps its own term
        #expect(!terms("wells").isEmpty)
    }

    /// The cache changes no term: a word looked up with a full cache, an emptied one, or none at all
    /// gets the same term, so terms never depend on what came before.
    @Test func theCacheChangesNoTerm() {
        var tokenizer = Tokenizer()
        let text = tokenizer.tokenize("Cafés café CAFE senators Senator senate 2024 naïve")
        var warm = StemCache()
        let first = text.tokens.map { warm.term(of: $0, in: text) }
        let again = text.tokens.map { warm.term(of: $0, in: text) }
        let uncached = text.tokens.map { Stemming.term(of: $0, in: text) }
        #expect(first == again)
        #expect(first == uncached)
    }

    @Test func aStemmedTermIsShownAsTheTextWroteIt() throws {
        var engine = try Engine()
        var tokenizer = Tokenizer()
        let first = try engine.judge(Fixtures.submission(
            title: "Senators subpoena Veridian chief over brake recall", body: "Senators subpoena Veridian chief over brake recall",
            tokenizer: &tokenizer))
        let second = try engine.judge(Fixtures.submission(
            title: "Veridian chief subpoenaed by senator over recalled brakes", body: "Veridian chief subpoenaed by senator over recalled brakes",
            tokenizer: &tokenizer))
        #expect(second.story == first.story)
        guard case .extended(_, let shown, _) = second.verdict else {
            Issue.record("expected story_extended, got \(second.verdict)")
            return
        }
        #expect(shown.contains("veridian"))
        #expect(shown.allSatisfy { "veridian chief subpoenaed by senator over recalled brakes".contains($0) })
    }
}
