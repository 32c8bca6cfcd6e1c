import CLibXML2

/// A page parsed by libxml2's HTML parser, read through `Node` values: the one file that calls libxml2.
///
/// libxml2's parser is the one for markup as pages write it: it recovers from what is not well formed
/// (unclosed `<p>`, stray end tags), decodes entities, and finds the encoding itself: a byte order mark,
/// `<meta charset>` or `http-equiv`, else UTF-8 (read as ISO-8859-1 when it is not). It is told never to
/// reach the network and to report nothing, so a page can neither fetch anything nor write to stderr.
enum HTMLDocument {
    /// One node of the tree, valid only inside the `withRootElement` call that handed it out.
    struct Node: Equatable {
        fileprivate let pointer: xmlNodePtr

        /// Whether it is an element (`<p>`), rather than text, a comment or a processing instruction.
        var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

        /// Whether it is text: a text node, or the character data of a `<script>` or `<style>`.
        var isText: Bool {
            pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE
        }

        /// The element's name, lowercase as the HTML parser writes it; empty for other nodes.
        var name: String {
            guard isElement, let name = pointer.pointee.name else { return "" }
            return String(cString: name)
        }

        var firstChild: Node? { pointer.pointee.children.map(Node.init) }
        var nextSibling: Node? { pointer.pointee.next.map(Node.init) }
        var parent: Node? { pointer.pointee.parent.map(Node.init) }

        /// A text node's text; empty for other nodes.
        var text: String {
            guard isText, let content = pointer.pointee.content else { return "" }
            return HTMLDocument.browserText(content)
        }

        /// The value of the attribute `name` (lowercase), nil when the element has none.
        func attribute(_ name: String) -> String? {
            var attribute = isElement ? pointer.pointee.properties : nil
            while let current = attribute {
                if let attributeName = current.pointee.name, String(cString: attributeName) == name {
                    // The value is the attribute's text children (one, unless it held an entity).
                    var value = ""
                    var child = current.pointee.children
                    while let node = child {
                        if let content = node.pointee.content { value += HTMLDocument.browserText(content) }
                        child = node.pointee.next
                    }
                    return value
                }
                attribute = current.pointee.next
            }
            return nil
        }
    }

    /// What libxml2 is told: recover from broken markup, never use the network, report no errors or warnings.
    private static let options = Int32(bitPattern:
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
        | HTML_PARSE_NOWARNING.rawValue)

    /// Parses `bytes` as an HTML page and hands its root element to `body`; the tree is freed when `body`
    /// returns, so no `Node` may outlive it.
    ///
    /// - Returns: what `body` returns, or nil when the page holds no element at all (no bytes, white space,
    ///   or only a doctype or comments).
    /// - Throws: `ArticleRejection` `tooLarge` for a page libxml2 cannot take (2 GiB or more), and what
    ///   `body` throws.
    static func withRootElement<Result>(
        ofPage bytes: [UInt8], _ body: (Node) throws(ArticleRejection) -> Result
    ) throws(ArticleRejection) -> Result? {
        guard let size = Int32(exactly: bytes.count) else {
            throw ArticleRejection(.tooLarge, "an HTML page of \(bytes.count) bytes is more than libxml2 can parse")
        }
        // Idempotent, and done for every parse so that the first two parses on two threads cannot race.
        xmlInitParser()
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                    htmlReadMemory(characters, size, nil, nil, options)
                }
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        return try body(Node(pointer: root))
    }

    /// The text of libxml2's UTF-8 `content`, with U+0080…U+009F read as windows-1252 as browsers do: a
    /// page labelled ISO-8859-1 means windows-1252 (its curly quotes are bytes 0x93 and 0x94), and so does
    /// `&#147;`, but libxml2 gives both as C1 control characters.
    fileprivate static func browserText(_ content: UnsafePointer<xmlChar>) -> String {
        let text = String(cString: content)
        guard text.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) else { return text }
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.map { scalar in
            guard (0x80...0x9F).contains(scalar.value),
                  let mapped = windows1252[Int(scalar.value - 0x80)].flatMap(Unicode.Scalar.init)
            else { return scalar }
            return mapped
        })
        return result
    }

    /// windows-1252's bytes 0x80…0x9F; nil for the five it leaves undefined (kept as they are).
    private static let windows1252: [UInt32?] = [
        0x20AC, nil, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, nil, 0x017D, nil,
        nil, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, nil, 0x017E, 0x0178,
    ]
}

extension HTMLDocument.Node {
    /// What `walk` is told of a node: entered (return whether to descend into its children), or left
    /// (only the elements it descended into).
    enum Step {
        case enter
        case leave
    }

    /// Visits this node and everything under it in document order, without recursion (however deep the
    /// markup nests, the stack does not grow).
    ///
    /// - Parameter visit: called with `.enter` for every node, returning whether to go into its children,
    ///   and with `.leave` once they are done for each node it returned true for.
    func walk(_ visit: (HTMLDocument.Node, Step) -> Bool) {
        var node = self
        while true {
            if visit(node, .enter) {
                if let child = node.firstChild {
                    node = child
                    continue
                }
                _ = visit(node, .leave)
            }
            // Done with `node`: on to its next sibling, leaving each parent whose children are all done.
            while node != self {
                if let next = node.nextSibling {
                    node = next
                    break
                }
                guard let parent = node.parent else { return }
                node = parent
                _ = visit(node, .leave)
            }
            if node == self { return }
        }
    }

    /// All the text under this node, in document order, as written (white space and all).
    var textContent: String {
        var text = ""
        walk { node, step in
            if step == .enter, node.isText { text += node.text }
            return true
        }
        return text
    }
}
