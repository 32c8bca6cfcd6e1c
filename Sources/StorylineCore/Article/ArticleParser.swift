import Foundation

/// An article as its file describes it, before any judgement.
public struct ParsedArticle: Sendable, Hashable {
    public var title: String
    public var source: String?
    public var url: String?
    /// The publication time as the file wrote it (RFC 3339 or a date alone), or, written in another form,
    /// as the RFC 3339 UTC time it names.
    public var published: String?
    public var publishedTime: Timestamp?
    public var body: String
    /// What the producer said of its own record (`id`, `lang`, `tags`, `meta` of a JSON file), as one
    /// compact JSON object with sorted keys, passed through to the line; nil when it said none.
    public var producer: String? = nil
    /// Whether `title` is a headline the file gave (a title field or header, a page's headline), not
    /// the first line of its text.
    public var titleIsHeadline = false
}

/// Reads article files: JSON objects, UTF-8 text with an optional header block, or HTML pages.
///
/// Pure: it takes the file's name and bytes and returns an article or says exactly why not.
public enum ArticleParser {
    /// The kinds of file Storyline reads, by name.
    public enum Format: Sendable {
        case json
        case text
        case html
    }

    /// Longest title kept, in characters.
    static let maximumTitleLength = 300

    /// The format a file name calls for: `.json`; `.txt`, `.md` or no extension; `.html`, `.htm`, `.xhtml`.
    public static func format(ofFileNamed name: String) -> Format? {
        let base = name.hasPrefix(".") ? String(name.dropFirst()) : name
        guard let dot = base.lastIndex(of: ".") else { return .text }
        switch base[base.index(after: dot)...].lowercased() {
        case "json": return .json
        case "txt", "md": return .text
        case "html", "htm", "xhtml": return .html
        default: return nil
        }
    }

