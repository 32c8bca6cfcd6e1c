import Testing
import StorylineCore
@testable import StorylineDaemon

/// A service manager that keeps what it was told.
final class RecordingNotifier: ServiceNotifying {
    let watchdogInterval: Duration?
    private(set) var sent: [String] = []

    init(watchdogInterval: Duration?) { self.watchdogInterval = watchdogInterval }

    func notify(_ assignments: String) { sent.append(assignments) }
}

/// A monotonic clock a test moves by hand.
final class ManualClock {
    var now = ContinuousClock.now
    func advance(by duration: Duration) { now += duration }
}

@Suite struct StatusReporterTests {
    @Test func theWatchdogIsPingedAtHalfItsIntervalAndNotWhileTheLoopIsStuck() {
        let notifier = RecordingNotifier(watchdogInterval: .seconds(2))
        let clock = ManualClock()
        var reporter = StatusReporter(notifier: notifier, now: { clock.now })

        reporter.pingWatchdog()
        clock.advance(by: .milliseconds(900))
        reporter.pingWatchdog()
        #expect(notifier.sent.isEmpty, "not before half the interval")
        clock.advance(by: .milliseconds(100))
        reporter.pingWatchdog()
        reporter.pingWatchdog()
        #expect(notifier.sent == ["WATCHDOG=1"])
        // A stuck loop calls nothing: however long it is stuck, nothing is sent, and systemd's
        // watchdog fires.
        clock.advance(by: .seconds(60))
        #expect(notifier.sent == ["WATCHDOG=1"])
        reporter.pingWatchdog()
        #expect(notifier.sent == ["WATCHDOG=1", "WATCHDOG=1"])
        #expect(reporter.watchdogPings == 2, "what the metrics count")
    }

    @Test func withoutAWatchdogNothingIsPinged() {
        let notifier = RecordingNotifier(watchdogInterval: nil)
        var reporter = StatusReporter(notifier: notifier)
        reporter.pingWatchdog()
        #expect(notifier.sent.isEmpty)
    }

    @Test func aChangedStatusGoesOutAtMostEveryIntervalUnlessForced() {
        let notifier = RecordingNotifier(watchdogInterval: nil)
        let clock = ManualClock()
        var reporter = StatusReporter(notifier: notifier, now: { clock.now })

        reporter.show("one")
        reporter.show("one")
        reporter.show("two")
        #expect(notifier.sent == ["STATUS=one"], "unchanged: not sent again; changed too soon: waits")
        reporter.show("error: disk full", force: true)
        #expect(notifier.sent.last == "STATUS=error: disk full")
        clock.advance(by: StatusReporter.statusInterval)
        reporter.show("two")
        #expect(notifier.sent.last == "STATUS=two")
    }

    @Test func theSummaryCountsEachKindOfLine() {
        var reporter = StatusReporter(notifier: RecordingNotifier(watchdogInterval: nil))
        reporter.counts.articles = 1203
        reporter.count([], futureDated: 2)
        #expect(reporter.summary(backlog: 1_000_000)
            == "1,203 articles, 0 stories, 0 duplicates, 0 rejected, 2 future-dated, backlog 1,000,000")
        #expect(DigitGrouping.grouped(0) == "0" && DigitGrouping.grouped(999) == "999" && DigitGrouping.grouped(1000) == "1,000")
    }
}
