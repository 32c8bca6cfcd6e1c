import Foundation
import StorylineCore

/// What the service manager hears while the daemon runs: the counts on the STATUS line, and the
/// watchdog's pings.
///
/// Both are rate-limited by the injected clock, so the loop may call them as often as it likes: a
/// ping goes out once half the watchdog interval has passed since the last, a changed STATUS line at
/// most every 250 ms (or at once when forced: a failure, a backlog cleared).
struct StatusReporter {
    /// The counts since the state began (`StateStore.counts()` at start-up, then every batch).
    var counts = StateStore.Counts()
    /// The watchdog pings sent.
    private(set) var watchdogPings = 0

    private let notifier: any ServiceNotifying
    private let now: () -> ContinuousClock.Instant
    private var lastStatus = ""
    private var lastStatusTime: ContinuousClock.Instant
    private var lastWatchdog: ContinuousClock.Instant

    /// The least time between two STATUS lines that are not forced.
    static let statusInterval: Duration = .milliseconds(250)

    /// - Parameter now: the monotonic clock; a test passes one it moves by hand.
    init(notifier: any ServiceNotifying, now: @escaping () -> ContinuousClock.Instant = { .now }) {
        self.notifier = notifier
        self.now = now
        lastStatusTime = now() - .seconds(10)
        lastWatchdog = now()
    }

    /// WATCHDOG=1 once half the watchdog interval has passed since the last: cheap enough to call from
    /// inside long work (each file of a batch, each article of a rebuild), which must not starve it.
    mutating func pingWatchdog() {
        guard let interval = notifier.watchdogInterval, now() - lastWatchdog >= interval / 2 else { return }
        notifier.watchdog()
        watchdogPings += 1
        lastWatchdog = now()
    }

    /// Sends `text` as the STATUS line if it changed, and `force` is set or the last one is old enough.
    mutating func show(_ text: String, force: Bool = false) {
        guard text != lastStatus, force || now() - lastStatusTime >= Self.statusInterval else { return }
        notifier.status(text)
        noteShown(text)
    }

    /// Records `text` as the line the service manager shows, when it went out by another notification
    /// (READY=1 with its STATUS=).
    mutating func noteShown(_ text: String) {
        lastStatus = text
        lastStatusTime = now()
    }

    /// Adds a batch's lines to the counts.
    mutating func count(_ events: [TimelineEvent], futureDated: Int) {
        for event in events {
            switch event.kind {
            case .rejected: counts.rejected += 1
            case .duplicate: counts.articles += 1; counts.duplicates += 1
            case .storyStarted: counts.articles += 1; counts.stories += 1
            case .storyExtended: counts.articles += 1
            case .storyClosed: break
            }
        }
        counts.futureDated += futureDated
    }

    /// The counts as the STATUS line shows them: "1,204 articles, 310 stories, …, backlog 12";
    /// `unreadable` files left in the inbox are named when there are any.
    func summary(backlog: Int, unreadable: Int = 0) -> String {
        func counted(_ value: Int, _ one: String, _ many: String) -> String {
            "\(DigitGrouping.grouped(value)) \(value == 1 ? one : many)"
        }
        let futureDated = counts.futureDated > 0 ? "\(DigitGrouping.grouped(counts.futureDated)) future-dated, " : ""
        return "\(counted(counts.articles, "article", "articles")), \(counted(counts.stories, "story", "stories")), "
            + "\(counted(counts.duplicates, "duplicate", "duplicates")), \(DigitGrouping.grouped(counts.rejected)) rejected, "
            + futureDated + (unreadable > 0 ? "\(DigitGrouping.grouped(unreadable)) unreadable in the inbox, " : "")
            + "backlog \(DigitGrouping.grouped(backlog))"
    }

    /// A duration in milliseconds to two decimals, for the journal.
    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.2f", Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15)
    }

    /// A duration in seconds to one decimal, for the journal.
    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
