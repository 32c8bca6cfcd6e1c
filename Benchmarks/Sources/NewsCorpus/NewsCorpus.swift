/// A fixed set of generated articles and the copy-edited revisions of some of them.
public struct NewsCorpus: Sendable {
    /// The seed every benchmark uses unless it says otherwise.
    public static let defaultSeed: UInt64 = 0x5707_11e0_2025_0001

    public let articles: [NewsArticle]
    /// The article texts, as the engine reads them.
    public let texts: [String]

    /// Generates `count` articles from `seed`.
    public init(count: Int, seed: UInt64 = NewsCorpus.defaultSeed) {
        var generator = ArticleGenerator(seed: seed)
        articles = (0..<count).map { _ in generator.article() }
        texts = articles.map(\.text)
    }

    /// The UTF-8 size of every text together.
    public var totalBytes: Int { texts.reduce(0) { $0 + $1.utf8.count } }

    /// A revision of each of the first `count` articles, generated from `seed`.
    public func revisions(count: Int, seed: UInt64 = NewsCorpus.defaultSeed ^ 0xffff) -> [NewsArticle] {
        var generator = ArticleGenerator(seed: seed)
        return articles.prefix(count).map { generator.revision(of: $0) }
    }
}
