import StorylineCore

/// An article file made ready for judgement: parsed, its title and body folded, and analysed
/// (`ArticleAnalysis`).
///
/// Preparing needs nothing but the file, so it can happen apart from judging (the benchmarks'
/// `state-fill` prepares on one thread while it judges on another); judging must follow file order.
public struct PreparedArticle: Sendable {
    public var article: ParsedArticle
    public var submission: Submission

    /// - Parameters:
    ///   - arrival: when the file was read: the article's time when the file gives no publication time.
    ///   - analyzer: folds and analyses the title and body (its buffers are reused from file to file).
    ///   - names: where a JSON file's fields are, beyond the common names (the `fields:` setting).
    /// - Throws: `ArticleRejection` when the file is not an article.
    public init(_ file: ArticleFile, arrival: Timestamp, analyzer: inout ArticleAnalyzer, names: FieldNames = FieldNames())
        throws(ArticleRejection) {
        article = try ArticleParser.parse(file.bytes, fileName: file.name, names: names)
        submission = Submission(article, sha256: file.sha256, arrival: arrival, analyzer: &analyzer)
    }

    /// Whether the file's publication time lies too far past its arrival to be believed
    /// (`Submission.judgedTime(published:arrival:)`): the article is judged as published on arrival.
    public var isFutureDated: Bool {
        article.publishedTime.map { $0 != submission.time } ?? false
    }

    /// The publication time the article is judged by, nil when it has none it can be believed for.
    public var believedPublished: Timestamp? {
        isFutureDated ? nil : article.publishedTime
    }
}

extension StateStore.Batch {
    /// Judges a prepared article and adds its event and its article to the batch, as the daemon records
    /// them: the event with the exact timeline line it will be written as, and the article with the text
    /// the engine is restored from at the next start; then a `story_closed` event for each story the
    /// engine closed as its clock reached the article.
    ///
    /// The daemon calls it for every file it reads; the benchmarks' `state-fill` calls it to build a state
    /// the daemon could have left, so what a filled state holds cannot drift from what the daemon writes.
    ///
    /// The article's shingles go into the batch too: once it is committed, call
    /// `engine.releaseFingerprints(of: batch.articleNumbers)` so the engine stops holding them.
    ///
    /// - Parameters:
    ///   - prepared: the file, parsed and folded.
    ///   - name: the file's name as the file system has it; the event keeps it to move the file later.
    ///   - version: which file was read at that name: only that file is moved under the event.
    ///   - seq: the last line's place in the timeline; advanced past the events added.
    ///   - time: when the batch was read: the events' time.
    ///   - engine: judges the article and remembers it.
    /// - Returns: the events, the file's first, for the log and the counts.
    /// - Throws: `ArticleRejection` when the engine finds no words to judge; the batch is then unchanged.
    public mutating func judge(
        _ prepared: PreparedArticle, named name: FileName, version: FileVersion? = nil, seq: inout Int, at time: Timestamp,
        engine: inout Engine
    ) throws(ArticleRejection) -> [TimelineEvent] {
        let article = prepared.article
        var submission = prepared.submission
        // No date to go by (none given, or one not believed): placed by the engine's clock.
        if prepared.believedPublished == nil { submission.time = engine.placement(ofArrival: submission.time) }
        let result = try engine.judge(submission)
        unreadCandidates += result.unreadCandidates
        seq += 1
        let event = TimelineEvent(seq: seq, time: time, judgement: result,
                                  article: TimelineEvent.Article(result, file: name.description, article, sha256: submission.sha256))
        articles.append(StateStore.ArticleRow(
            judgement: result, seq: seq, file: name.description, sha256: submission.sha256, published: article.published,
            time: submission.time, futureDated: prepared.isFutureDated, title: article.title,
            titleIsHeadline: article.titleIsHeadline, body: article.body, fingerprint: engine.fingerprint(ofArticle: result.article)))
        events.append(StateStore.EventRow(seq: seq, line: event.jsonLine, file: name, version: version, sha256: submission.sha256,
                                          disposition: .archive))
        if let summary = result.summary { stories[summary.story] = summary }
        var added = [event]
        for closed in result.closedStories {
            seq += 1
            let closing = TimelineEvent(seq: seq, time: time, closed: closed)
            events.append(StateStore.EventRow(seq: seq, line: closing.jsonLine, file: FileName(""), version: nil, sha256: nil,
                                              disposition: .noFile))
            stories[closed.story] = closed
            added.append(closing)
        }
        return added
    }

    /// The numbers of the articles in the batch.
    public var articleNumbers: [Int] { articles.map(\.judgement.article) }
}
