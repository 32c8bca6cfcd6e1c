import StorylineCore

extension DaemonLoop {
    /// Rebuilds the engine from the state: the snapshot of the last clean stop and the articles judged
    /// after it, or, without a usable snapshot, every article within the horizon.
    func restoreEngine() throws {
        let started = ContinuousClock.now
        var after: Int?
        engine = try Engine(configuration: configuration.engine)
        do {
            if let loaded = try store.loadSnapshot(configuration: configuration.engine) {
                engine = loaded
                after = loaded.lastArticle
            }
        } catch {
            logger.warning("""
                the engine snapshot \(store.snapshotPath) cannot be used (\(error)): re-deriving the indexes \
                from the stored articles instead; the next clean stop writes a new one
                """)
        }
        engine.fingerprintArchive = store.fingerprints
        var restored = 0
        var lastReport = ContinuousClock.now
        // A state written before producers' dates were checked may hold an article dated 2100: it is
        // restored as if judged now, so that it does not evict everything before it again.
        let now = SystemClock.now()
        let latest = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + Submission.clockSkewMilliseconds)
        try store.restorableArticles(after: after, horizonDays: configuration.engine.horizonDays, latest: latest) { row in
            var submission = Submission(
                title: tokenizer.tokenize(row.title), body: tokenizer.tokenize(row.body), sha256: row.sha256,
                time: Submission.judgedTime(published: row.time, arrival: now))
            submission.titleIsHeadline = row.titleIsHeadline
            try? engine.restore(submission, as: row.judgement)
            // Rows from before shingles were stored keep theirs in memory until they leave the horizon.
            if row.hasFingerprint { engine.releaseFingerprints(of: [row.judgement.article]) }
            restored += 1
            status.pingWatchdog()
            if ContinuousClock.now - lastReport > .seconds(1) {
                lastReport = .now
                notifier.extendTimeout(by: .seconds(30))
                notifier.status("loading state: \(DigitGrouping.grouped(restored)) articles restored")
            }
        }
        // Numbers come from the whole state, not from what the horizon holds: an article judged last may
        // be dated long before the newest, and the story numbers of stories past the horizon stay taken.
        // The state counted every article of a story; a restore from the horizon only those within it.
        try store.storySummaries(lastCoveredFrom: engine.oldestStoryCoverage) { engine.adoptSummary($0) }
        let highest = try store.highestNumbers()
        engine.reserveNumbers(throughArticle: highest.article, story: highest.story)
        if let judged = try store.lastJudgedAt() { engine.noteLastArrival(judged) }
        engineIsCommitted = true
        let seconds = StatusReporter.seconds(ContinuousClock.now - started)
        let grouped = DigitGrouping.grouped
        if let after {
            logger.info("""
                state restored in \(seconds) s: the engine snapshot (up to article \(after)) and \
                \(grouped(restored)) articles judged after it; \(grouped(engine.indexedArticles)) articles indexed
                """, metadata: ["articles": "\(engine.indexedArticles)", "restored": "\(restored)"])
        } else if restored > 0 {
            let days = configuration.engine.horizonDays
            let horizon = days == days.rounded() ? String(Int(days)) : String(days)
            logger.info("state restored in \(seconds) s: \(grouped(restored)) articles within the \(horizon)-day horizon re-indexed",
                        metadata: ["articles": "\(restored)", "restored": "\(restored)"])
        }
    }

    /// Writes the engine snapshot that lets the next start skip re-deriving the indexes.
    func saveSnapshot() {
        guard engineIsCommitted, engine.lastArticle > 0 else { return }
        let started = ContinuousClock.now
        var lastReport = started
        notifier.status("stopping: writing the engine snapshot")
        do {
            try store.saveSnapshot(of: engine) { [notifier] in
                if ContinuousClock.now - lastReport > .seconds(1) {
                    lastReport = .now
                    notifier.extendTimeout(by: .seconds(30))
                }
            }
            logger.info("engine snapshot written: \(DigitGrouping.grouped(engine.indexedArticles)) articles in \(StatusReporter.seconds(ContinuousClock.now - started)) s",
                        metadata: ["articles": "\(engine.indexedArticles)"])
        } catch {
            logger.warning("cannot write the engine snapshot \(store.snapshotPath): \(error); the next start re-derives the indexes from the stored articles")
        }
    }
}
