import Foundation

/// An article as its file describes it, before any judgement.
public struct ParsedArticle: Sendable, Hashable {
    public var title: String
    public var source: String?
    public var url: String?
    /// The publication time as the file wrote it (RFC 3339 or a date alone).
    public var published: String?
    public var publishedTime: Timestamp?
    public var body: String
}

/// Reads article files: JSON objects, or UTF-8 text with an optional header block.
///
/// Pure: it takes the file's name and bytes and returns an article or says exactly why not.
public enum ArticleParser {
    /// The kinds of file Storyline reads, by name.
    public enum Format: Sendable {
        case json
        case text
    }

    /// Longest title kept, in characters.
    static let maximumTitleLength = 300

    /// The format a file name calls for: `.json`; `.txt`, `.md` or no extension.
    public static func format(ofFileNamed name: String) -> Format? {
        let base = name.hasPrefix(".") ? String(name.dropFirst()) : name
        guard let dot = base.lastIndex(of: ".") else { return .text }
        switch base[base.index(after: dot)...].lowercased() {
        case "json": return .json
        case "txt", "md": return .text
        default: return nil
        }
    }

    /// Parses the bytes of the file named `name`.
    ///
    /// - Throws: `ArticleRejection` for every input that is not an article.
    public static func parse(_ bytes: [UInt8], fileName name: String) throws(ArticleRejection) -> ParsedArticle {
        guard let format = format(ofFileNamed: name) else {
            throw ArticleRejection(.unsupportedType,
                "files named like this are not articles: use .json, .txt, .md or no extension")
        }
        if let nul = bytes.firstIndex(of: 0) {
            throw ArticleRejection(.binary, "the file holds a NUL byte at offset \(nul): it is binary, not text")
        }
        var content = bytes[...]
        if content.starts(with: [0xef, 0xbb, 0xbf]) { content = content.dropFirst(3) }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw ArticleRejection(.notUTF8, "the file is not valid UTF-8 text: save it as UTF-8")
        }
        switch format {
        case .json: return try parseJSON(Data(content))
        case .text: return try parseText(text)
        }
    }

    private static func parseJSON(_ data: Data) throws(ArticleRejection) -> ParsedArticle {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw ArticleRejection(.malformedJSON, "the file is not valid JSON (\(describe(error)))")
        }
        guard let fields = object as? [String: Any] else {
            throw ArticleRejection(.malformedJSON, "the JSON is not an object: write {\"title\": …, \"text\": …}")
        }
        func string(_ key: String) throws(ArticleRejection) -> String? {
            switch fields[key] {
            case nil, is NSNull: return nil
            case let value as String: return value
            default: throw ArticleRejection(.invalidField, "the field \"\(key)\" must be a string or null")
            }
        }
        var body = try string("text")
        if body == nil { body = try string("body") }
        guard let body else {
            throw ArticleRejection(.missingText, "the JSON has no \"text\" (or \"body\") string holding the article")
        }
        let (published, publishedTime) = try publication(try string("published"))
        return ParsedArticle(
            title: clean(try string("title")) ?? firstMeaningfulLine(of: body) ?? "",
            source: clean(try string("source")), url: clean(try string("url")),
            published: published, publishedTime: publishedTime, body: body)
    }

    private static func parseText(_ text: String) throws(ArticleRejection) -> ParsedArticle {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var headers: [String: String] = [:]
        var headerLines = 0
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { break }
            guard let colon = trimmed.firstIndex(of: ":"),
                  case let key = trimmed[..<colon].lowercased(), ["title", "source", "url", "published"].contains(key),
                  headers[key] == nil
            else { headerLines = 0; headers = [:]; break }
            headers[key] = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headerLines += 1
        }
        let hasHeader = headerLines > 0 && headerLines < lines.count
            && lines[headerLines].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        if hasHeader { lines.removeFirst(headerLines + 1) } else { headers = [:] }
        let body = hasHeader ? lines.joined(separator: "\n") : text
        let (published, publishedTime) = try publication(headers["published"].flatMap { $0.isEmpty ? nil : $0 })
        return ParsedArticle(
            title: clean(headers["title"]) ?? firstMeaningfulLine(of: body) ?? "",
            source: clean(headers["source"]), url: clean(headers["url"]),
            published: published, publishedTime: publishedTime, body: body)
    }

    private static func publication(_ value: String?) throws(ArticleRejection) -> (String?, Timestamp?) {
        guard let value else { return (nil, nil) }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard let time = Timestamp(parsing: trimmed) else {
            let shown = trimmed.count > 40 ? trimmed.prefix(40) + "…" : Substring(trimmed)
            throw ArticleRejection(.invalidPublished,
                "\"published\" is \"\(shown)\": write RFC 3339 (2026-11-22T09:30:00Z) or a date (2026-11-22)")
        }
        return (trimmed, time)
    }

    /// Whitespace and control characters folded to single spaces, trimmed, and shortened.
    static func clean(_ value: String?) -> String? {
        guard let value else { return nil }
        var result = ""
        var pendingSpace = false
        for scalar in value.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        if result.count > maximumTitleLength { result = String(result.prefix(maximumTitleLength)) + "…" }
        return result.isEmpty ? nil : result
    }

    /// The first line with words that is not page furniture.
    static func firstMeaningfulLine(of body: String) -> String? {
        var tokenizer = Tokenizer()
        for line in body.split(whereSeparator: \.isNewline) {
            let words = tokenizer.tokenize(String(line))
            guard !words.tokens.isEmpty, !Boilerplate.isBuiltInFurniture(words.tokens[...]) else { continue }
            // A Markdown heading's marker is not part of the title.
            return clean(String(line.drop { $0 == "#" || $0 == " " }))
        }
        return nil
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let detail = nsError.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return nsError.localizedDescription
    }
}
