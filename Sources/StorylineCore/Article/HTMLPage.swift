import Foundation

/// An HTML page read as an article: its headline, its text, and what its meta tags say of it.
///
/// A reader's view of the page, not the markup's: the text is the article's paragraphs joined with blank
/// lines, so a page and the `.txt` a person saves from it give the same words and are judged duplicates.
/// Navigation, headers, footers, asides, forms, figures and their captions, scripts, styles and comments
/// are page furniture, never text. The tree comes from libxml2 (`HTMLDocument`); no markup is parsed here.
struct HTMLPage: Sendable, Hashable {
    /// A publication time as the page wrote it, and where, for a rejection's reason.
    struct Publication: Sendable, Hashable {
        var value: String
        var key: String
    }

    /// `og:title`, else the article's first `h1`, else the page's first `h1`, else `<title>`; as written.
    var headline: String?
    /// The paragraphs (`p`, `li`, `blockquote`, `h2`…`h6`) of the article, each one line (a `<br>` breaks
    /// it), joined with blank lines; when there are none, the article's text with a line per block.
    var text: String
    /// `article:published_time`, else JSON-LD's `datePublished`, else the article's first `<time datetime>`
    /// that names a moment.
    var published: Publication?
    /// `og:site_name`.
    var siteName: String?
    /// `og:url`, else `<link rel="canonical">`.
    var url: String?

    /// Elements whose contents are never the article's text.
    static let furniture: Set<String> = [
        "nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form", "figure",
        "figcaption", "svg", "iframe", "button", "select", "textarea",
    ]

    /// Where a headline and a `<time>` are looked for: an article's own `<header>` holds both.
    static let headlineFurniture = furniture.subtracting(["header"])

    /// The elements whose text is the article's, each a paragraph of its own.
    static let paragraphElements: Set<String> = ["p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6"]

    /// The elements that end a paragraph when a page has no paragraph elements to read.
    static let blockElements = paragraphElements.union([
        "address", "article", "body", "caption", "center", "dd", "div", "dl", "dt", "h1", "hr", "main", "ol",
        "pre", "section", "table", "td", "th", "tr", "ul",
    ])

