extension TimelineEvent {
    /// The event as one line of JSON, with its final newline; keys in contract order.
    public var jsonLine: String {
        var json = JSONWriter()
        json.beginObject()
        json.key("seq"); json.integer(seq)
        json.key("time"); json.string(time.description)
        json.key("event"); json.string(kind.rawValue)
        if let story {
            json.key("story"); json.string(story)
        }
        if let storyData {
            json.key("story_data"); storyData.write(to: &json, original: original)
        }
        if let article {
            json.key("article")
            json.beginObject()
            json.key("id"); json.string(article.id)
            json.key("file"); json.string(article.file)
            json.key("title"); json.string(article.title)
            json.key("source"); json.optionalString(article.source)
            json.key("url"); json.optionalString(article.url)
            json.key("published"); json.optionalString(article.published)
            json.key("words"); json.integer(article.words)
            json.key("sha256"); json.string(article.sha256)
            if let producer = article.producer {
                json.key("producer"); json.raw(producer)  // compact JSON, made by JSONFields.producer()
            }
            json.endObject()
        }
        if let duplicateOf {
            json.key("duplicate_of"); json.string(duplicateOf)
        }
        if let similarity {
            json.key("similarity"); json.fraction(similarity)
        }
        switch why {
        case let .measure(measure, value)?:
            json.key("why")
            json.beginObject()
            json.key("measure"); json.string(measure.rawValue)
            json.key("value"); json.fraction(value)
            json.endObject()
        case let .terms(terms, gapHours)?:
            json.key("why")
            json.beginObject()
            json.key("terms"); json.stringArray(terms)
            json.key("gap_hours"); json.integer(gapHours)
            json.endObject()
        case nil:
            break
        }
        if let file {
            json.key("file"); json.string(file)
        }
        if let code {
            json.key("code"); json.string(code)
        }
        if let reason {
            json.key("reason"); json.string(reason)
        }
        json.endObject()
        json.raw("\n")
        return json.output
    }
}

extension StorySummary {
    /// The summary as the `story_data` object of a line, compact, keys in contract order.
    public var jsonObject: String {
        var json = JSONWriter()
        write(to: &json, original: nil)
        return json.output
    }

    /// Writes the `story_data` object; `original` is a duplicate line's root original.
    func write(to json: inout JSONWriter, original: String?) {
        json.beginObject()
        json.key("label"); json.string(label)
        json.key("label_is_headline"); json.boolean(labelIsHeadline)
        json.key("first_article"); json.string(TimelineEvent.articleID(firstArticle))
        json.key("articles"); json.integer(articles)
        json.key("duplicates"); json.integer(duplicates)
        json.key("first_coverage"); json.string(first.description)
        json.key("last_coverage"); json.string(last.description)
        json.key("closed"); json.boolean(closed)
        if let original {
            json.key("original"); json.string(original)
        }
        json.endObject()
    }
}

/// A minimal writer of compact JSON that escapes every string safely for one-line output.
///
/// It writes UTF-8 bytes: a line is mostly text that needs no escape, which is copied a run at a time
/// rather than a scalar at a time (the timeline line was a twentieth of the daemon's loop that way).
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var isFirstMember = true

    init() { bytes.reserveCapacity(1024) }

    /// What has been written, as a string.
    var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends `text` as it is: JSON already made, or punctuation.
    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        isFirstMember = true
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        isFirstMember = false
    }

    /// Starts a member; its value follows.
    mutating func key(_ name: String) {
        if !isFirstMember { bytes.append(UInt8(ascii: ",")) }
        isFirstMember = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func integer(_ value: Int) { raw(String(value)) }

    mutating func boolean(_ value: Bool) { raw(value ? "true" : "false") }

    /// A number in 0...1, with four decimals.
    mutating func fraction(_ value: Double) {
        let scaled = Int((min(1, max(0, value)) * 10_000).rounded())
        if scaled == 10_000 {
            raw("1.0")
        } else {
            let digits = String(scaled)
            raw("0." + String(repeating: "0", count: 4 - digits.count) + digits)
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func stringArray(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A string with quotes, backslashes, controls (C0, DEL and C1) and the line separators U+2028 and
    /// U+2029 escaped; everything else is copied as it is.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                // The scalar at `index` and its UTF-8 length when it needs an escape, else nil.
                let escaped: (scalar: UInt32, length: Int)?
                switch byte {
                case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7f:
                    escaped = (UInt32(byte), 1)
                case 0xc2 where index + 1 < utf8.count && (0x80..<0xa0).contains(utf8[index + 1]):
                    escaped = (UInt32(utf8[index + 1]), 2)
                case 0xe2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (0xa8...0xa9).contains(utf8[index + 2]):
                    escaped = (0x2000 | UInt32(utf8[index + 2] & 0x3f), 3)
                default:
                    escaped = nil
                }
                guard let (scalar, length) = escaped else {
                    index += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(scalar)
                index += length
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ scalar: UInt32) {
        switch scalar {
        case 0x22: raw("\\\"")
        case 0x5c: raw("\\\\")
        case 0x0a: raw("\\n")
        case 0x0d: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex = String(scalar, radix: 16)
            raw("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        }
    }
}
