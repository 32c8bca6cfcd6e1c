/// A generated news article: the parts a revision can change, and the text a file would hold.
public struct NewsArticle: Sendable {
    public var headline: String
    public var byline: String
    public var paragraphs: [String]

    public init(headline: String, byline: String, paragraphs: [String]) {
        self.headline = headline
        self.byline = byline
        self.paragraphs = paragraphs
    }

    /// Headline, byline and paragraphs as a file body lays them out: one line each, paragraphs apart.
    public var text: String {
        var text = headline + "\n" + byline + "\n\n"
        text += paragraphs.joined(separator: "\n\n")
        text += "\n"
        return text
    }
}