    /// Parses the bytes of the file named `name`; a JSON file's fields are found under `names` first.
    ///
    /// - Throws: `ArticleRejection` for every input that is not an article.
    public static func parse(_ bytes: [UInt8], fileName name: String, names: FieldNames = FieldNames()) throws(ArticleRejection) -> ParsedArticle {
        guard let format = format(ofFileNamed: name) else {
            throw ArticleRejection(.unsupportedType,
                "files named like this are not articles: use .json, .txt, .md, .html or no extension")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw ArticleRejection(.binary, "the file holds a NUL byte at offset \(nul): it is binary, not text")
        }
        // A page names its own encoding (a byte order mark, <meta charset>), which libxml2 reads.
        if format == .html { return try parseHTML(bytes) }
        var content = bytes[...]
        if content.starts(with: [0xef, 0xbb, 0xbf]) { content = content.dropFirst(3) }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw ArticleRejection(.notUTF8, "the file is not valid UTF-8 text: save it as UTF-8")
        }
        switch format {
        case .json: return try parseJSON(Data(content), names: names)
        case .text: return try parseText(text)
        case .html: return try parseHTML(bytes)
        }
    }

    private static func parseJSON(_ data: Data, names: FieldNames) throws(ArticleRejection) -> ParsedArticle {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw ArticleRejection(.malformedJSON, "the file is not valid JSON (\(describe(error)))")
        }
        guard let object = object as? [String: Any] else {
            throw ArticleRejection(.malformedJSON, "the JSON is not an object: write {\"title\": …, \"text\": …}")
        }
        let fields = JSONFields(object, names: names)
        if let items = object["items"] as? [Any] {
            // A whole feed (JSON Feed's {"version", "title", "description", "items": [...]}, or the like) is
            // many articles, and a file has one line: say so rather than judge the feed's description.
            throw ArticleRejection(.missingText,
                "the JSON is a feed of \(items.count) items, not one article: drop each item as a file of its own")
        }
        guard let body = try fields.body() else {
            let others = (names[.text] + JSONFields.bodyKeys.dropFirst()).map { "\"\($0)\"" }.joined(separator: ", ")
            throw ArticleRejection(.missingText, "the JSON has no \"text\" (or \(others)) string holding the article")
        }
        let (published, publishedTime) = try fields.publication()
        let headline = clean(try fields.title())
        return ParsedArticle(
            title: headline ?? firstMeaningfulLine(of: body) ?? "",
            source: clean(try fields.source()), url: clean(try fields.url()),
            published: published, publishedTime: publishedTime, body: body, producer: try fields.producer(),
            titleIsHeadline: headline != nil)
    }

    /// Most lines a header block can take: one per key, then the blank line that ends it.
    private static let headerKeys = ["title", "source", "url", "published"]

    private static func parseText(_ text: String) throws(ArticleRejection) -> ParsedArticle {
        // Only the first lines can be a header: the rest of the text stays one piece, so a file that is
        // one huge line, or has no header, is not cut into lines here.
        var lines = text.split(maxSplits: headerKeys.count + 1, omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var headers: [String: String] = [:]
        var headerLines = 0
        for line in lines.prefix(headerKeys.count + 1) {
            let trimmed = trimmedLine(line)
            if trimmed.isEmpty { break }
            guard let (key, value) = headerField(trimmed), headers[key] == nil
            else { headerLines = 0; headers = [:]; break }
            headers[key] = String(value)
            headerLines += 1
        }
        let hasHeader = headerLines > 0 && headerLines < lines.count && trimmedLine(lines[headerLines]).isEmpty
        if hasHeader { lines.removeFirst(headerLines + 1) } else { headers = [:] }
        // Below a header the lines are joined with "\n", whatever ended them in the file.
        let body = hasHeader ? lines.map { String(withLineFeeds($0)) }.joined(separator: "\n") : text
        let (published, publishedTime) = try publication(headers["published"].flatMap { $0.isEmpty ? nil : $0 })
        let headline = clean(headers["title"])
        return ParsedArticle(
            title: headline ?? firstMeaningfulLine(of: body) ?? "",
            source: clean(headers["source"]), url: clean(headers["url"]),
            published: published, publishedTime: publishedTime, body: body, titleIsHeadline: headline != nil)
    }

    /// An HTML page's article (`HTMLPage`), with its fields as a `.txt` of the same article gives them: the
    /// headline as its `Title:`, the paragraphs separated by blank lines as its body.
    private static func parseHTML(_ bytes: [UInt8]) throws(ArticleRejection) -> ParsedArticle {
        let page = try HTMLPage(parsing: bytes)
        let (published, publishedTime) = try publication(page.published?.value, key: page.published?.key ?? "published")
        let headline = clean(page.headline)
        return ParsedArticle(
            title: headline ?? firstMeaningfulLine(of: page.text) ?? "",
            source: clean(page.siteName), url: clean(page.url),
            published: published, publishedTime: publishedTime, body: page.text, titleIsHeadline: headline != nil)
    }

    /// `Key: value` when `line` (already trimmed) is a header line: a known key, any case, then a colon.
    private static func headerField(_ line: Substring) -> (key: String, value: Substring)? {
        // The longest key is 9 characters: look no further for the colon.
        guard let colon = line.prefix(10).firstIndex(of: ":") else { return nil }
        let key = line[..<colon].lowercased()
        guard headerKeys.contains(key) else { return nil }
        return (key, trimmedLine(line[line.index(after: colon)...]))
    }

    /// `line` without leading and trailing white space and line breaks (Foundation's
    /// `whitespacesAndNewlines`), found from each end without reading the middle.
    static func trimmedLine(_ line: Substring) -> Substring {
        let scalars = line.unicodeScalars
        let set = CharacterSet.whitespacesAndNewlines
        guard let first = scalars.firstIndex(where: { !set.contains($0) }) else { return line[line.endIndex...] }
        let last = scalars.lastIndex(where: { !set.contains($0) })!
        return Substring(scalars[first...last])
    }

    /// `text` with each line break (`Character.isNewline`: CR LF, LF, CR, VT, FF, NEL, U+2028, U+2029)
    /// written as one "\n". Line breaks are single scalars, or CR LF, and never join a neighbour.
    static func withLineFeeds(_ text: Substring) -> Substring {
        let breaks: Set<UInt32> = [0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029]
        guard text.unicodeScalars.contains(where: { breaks.contains($0.value) }) else { return text }
        var result = ""
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            if scalar.value == 0x0A && previousWasCarriageReturn {
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = scalar.value == 0x0D
            result.unicodeScalars.append(breaks.contains(scalar.value) ? "\n" : scalar)
        }
        return result[...]
    }

    /// The publication time `value` names, and how the timeline writes it.
    ///
    /// RFC 3339 and a date alone are kept as the file wrote them (trimmed); every other form (RFC 2822,
    /// no zone, digits since the epoch) is written as the RFC 3339 UTC time it names, so the timeline's
    /// `published` has one form whatever the producer wrote.
    ///
    /// - Parameters:
    ///   - value: the field or header as written, nil when the file gave none.
    ///   - key: the name the file gave it, for the rejection's reason.
    /// - Throws: `ArticleRejection` `invalidPublished` when `value` names no moment.
    static func publication(_ value: String?, key: String = "published") throws(ArticleRejection) -> (String?, Timestamp?) {
        guard let value else { return (nil, nil) }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let time = Timestamp(parsing: trimmed) { return (trimmed, time) }
        guard let time = Timestamp(parsingFeedDate: trimmed) else {
            let shown = trimmed.count > 40 ? trimmed.prefix(40) + "…" : Substring(trimmed)
            throw ArticleRejection(.invalidPublished,
                "\"\(key)\" is \"\(shown)\": write RFC 3339 (2026-11-22T09:30:00Z) or a date (2026-11-22)")
        }
        return (time.description, time)
    }

    /// Most scalars `clean` keeps before it stops reading: far more than a 300-character title needs,
    /// unless each character carries hundreds of combining marks (then the title is shorter, and cut).
    static let maximumTitleScalarsKept = 64 * 1024

    /// Whitespace and control characters folded to single spaces, trimmed, and shortened.
    ///
    /// Reads the value only as far as a title needs: a one-line file of 10 MB gives its title from its
    /// first 64 Ki visible scalars, instead of folding the whole line and cutting it afterwards.
    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
        }
        var result = ""
        var pendingSpace = false
        var kept = 0
        var cut = false
        for scalar in value.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            if kept == maximumTitleScalarsKept {
                cut = true
                break
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
            kept += 1
        }
        if result.count > maximumTitleLength {
            result = String(result.prefix(maximumTitleLength)) + "…"
        } else if cut {
            result += "…"
        }
        return result.isEmpty ? nil : result
    }

    /// The first line with words that is not page furniture.
    static func firstMeaningfulLine(of body: String) -> String? {
        var tokenizer = Tokenizer()
        var rest = body[...]
        while !rest.isEmpty {
            // One line at a time: the search stops at the first line that gives a title.
            let pieces = rest.split(maxSplits: 1, whereSeparator: \.isNewline)
            guard let line = pieces.first else { break }
            rest = pieces.count > 1 ? pieces[1] : rest[rest.endIndex...]
            let words = tokenizer.tokenize(String(line))
            guard !words.tokens.isEmpty, !Boilerplate.isBuiltInFurniture(words.tokens[...]), !endsWithPhotoCredit(line)
            else { continue }
            // A Markdown heading's marker is not part of the title.
            return clean(String(line.drop { $0 == "#" || $0 == " " }))
        }
        return nil
    }

    /// Whether `line` ends with a photographer's credit, as a picture's caption does ("…at the White
    /// House.Blair Gable/Reuters", "(AP Photo/Evan Vucci)"): a word of its last three holds a slash
    /// between a letter and a capital. A caption above the text describes a picture, not the story.
    static func endsWithPhotoCredit(_ line: Substring) -> Bool {
        line.split(separator: " ").suffix(3).contains { word in
            let characters = Array(word)
            return characters.indices.dropFirst().dropLast().contains { index in
                characters[index] == "/" && characters[index - 1].isLetter && characters[index + 1].isUppercase
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
