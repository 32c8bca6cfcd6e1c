import StorylineCore

extension StateStore.Batch {
    /// Judges one article file and adds its event and its article to the batch, as the daemon records
    /// them: the event with the exact timeline line it will be written as, and the article with the text
    /// the engine is restored from at the next start.
    ///
    /// The daemon calls it for every file it reads; the benchmarks' `state-fill` calls it to build a state
    /// the daemon could have left, so what a filled state holds cannot drift from what the daemon writes.
    ///
    /// - Parameters:
    ///   - file: the file's bytes and their SHA-256.
    ///   - name: the file's name as the file system has it; the event keeps it to move the file later.
    ///   - seq: the event's place in the timeline.
    ///   - time: when the file was read: the event's time, and the article's when the file gives no
    ///     publication time.
    ///   - engine: judges the article and remembers it.
    ///   - tokenizer: folds the title and body (its buffers are reused from file to file).
    /// The article's shingles go into the batch too: once it is committed, call
    /// `engine.releaseFingerprints(of: batch.articleNumbers)` so the engine stops holding them.
    ///
    /// - Returns: the event, for the log and the counts.
    /// - Throws: `ArticleRejection` when the file is not an article; the batch is then unchanged.
    public mutating func judge(
        _ file: ArticleFile, named name: FileName, seq: Int, at time: Timestamp,
        engine: inout Engine, tokenizer: inout Tokenizer
    ) throws(ArticleRejection) -> TimelineEvent {
        let article = try ArticleParser.parse(file.bytes, fileName: file.name)
        let submission = Submission(article, sha256: file.sha256, arrival: time, tokenizer: &tokenizer)
        let result = try engine.judge(submission)
        let event = TimelineEvent(seq: seq, time: time, judgement: result,
                                  article: TimelineEvent.Article(result, file: name.description, article, sha256: file.sha256))
        articles.append(StateStore.ArticleRow(
            judgement: result, seq: seq, file: name.description, sha256: file.sha256, published: article.published,
            time: submission.time, title: article.title, body: article.body,
            fingerprint: engine.fingerprint(ofArticle: result.article)))
        events.append(StateStore.EventRow(seq: seq, line: event.jsonLine, file: name, sha256: file.sha256, disposition: .archive))
        return event
    }

    /// The numbers of the articles in the batch.
    public var articleNumbers: [Int] { articles.map(\.judgement.article) }
}
