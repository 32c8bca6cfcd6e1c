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
                json.key("producer"); json.output.append(producer)  // compact JSON, made by JSONFields.producer()
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
        json.output.append("\n")
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
struct JSONWriter {
    var output = ""
    private var isFirstMember = true

    mutating func beginObject() {
        output.append("{")
        isFirstMember = true
    }

    mutating func endObject() {
        output.append("}")
        isFirstMember = false
    }

    /// Starts a member; its value follows.
    mutating func key(_ name: String) {
        if !isFirstMember { output.append(",") }
        isFirstMember = false
        string(name)
        output.append(":")
    }

    mutating func integer(_ value: Int) { output.append(String(value)) }

    mutating func boolean(_ value: Bool) { output.append(value ? "true" : "false") }

    /// A number in 0...1, with four decimals.
    mutating func fraction(_ value: Double) {
        let scaled = Int((min(1, max(0, value)) * 10_000).rounded())
        if scaled == 10_000 {
            output.append("1.0")
        } else {
            let digits = String(scaled)
            output.append("0." + String(repeating: "0", count: 4 - digits.count) + digits)
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { output.append("null") }
    }

    mutating func stringArray(_ values: [String]) {
        output.append("[")
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(",") }
            string(value)
        }
        output.append("]")
    }

    /// A string with quotes, backslashes, controls and line separators escaped.
    mutating func string(_ value: String) {
        output.append("\"")
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            default:
                if scalar.value < 0x20 || (0x7f..<0xa0).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    let hex = String(scalar.value, radix: 16)
                    output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output.append("\"")
    }
}
