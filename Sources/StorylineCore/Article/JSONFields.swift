import Foundation

/// The fields of a JSON article under the names feeds and scrapers give them.
///
/// Each field has a list of names, tried in order: the first present (not absent, not null) wins, and a
/// later name is not read at all. A present value of the wrong type is `invalid_field`, naming the key.
/// Storyline's own names come first, so a file written for Storyline reads as it always did; the others
/// cover RSS turned into JSON (`headline`, `description`, `pubDate`, `link`), JSON Feed items
/// (`content_text`, `content_html`, `date_published`) and schema.org (`datePublished`). Names the
/// configuration gives (`FieldNames`) come before all of them.
struct JSONFields {
    static let titleKeys = ["title", "headline", "name"]
    static let bodyKeys = ["text", "body", "content", "content_text", "content_html", "description"]
    static let publishedKeys = ["published", "date", "pubDate", "date_published", "datePublished"]
    static let sourceKeys = ["source", "publisher"]
    static let urlKeys = ["url", "link"]

    /// Fields whose value is HTML whatever it looks like.
    private static let htmlKeys: Set<String> = ["content_html"]
    /// Fields written for Storyline, never read as HTML.
    private static let plainKeys: Set<String> = ["title", "text", "body", "content_text"]

    private let fields: [String: Any]
    private let extra: FieldNames

    init(_ fields: [String: Any], names extra: FieldNames = FieldNames()) {
        self.fields = fields
        self.extra = extra
    }

    /// The names tried for `field`: the configuration's, then `common`.
    private func keys(_ field: FieldNames.Field, _ common: [String]) -> [String] {
        extra[field] + common
    }

    /// The value under `key`, nil when absent or null; a key with dots that the object does not have is a
    /// path into nested objects.
    private func value(_ key: String) -> Any? {
        var found = fields[key]
        if found == nil, key.contains(".") {
            found = key.split(separator: ".", omittingEmptySubsequences: false).reduce(fields as Any?) { object, part in
                (object as? [String: Any])?[String(part)]
            }
        }
        switch found {
        case nil, is NSNull: return nil
        case let value?: return value
        }
    }

    /// The first of `keys` present, which must hold a string.
    ///
    /// - Throws: `ArticleRejection` `invalidField` when that key holds something else.
    func firstString(of keys: [String]) throws(ArticleRejection) -> (key: String, value: String)? {
        guard let (key, value) = first(of: keys) else { return nil }
        guard let string = value as? String else {
            throw ArticleRejection(.invalidField, "the field \"\(key)\" must be a string or null")
        }
        return (key, string)
    }

    /// `value` of `key` as text: a feed's HTML without its tags and entities.
    private static func text(of value: String, key: String) -> String {
        if htmlKeys.contains(key) || (!plainKeys.contains(key) && FeedHTML.looksLikeHTML(value)) {
            return FeedHTML.plainText(value)
        }
        return value
    }

    func title() throws(ArticleRejection) -> String? {
        try firstString(of: keys(.title, Self.titleKeys)).map { Self.text(of: $0.value, key: $0.key) }
    }

    func body() throws(ArticleRejection) -> String? {
        try firstString(of: keys(.text, Self.bodyKeys)).map { Self.text(of: $0.value, key: $0.key) }
    }

    /// A string, or an object (`{"name": "Reuters", "url": …}`) whose `name` is one.
    func source() throws(ArticleRejection) -> String? {
        guard let (key, value) = first(of: keys(.source, Self.sourceKeys)) else { return nil }
        if let string = value as? String { return string }
        guard let object = value as? [String: Any] else {
            throw ArticleRejection(.invalidField,
                "the field \"\(key)\" must be a string, an object with a \"name\" string, or null")
        }
        switch object["name"] {
        case nil, is NSNull: return nil
        case let name as String: return name
        default:
            throw ArticleRejection(.invalidField, "the field \"\(key)\" has a \"name\" that is not a string")
        }
    }

    /// The publication time: a string in any form `ArticleParser.publication` reads, or a JSON number since
    /// the epoch (seconds, or milliseconds above 1e11).
    ///
    /// - Throws: `ArticleRejection` `invalidField` for another type, `invalidPublished` for a time that is
    ///   not one.
    func publication() throws(ArticleRejection) -> (String?, Timestamp?) {
        guard let (key, value) = first(of: keys(.published, Self.publishedKeys)) else { return (nil, nil) }
        if let string = value as? String { return try ArticleParser.publication(string, key: key) }
        guard let number = value as? NSNumber, !Self.isBoolean(number) else {
            throw ArticleRejection(.invalidField, "the field \"\(key)\" must be a string, a number or null")
        }
        guard let time = Timestamp(epoch: number.doubleValue) else {
            throw ArticleRejection(.invalidPublished,
                "\"\(key)\" is \(number): an epoch number must be seconds, or milliseconds above 1e11, "
                + "from 1970 to 9999")
        }
        return (time.description, time)
    }

    /// The producer's own fields, passed through to the line under `article.producer`: its record's
    /// `id` (or `guid`), a string or a number; `lang` (or `language`), a string; `tags`, strings; and
    /// `meta`, an object of anything. One compact JSON object with sorted keys, at most
    /// `producerLimit` bytes; nil when the file has none of them.
    ///
    /// - Throws: `ArticleRejection` `invalidField` for a value of another type, or metadata over the limit.
    func producer() throws(ArticleRejection) -> String? {
        var kept: [String: Any] = [:]
        if let (key, id) = first(of: keys(.id, ["id", "guid"])) {
            guard id is String || (id as? NSNumber).map({ !Self.isBoolean($0) }) == true else {
                throw ArticleRejection(.invalidField, "the field \"\(key)\" must be a string, a number or null")
            }
            kept["id"] = id
        }
        if let (key, lang) = first(of: ["lang", "language"]) {
            guard lang is String else { throw ArticleRejection(.invalidField, "the field \"\(key)\" must be a string or null") }
            kept["lang"] = lang
        }
        if let (_, tags) = first(of: ["tags"]) {
            guard let tags = tags as? [Any], tags.allSatisfy({ $0 is String }) else {
                throw ArticleRejection(.invalidField, "the field \"tags\" must be an array of strings or null")
            }
            kept["tags"] = tags
        }
        if let (_, meta) = first(of: ["meta"]) {
            guard meta is [String: Any] else { throw ArticleRejection(.invalidField, "the field \"meta\" must be an object or null") }
            kept["meta"] = meta
        }
        guard !kept.isEmpty else { return nil }
        guard let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys, .withoutEscapingSlashes]),
              data.count <= Self.producerLimit else {
            throw ArticleRejection(.invalidField,
                "the producer's fields (id, lang, tags, meta) come to more than \(Self.producerLimit) bytes of JSON: "
                + "keep them to a record's identifiers, not its content")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The most bytes of producer metadata a line carries.
    static let producerLimit = 16 * 1024

    /// The URL, a string.
    func url() throws(ArticleRejection) -> String? {
        try firstString(of: keys(.url, Self.urlKeys))?.value
    }

    /// The first of `keys` present and not null, with its value.
    private func first(of keys: [String]) -> (String, Any)? {
        for key in keys { if let value = value(key) { return (key, value) } }
        return nil
    }

    /// Whether JSONSerialization read `number` from `true` or `false`.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
