import Testing
@testable import StorylineCore

@Suite struct BoilerplateTests {
    func keptText(_ text: String, _ boilerplate: Boilerplate = Boilerplate()) -> [String] {
        var tokenizer = Tokenizer()
        let tokens = tokenizer.tokenize(text)
        return boilerplate.contentRanges(of: tokens).flatMap { range in range.map { tokens.word(at: $0) } }
    }

    @Test func removesBuiltInFurniture() {
        let text = """
            Open this photo in gallery:
            The minister spoke.
            Story continues below advertisement
            Click to play video: 'Takeaways from the meeting'
            Share this article
            Reporting by Jane Doe; Editing by John Roe
            Jane Doe contributed to this report.
            © 2018 The Independent. All rights reserved.
            """
        #expect(keptText(text) == ["the", "minister", "spoke"])
    }

    @Test func keepsLongLinesThatStartLikeFurniture() {
        let text = "Share prices fell on Tuesday as investors weighed the central bank's decision to hold rates."
        #expect(keptText(text).count == 16)
    }

    @Test func learnsLinesThatRecurAcrossStories() {
        var boilerplate = Boilerplate(learnAfterStories: 3)
        var tokenizer = Tokenizer()
        let line = "Get the Daily Brief delivered to your inbox each morning."
        for story in 1...3 {
            #expect(keptText("Story \(story) text.\n\(line)", boilerplate).count > 3)
            boilerplate.observe(tokenizer.tokenize("Story \(story) text.\n\(line)"), story: story)
        }
        #expect(keptText("Other text.\n\(line)", boilerplate) == ["other", "text"])
        #expect(boilerplate.learnedCount == 1)
    }

    @Test func oneStoryRepeatingALineTeachesNothing() {
        var boilerplate = Boilerplate(learnAfterStories: 3)
        var tokenizer = Tokenizer()
        for _ in 1...5 { boilerplate.observe(tokenizer.tokenize("A quote everyone repeats."), story: 7) }
        #expect(boilerplate.learnedCount == 0)
    }
}
