import NewsCorpus
import StorylineCore

/// The article files a news feed drops into the inbox, in arrival order, generated from a seed: the same
/// seed and spacing give the same files, byte for byte.
///
/// Most files are originals: new stories, each about a topic of its own (invented people, organisations
/// and terms, so that as in real news the words that tell stories apart are rare), and follow-ups of a
/// recent article (same topic, lede kept, new paragraphs), which the engine should put in its story. A given share are near-duplicate
/// copies of a recent original, the kinds a daemon sees: syndicated (same text, another outlet), revised
/// (one paragraph rewritten), truncated, with a line of outlet furniture added, or the same file sent twice.
/// Publication times advance evenly over `days` for `spacing` files and go on at that rate after it, so
/// files generated past `spacing` (the probe files) continue the stream.
struct ArticleStream {
    /// One generated file.
    struct File {
        var name: String
        var bytes: [UInt8]
        var kind: Kind
    }

    enum Kind: String, CaseIterable, Sendable {
        case original, followUp = "follow-up", syndicated, revised, truncated, furniture, resent
    }

    /// Invented outlets.
    static let outlets = [
        "Harbour Courier", "Northgate Wire", "Valley Herald", "The Meridian Post", "Coastline Daily",
        "Ridgeway Times", "Lantern News Agency", "The Civic Ledger", "Eastbank Tribune", "Summit Press",
        "Riverside Chronicle", "The Morning Dispatch",
    ]

    /// Lines outlets add under a syndicated story.
    static let furniture = [
        "Sign up for our morning newsletter to get the day's top stories.",
        "Follow us on social media for the latest updates.",
        "This article was produced with the help of wire services.",
        "Copyright 2026. All rights reserved.",
    ]

    private var random: SplitMix64
    private var generator: ArticleGenerator
    private let duplicateShare: Double
    private let millisecondsPerFile: Double
    private let start: Int64
    /// Recent originals (a ring), for copies and follow-ups to draw from, with their file's bytes and topic.
    private var recent: [(article: NewsArticle, bytes: [UInt8], topic: Topic)] = []
    private var recentNext = 0
    private static let recentCapacity = 2_000
    private(set) var index = 0

    /// - Parameters:
    ///   - seed: the stream's seed.
    ///   - spacing: files whose publication times spread over `days`.
    ///   - days: see `spacing`.
    ///   - duplicateShare: the share of files that copy a recent original.
    ///   - startMilliseconds: the first publication time, in milliseconds since 1970.
    init(seed: UInt64, spacing: Int, days: Double, duplicateShare: Double, startMilliseconds: Int64) {
        random = SplitMix64(seed: seed)
        generator = ArticleGenerator(seed: seed ^ 0x5eed_f111)
        self.duplicateShare = duplicateShare
        millisecondsPerFile = days * 86_400_000 / Double(max(spacing, 1))
        start = startMilliseconds
    }

    /// The next file of the stream.
    mutating func next() -> File {
        defer { index += 1 }
        let name = Self.name(index)
        // Published up to three hours before its place in the stream: feeds deliver late, and in no strict order.
        let published = start + Int64(Double(index) * millisecondsPerFile) - Int64(random.below(3 * 3_600_000))
        let outlet = random.pick(Self.outlets)
        if !recent.isEmpty && random.chance(duplicateShare) {
            let (original, originalBytes, _) = recent[random.below(recent.count)]
            var copy = original
            let kind: Kind
            switch random.below(20) {
            case 0..<6: kind = .syndicated
            case 6..<11:
                kind = .revised
                copy = generator.revision(of: original)
            case 11..<15:
                kind = .truncated
                copy.paragraphs = Array(original.paragraphs.prefix(max(1, (original.paragraphs.count + 1) / 2)))
            case 15..<18:
                kind = .furniture
                copy.paragraphs.append(random.pick(Self.furniture))
            default:
                return File(name: name, bytes: originalBytes, kind: .resent)
            }
            return File(name: name, bytes: Self.json(copy, outlet: outlet, index: index, published: published), kind: kind)
        }
        let kind: Kind
        let article: NewsArticle
        let topic: Topic
        if !recent.isEmpty && random.below(3) == 0 {
            kind = .followUp
            let earlier = recent[random.below(recent.count)]
            topic = earlier.topic
            article = generator.followUp(of: earlier.article, about: topic)
        } else {
            kind = .original
            topic = generator.newTopic()
            article = generator.article(about: topic)
        }
        let bytes = Self.json(article, outlet: outlet, index: index, published: published)
        if recent.count < Self.recentCapacity {
            recent.append((article, bytes, topic))
        } else {
            recent[recentNext] = (article, bytes, topic)
            recentNext = (recentNext + 1) % Self.recentCapacity
        }
        return File(name: name, bytes: bytes, kind: kind)
    }

    /// `000001234.json`: names sort in stream order, as the daemon takes a backlog.
    static func name(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 9 - digits.count)) + digits + ".json"
    }

    /// The file an outlet would deliver: title, text (byline, then paragraphs), source, url, published.
    static func json(_ article: NewsArticle, outlet: String, index: Int, published: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(9 * 1024)
        bytes.append(contentsOf: #"{"title":"#.utf8)
        appendString(article.headline, to: &bytes)
        bytes.append(contentsOf: #","text":"#.utf8)
        var text = article.byline + "\n\n"
        text += article.paragraphs.joined(separator: "\n\n")
        appendString(text, to: &bytes)
        bytes.append(contentsOf: #","source":"#.utf8)
        appendString(outlet, to: &bytes)
        let slug = outlet.lowercased().split(separator: " ").joined(separator: "-")
        bytes.append(contentsOf: #","url":"#.utf8)
        appendString("https://\(slug).example/news/\(index)", to: &bytes)
        bytes.append(contentsOf: #","published":"#.utf8)
        appendString(Timestamp(millisecondsSinceEpoch: published).description, to: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    /// A JSON string literal: quote, backslash and control characters escaped, the rest as UTF-8.
    static func appendString(_ string: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case 0..<0x20: bytes.append(contentsOf: #"\u00"#.utf8 + [hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
