import StorylineCore

extension DaemonLoop {
    /// Rebuilds the engine from the state (`StateStore.restoreEngine`), telling systemd and the journal
    /// how it goes.
    func restoreEngine() throws {
        let started = ContinuousClock.now
        var lastReport = ContinuousClock.now
        let restoration = try store.restoreEngine(configuration: configuration.engine, now: SystemClock.now()) { restored in
            status.pingWatchdog()
            if ContinuousClock.now - lastReport > .seconds(1) {
                lastReport = .now
                notifier.extendTimeout(by: .seconds(30))
                notifier.status("loading state: \(DigitGrouping.grouped(restored)) articles restored")
            }
        }
        if let problem = restoration.snapshotProblem {
            logger.warning("""
                the engine snapshot \(store.snapshotPath) cannot be used (\(problem)): re-deriving the indexes \
                from the stored articles instead; the next clean stop writes a new one
                """)
        }
        engine = restoration.engine
        engineIsCommitted = true
        snapshotArticle = restoration.snapshotArticle ?? 0
        let restored = restoration.restored
        let seconds = StatusReporter.seconds(ContinuousClock.now - started)
        let grouped = DigitGrouping.grouped
        if let after = restoration.snapshotArticle {
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

    /// Writes a snapshot once `snapshot_seconds` have passed since the last one (or the start) and
    /// articles have been judged since: a second or so at a million articles, once in ten minutes.
    func snapshotIfDue() {
        let interval = configuration.snapshotSeconds
        guard interval > 0, engine.lastArticle > snapshotArticle,
              ContinuousClock.now - lastSnapshot >= .seconds(interval) else { return }
        saveSnapshot(stopping: false)
        // Tried again only after another interval, written or not.
        lastSnapshot = .now
    }

    /// Writes the engine snapshot that lets the next start skip re-deriving the indexes: at a clean stop
    /// (`stopping`), and every `snapshot_seconds` while running (`snapshotIfDue()`), so that a start after
    /// a crash re-derives only what was judged since.
    func saveSnapshot(stopping: Bool = true) {
        guard engineIsCommitted, engine.lastArticle > 0 else { return }
        let started = ContinuousClock.now
        var lastReport = started
        if stopping { notifier.status("stopping: writing the engine snapshot") }
        do {
            try store.saveSnapshot(of: engine) { [self] in
                guard ContinuousClock.now - lastReport > .seconds(1) else { return }
                lastReport = .now
                if stopping { notifier.extendTimeout(by: .seconds(30)) } else { status.pingWatchdog() }
            }
            snapshotArticle = engine.lastArticle
            lastSnapshot = .now
            logger.info("engine snapshot written: \(DigitGrouping.grouped(engine.indexedArticles)) articles in \(StatusReporter.seconds(ContinuousClock.now - started)) s",
                        metadata: ["articles": "\(engine.indexedArticles)"])
        } catch {
            logger.warning("cannot write the engine snapshot \(store.snapshotPath): \(error); the next start re-derives the indexes from the stored articles")
        }
    }
}
