/// What a consumer is told about a story on each of its lines: what names it, how it began, how much
/// coverage it has had and over what time, and whether it still takes articles.
public struct StorySummary: Sendable, Hashable {
    public var story: Int
    /// The story's name: the first headline a producer gave one of its original articles (a `title`
    /// field, a `Title:` header, a page's headline), or, while none has, its first article's own first
    /// line. Cut to `maximumLabelLength` characters at a word.
    public var label: String
    /// Whether `label` is a headline a producer gave, rather than the first line of a text.
    public var labelIsHeadline: Bool
    /// The article that started the story.
    public var firstArticle: Int
    /// Every article judged into the story, duplicates included.
    public var articles: Int
    /// Of those, the duplicates.
    public var duplicates: Int
    /// The earliest and latest time of its coverage, by the times its articles were judged at.
    public var first: Timestamp
    public var last: Timestamp
    /// No article joins it any more (`StoryIndex.closeStories(asOf:decay:)`); a copy of one of its
    /// articles is still its duplicate.
    public var closed = false

    /// Longest label kept, in characters, before "…".
    public static let maximumLabelLength = 120

    public init(story: Int, label: String, labelIsHeadline: Bool, firstArticle: Int, articles: Int, duplicates: Int,
                first: Timestamp, last: Timestamp, closed: Bool) {
        self.story = story
        self.label = label
        self.labelIsHeadline = labelIsHeadline
        self.firstArticle = firstArticle
        self.articles = articles
        self.duplicates = duplicates
        self.first = first
        self.last = last
        self.closed = closed
    }

    /// Starts the summary of `story` with its first article.
    init(story: Int, firstArticle: Int, title: String, titleIsHeadline: Bool, at time: Timestamp) {
        self.story = story
        label = Self.label(title)
        labelIsHeadline = titleIsHeadline
        self.firstArticle = firstArticle
        articles = 1
        duplicates = 0
        first = time
        last = time
    }

    /// Counts an original article: its title becomes the label if it is the story's first headline.
    mutating func addOriginal(title: String, titleIsHeadline: Bool) {
        articles += 1
        if titleIsHeadline && !labelIsHeadline {
            label = Self.label(title)
            labelIsHeadline = true
        }
    }

    /// `title` cut to `maximumLabelLength` characters, at the last space before the cut when there is one.
    static func label(_ title: String) -> String {
        guard title.count > maximumLabelLength else { return title }
        let cut = title.prefix(maximumLabelLength)
        let words = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return words.trimmingTrailingPunctuation() + "…"
    }
}

private extension Substring {
    func trimmingTrailingPunctuation() -> String {
        String(reversed().drop { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" || $0 == "-" || $0 == "—" }.reversed())
    }
}

extension StorySummary {
    func write(to writer: inout SnapshotWriter) throws {
        try writer.put(story)
        try writer.put(label)
        try writer.put(labelIsHeadline)
        try writer.put(firstArticle)
        try writer.put(articles)
        try writer.put(duplicates)
        try writer.put(first)
        try writer.put(last)
        try writer.put(closed)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        story = try reader.get()
        label = try reader.get()
        labelIsHeadline = try reader.get()
        firstArticle = try reader.get()
        articles = try reader.get()
        duplicates = try reader.get()
        first = try reader.get()
        last = try reader.get()
        closed = try reader.get()
    }
}
