import NewsCorpus
import StorylineCore

/// The inputs of the engine benchmarks, built once per benchmark in its setup so generating them is
/// never measured.
struct TextFixture: Sendable {
    let engine: Engine
    let texts: [String]
    let totalBytes: Int

    /// `count` generated articles and an engine with the shipped configuration.
    init(articles count: Int) throws {
        let corpus = NewsCorpus(count: count)
        engine = try Engine()
        texts = corpus.texts
        totalBytes = corpus.totalBytes
    }
}
