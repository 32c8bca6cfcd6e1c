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
