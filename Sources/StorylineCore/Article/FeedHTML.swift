import Foundation

/// The text of the HTML fragments feeds put in their fields (`content_html`, an RSS `description`).
///
/// Not an HTML parser, and not for pages: a fragment's tags are dropped, a block-level tag becomes a line
/// break (so the first paragraph can give a title), `<script>` and `<style>` lose their contents, and the
/// common entities are decoded. Anything it does not recognise stays as written.
enum FeedHTML {
    /// Whether `value` holds a tag (`<p`, `</`, `<br/>`) or an entity (`&amp;`, `&#8217;`).
    static func looksLikeHTML(_ value: String) -> Bool {
        var previous: Character?
        var sawAmpersand = false
        var entityLength = 0
        for character in value {
            if previous == "<", character.isLetter || character == "/" || character == "!" { return true }
            if sawAmpersand {
                if character == ";" && entityLength > 0 { return true }
                if character.isLetter || character.isNumber || character == "#", entityLength < 10 {
                    entityLength += 1
                } else {
                    sawAmpersand = false
                }
            }
            if character == "&" {
                sawAmpersand = true
                entityLength = 0
            }
            previous = character
        }
        return false
    }

    /// Tags that end a line of text.
    private static let blockTags: Set<String> = [
        "p", "br", "div", "li", "ul", "ol", "tr", "table", "blockquote", "pre", "hr", "section", "article",
        "header", "footer", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
    ]

    /// Tags whose contents are not text.
    private static let hiddenTags: Set<String> = ["script", "style"]

    /// `html` as plain text: tags dropped, block tags as line breaks, entities decoded, blank runs of
    /// lines folded to one blank line, and the result trimmed.
    static func plainText(_ html: String) -> String {
        var text = ""
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            text += decodingEntities(rest[..<open])
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: ">") else {
                // A "<" that opens no tag is text.
                text += decodingEntities(rest[open...])
                rest = rest[rest.endIndex...]
                break
            }
            let inside = rest[afterOpen..<close]
            let name = tagName(inside)
            rest = rest[rest.index(after: close)...]
            if hiddenTags.contains(name), inside.first != "/" {
                // Skip to the matching end tag, or to the end when there is none.
                if let end = rest.range(of: "</" + name, options: .caseInsensitive),
                   let endClose = rest[end.upperBound...].firstIndex(of: ">") {
                    rest = rest[rest.index(after: endClose)...]
                } else {
                    rest = rest[rest.endIndex...]
                }
            } else if blockTags.contains(name) {
                text += "\n"
            }
        }
        text += decodingEntities(rest)
        return foldingBlankLines(text)
    }

    /// The lowercased name of the tag between `<` and `>`: `p` for `p class="x"`, `/p` and `br/`.
    private static func tagName(_ inside: Substring) -> String {
        let name = inside.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
        return name.lowercased()
    }

    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{AB}", "raquo": "\u{BB}", "copy": "\u{A9}",
        "reg": "\u{AE}", "trade": "\u{2122}", "euro": "\u{20AC}", "pound": "\u{A3}", "deg": "\u{B0}",
    ]

    /// `text` with `&name;`, `&#ddd;` and `&#xhh;` replaced; an unknown or broken entity stays as written.
    static func decodingEntities(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            let candidate = rest[afterAmpersand...].prefix(12)
            if let semicolon = candidate.firstIndex(of: ";"), let decoded = entity(candidate[..<semicolon]) {
                result += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result += "&"
                rest = rest[afterAmpersand...]
            }
        }
        return result + rest
    }

    private static func entity(_ name: Substring) -> String? {
        if let named = namedEntities[String(name)] { return named }
        guard name.first == "#" else { return nil }
        let number = name.dropFirst()
        let value = number.first == "x" || number.first == "X"
            ? UInt32(number.dropFirst(), radix: 16) : UInt32(number, radix: 10)
        // NUL and the C0 controls but tab and line breaks would let a feed slip in what a file cannot hold.
        guard let value, value >= 0x20 || value == 0x09 || value == 0x0A || value == 0x0D,
              let scalar = Unicode.Scalar(value)
        else { return nil }
        return String(Character(scalar))
    }

    /// Lines trimmed of trailing spaces, runs of blank lines as one, and no blank lines at either end.
    private static func foldingBlankLines(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = ArticleParser.trimmedLine(line)
            if trimmed.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(trimmed)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
