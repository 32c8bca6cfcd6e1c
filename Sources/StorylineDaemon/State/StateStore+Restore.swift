import StorylineCore

extension StateStore {
    /// An engine rebuilt from the state, and how.
    public struct Restoration {
        public var engine: Engine
        /// The last article the snapshot held, nil when no snapshot was used.
        public var snapshotArticle: Int?
        /// Why the snapshot there could not be used, nil when there was none or it was.
        public var snapshotProblem: String?
        /// Articles restored from their stored text.
        public var restored = 0
    }

    /// Rebuilds the engine the state's committed articles made: the snapshot of the last clean stop and
    /// the articles judged after it, or, without a usable snapshot, every article within the horizon and
    /// then the state's story summaries (such a restore sees only part of a long story); then the numbers
    /// handed out and the last arrival. The daemon runs on it; `storyline explain --state` reads
    /// its learned weights.
    ///
    /// - Parameters:
    ///   - now: the daemon's clock: an article stored with a date past it (a state written before
    ///     producers' dates were checked) is restored as if judged now.
    ///   - progress: called after each article restored, with the count so far.
    public func restoreEngine(
        configuration: EngineConfiguration, now: Timestamp, progress: (Int) -> Void = { _ in }
    ) throws -> Restoration {
        var restoration = Restoration(engine: try Engine(configuration: configuration))
        do {
            if let loaded = try loadSnapshot(configuration: configuration) {
                restoration.engine = loaded
                restoration.snapshotArticle = loaded.lastArticle
            }
        } catch {
            restoration.snapshotProblem = "\(error)"
        }
        var engine = restoration.engine
        engine.fingerprintArchive = fingerprints
        var tokenizer = Tokenizer()
        var restored = 0
        let latest = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Submission.clockSkewMilliseconds)
        try restorableArticles(after: restoration.snapshotArticle, horizonDays: configuration.horizonDays, latest: latest) { row in
            var submission = Submission(
                title: tokenizer.tokenize(row.title), body: tokenizer.tokenize(row.body), sha256: row.sha256,
                time: Submission.judgedTime(published: row.time, arrival: now))
            submission.titleIsHeadline = row.titleIsHeadline
            try? engine.restore(submission, as: row.judgement)
            // Rows from before shingles were stored keep theirs in memory until they leave the horizon.
            if row.hasFingerprint { engine.releaseFingerprints(of: [row.judgement.article]) }
            restored += 1
            progress(restored)
        }
        // The state counted every article of a story; a restore from the horizon only those within it.
        // (A snapshot held the summaries, and the articles after it brought them up to date.)
        if restoration.snapshotArticle == nil {
            try storySummaries(lastCoveredFrom: engine.oldestStoryCoverage) { engine.adoptSummary($0) }
        }
        // Numbers come from the whole state, not from what the horizon holds: an article judged last may
        // be dated long before the newest, and the story numbers of stories past the horizon stay taken.
        let highest = try highestNumbers()
        engine.reserveNumbers(throughArticle: highest.article, story: highest.story)
        if let judged = try lastJudgedAt() { engine.noteLastArrival(judged) }
        restoration.engine = engine
        restoration.restored = restored
        return restoration
    }
}
