// A libFuzzer target for everything a dropped file meets before it is judged: the article parser, the
// normaliser (tokenizer and furniture), the shingler and MinHash, a judgement, and the timeline line.
// Built by `make fuzz` in one module with StorylineCore's sources (`swiftc -sanitize=fuzzer,address`),
// so this file does not import it.

/// One libFuzzer input: the first byte picks the kind of file name (JSON, text, Markdown, none, HTML),
/// the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArticle(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let names = ["a.json", "a.txt", "a.md", "a", "a.html"]
    let name = names[Int(bytes[0]) % names.count]
    guard let article = try? ArticleParser.parse(Array(bytes.dropFirst()), fileName: name) else { return 0 }
    var tokenizer = Tokenizer()
    let submission = Submission(article, sha256: String(size), arrival: Timestamp(millisecondsSinceEpoch: 0), tokenizer: &tokenizer)
    guard var engine = try? Engine() else { return 0 }
    _ = try? engine.judge(submission)
    if let judgement = try? engine.judge(submission) {
        let event = TimelineEvent(seq: 1, time: Timestamp(millisecondsSinceEpoch: 0), judgement: judgement, article: .init(
            id: "a1", file: name, title: article.title, source: article.source, url: article.url,
            published: article.published, words: judgement.words, sha256: String(repeating: "0", count: 64)))
        precondition(event.jsonLine.filter { $0 == "\n" }.count == 1, "a timeline line must be one line")
        if case .duplicate = judgement.verdict {} else { preconditionFailure("the same text twice must be a duplicate") }
    }
    return 0
}
