import Testing
@testable import StorylineCore

/// IDF over stories and articles: a beat's words weigh little, a story's own name stays telling, and
/// no story can make its own words look rare by drawing most of the stream.
@Suite struct DocumentFrequenciesTests {
    let beat: UInt64 = 1, name: UInt64 = 2, filler: UInt64 = 3, unseen: UInt64 = 4

    @Test func aBeatWordAcrossManyStoriesWeighsLessThanAStorysOwnName() {
        var frequencies = DocumentFrequencies()
        // Forty small stories of one beat, each of three articles naming the beat word.
        for story in 0..<40 {
            for article in 0..<3 {
                let own = UInt64(100 + story)
                frequencies.observe([beat, own], startsStory: article == 0) { _ in false }
            }
        }
        // One story of forty articles, all naming it.
        for article in 0..<40 {
            frequencies.observe([name], startsStory: article == 0) { _ in false }
        }
        #expect(frequencies.idf(beat) < frequencies.idf(name))
        #expect(frequencies.idf(name) < frequencies.idf(unseen))
    }

    @Test func aStoryThatDrewMostOfTheStreamDoesNotMakeItsWordsRare() {
        var frequencies = DocumentFrequencies()
        frequencies.observe([filler, name], startsStory: true) { _ in true }
        for _ in 0..<1_000 {
            frequencies.observe([filler], startsStory: false) { _ in false }
        }
        // In one story only, yet in every article: as common as a word can be.
        #expect(frequencies.idf(filler) < 0.2)
        #expect(frequencies.idf(name) > 5 * frequencies.idf(filler))
    }
}