    /// Reads the page in `bytes`, whatever its encoding.
    ///
    /// - Throws: `ArticleRejection` `missingText` for a page whose only words are its title or a
    ///   file with no element at all (a doctype alone), `empty` for a page with neither text nor title,
    ///   `invalidPublished` for an `article:published_time` or `datePublished` that names no moment.
    init(parsing bytes: [UInt8]) throws(ArticleRejection) {
        let page = try HTMLDocument.withRootElement(ofPage: bytes) { root throws(ArticleRejection) in
            try HTMLPage(root: root)
        }
        if let page {
            self = page
        } else if bytes.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) {
            // An empty file is an empty article, as an empty `.txt` is: the judge says `empty`.
            self.init(headline: nil, text: "", published: nil, siteName: nil, url: nil)
        } else {
            throw ArticleRejection(.missingText, "libxml2 found no HTML element in the file "
                + "(only a doctype, comments or nothing it can read): it is not a page")
        }
    }

    private init(headline: String?, text: String, published: Publication?, siteName: String?, url: String?) {
        self.headline = headline
        self.text = text
        self.published = published
        self.siteName = siteName
        self.url = url
    }

    private init(root: HTMLDocument.Node) throws(ArticleRejection) {
        let outline = Outline(root)
        let content = outline.content ?? root
        let paragraphs = Self.paragraphs(of: content)
        text = (paragraphs.isEmpty ? Self.blocks(of: content) : paragraphs).joined(separator: "\n\n")
        let headlines = [outline.meta["og:title"], Self.firstHeading(in: content),
                         Self.firstHeading(in: outline.body ?? root), outline.title]
        headline = headlines.lazy.compactMap { $0 }.first { ArticleParser.clean($0) != nil }
        guard !text.isEmpty else {
            if let title = ArticleParser.clean(headline) {
                // A page that builds its article with JavaScript, or a paywall's: judging it by its title
                // alone would make every such page of a site one story.
                throw ArticleRejection(.missingText, "the page \"\(title)\" has no text outside navigation, "
                    + "headers, footers, asides, scripts and captions: save the page once its article is in the HTML")
            }
            throw ArticleRejection(.empty, "the page has no text outside navigation, headers, footers, asides, "
                + "scripts and captions, and no title")
        }
        siteName = outline.meta["og:site_name"]
        url = outline.meta["og:url"] ?? outline.canonical
        if let time = outline.meta["article:published_time"] {
            published = Publication(value: time, key: "article:published_time")
        } else if let time = outline.jsonLD.lazy.compactMap(Self.datePublished(inJSONLD:)).first {
            published = Publication(value: time, key: "datePublished")
        } else if outline.contentIsArticle {
            published = Self.firstTime(in: content).map { Publication(value: $0, key: "time datetime") }
        } else {
            published = nil
        }
    }

    /// What one pass over the whole page finds: its meta tags, title, canonical link and JSON-LD, and the
    /// element that holds the article.
    private struct Outline {
        /// `<meta property=… content=…>` and `<meta name=… content=…>`, keys lowercase, the first of each.
        var meta: [String: String] = [:]
        var title: String?
        var canonical: String?
        var jsonLD: [String] = []
        var body: HTMLDocument.Node?
        /// The `<article>` with the most paragraph text, else the first `itemprop="articleBody"`, else the
        /// first `<main>`, else the `<body>`; nil when the page has none of them.
        var content: HTMLDocument.Node?
        /// Whether `content` is an article (`<article>` or `articleBody`), whose `<time>` is its date.
        var contentIsArticle = false

        init(_ root: HTMLDocument.Node) {
            var articles: [HTMLDocument.Node] = []
            var articleBody: HTMLDocument.Node?
            var main: HTMLDocument.Node?
            var furnitureDepth = 0
            var articleDepth = 0
            root.walk { node, step in
                guard node.isElement else { return false }
                let name = node.name
                if step == .leave {
                    if HTMLPage.furniture.contains(name) { furnitureDepth -= 1 }
                    if name == "article" { articleDepth -= 1 }
                    return false
                }
                switch name {
                case "meta":
                    if let content = node.attribute("content").flatMap(Self.nonBlank) {
                        let keys = [node.attribute("property"), node.attribute("name")].compactMap { $0?.lowercased() }
                        for key in keys where meta[key] == nil { meta[key] = content }
                    }
                case "link":
                    if canonical == nil, Self.tokens(of: node.attribute("rel")).contains("canonical") {
                        canonical = node.attribute("href").flatMap(Self.nonBlank)
                    }
                case "title" where title == nil && furnitureDepth == 0:
                    title = Self.nonBlank(node.textContent)
                case "script":
                    if node.attribute("type")?.lowercased().contains("ld+json") == true {
                        jsonLD.append(node.textContent)
                    }
                    return false
                case "style", "template":
                    return false
                case "body" where body == nil:
                    body = node
                case "article" where furnitureDepth == 0 && articleDepth == 0:
                    articles.append(node)
                case "main" where furnitureDepth == 0 && main == nil:
                    main = node
                default:
                    break
                }
                if articleBody == nil, furnitureDepth == 0,
                   Self.tokens(of: node.attribute("itemprop")).contains("articleBody") {
                    articleBody = node
                }
                if HTMLPage.furniture.contains(name) { furnitureDepth += 1 }
                if name == "article" { articleDepth += 1 }
                return true
            }
            // A page of teasers has many articles; the story is the one with the most to read.
            let longest = articles.map { article in
                (article, HTMLPage.paragraphs(of: article).reduce(0) { $0 + $1.utf8.count })
            }.max { $0.1 < $1.1 }?.0
            content = longest ?? articleBody ?? main ?? body
            contentIsArticle = longest != nil || articleBody != nil
        }

        static func nonBlank(_ value: String) -> String? {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }

        /// A space-separated attribute's values (`rel`, `itemprop`).
        static func tokens(of value: String?) -> [Substring] {
            value?.split(whereSeparator: \.isWhitespace) ?? []
        }
    }

    /// The text of the paragraph elements under `root`, one string per paragraph, furniture left out.
    static func paragraphs(of root: HTMLDocument.Node) -> [String] {
        collectText(under: root, outsideParagraphs: false) { paragraphElements.contains($0) }
    }

    /// The text under `root`, one string per block, furniture left out: for a page with no paragraphs.
    static func blocks(of root: HTMLDocument.Node) -> [String] {
        collectText(under: root, outsideParagraphs: true) { blockElements.contains($0) }
    }

    /// The text under `root` as paragraphs: runs of white space as one space, `<br>` a line break, empty
    /// paragraphs dropped, furniture left out.
    ///
    /// - Parameters:
    ///   - outsideParagraphs: whether text outside the paragraph elements is read too.
    ///   - isParagraph: whether an element, by name, is a paragraph: its text is not joined to the text
    ///     before or after it.
    private static func collectText(
        under root: HTMLDocument.Node, outsideParagraphs: Bool, isParagraph: (String) -> Bool
    ) -> [String] {
        var paragraphs: [String] = []
        var lines: [String] = []
        var line = ""
        var depth = outsideParagraphs ? 1 : 0
        func endLine() {
            let folded = folded(line)
            if !folded.isEmpty { lines.append(folded) }
            line = ""
        }
        func endParagraph() {
            endLine()
            if !lines.isEmpty { paragraphs.append(lines.joined(separator: "\n")) }
            lines = []
        }
        root.walk { node, step in
            if node.isText {
                if depth > 0 { line += node.text }
                return false
            }
            guard node.isElement else { return false }
            let name = node.name
            if step == .enter {
                if furniture.contains(name) { return false }
                if name == "br" { endLine() }
            }
            if isParagraph(name) {
                endParagraph()
                depth += step == .enter ? 1 : -1
            }
            return true
        }
        endParagraph()
        return paragraphs
    }

    /// `text` with each run of white space as one space, trimmed.
    static func folded(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The text of the first `h1` under `root` that is not in navigation, an aside or a footer.
    static func firstHeading(in root: HTMLDocument.Node) -> String? {
        var heading: String?
        root.walk { node, step in
            guard heading == nil, step == .enter, node.isElement else { return false }
            let name = node.name
            if name == "h1" {
                heading = Outline.nonBlank(folded(node.textContent))
                return false
            }
            return !headlineFurniture.contains(name)
        }
        return heading
    }

    /// The `datetime` of the first `<time>` under `root` that names a moment (a `<time datetime="PT2H">`
    /// is a duration, not a date), outside navigation, asides and footers.
    static func firstTime(in root: HTMLDocument.Node) -> String? {
        var time: String?
        root.walk { node, step in
            guard time == nil, step == .enter, node.isElement else { return false }
            let name = node.name
            if name == "time", let value = node.attribute("datetime").flatMap(Outline.nonBlank),
               Timestamp(parsing: value) ?? Timestamp(parsingFeedDate: value) != nil {
                time = value
                return false
            }
            return !headlineFurniture.contains(name)
        }
        return time
    }

    /// `datePublished` of a JSON-LD block: of its object, of an object in its array or in its `@graph`.
    /// Nil for anything else, invalid JSON included: the markup of a page is not the producer's field.
    static func datePublished(inJSONLD text: String) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: []) else { return nil }
        let top = json as? [Any] ?? [json]
        let objects = top.compactMap { $0 as? [String: Any] }
        let graph = objects.flatMap { ($0["@graph"] as? [Any] ?? []).compactMap { $0 as? [String: Any] } }
        return (objects + graph).lazy.compactMap { ($0["datePublished"] as? String).flatMap(Outline.nonBlank) }.first
    }
}
