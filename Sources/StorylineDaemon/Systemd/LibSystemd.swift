import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// Every libsystemd call Storyline makes, in one place: the notify protocol and the journal.
///
/// Outside systemd each does nothing harmful: `notify` sends nothing without `NOTIFY_SOCKET`, the
/// watchdog is off without `WATCHDOG_USEC`, and the journal is only written where a caller found one.
enum LibSystemd {
    /// Sends one notification of `KEY=value` lines to the service manager.
    static func notify(_ assignments: String) {
        _ = sd_notify(0, assignments)
    }

    /// How often the service manager's watchdog wants a ping, nil when it is off for this process.
    static func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        return sd_watchdog_enabled(0, &microseconds) > 0 && microseconds > 0
            ? .microseconds(Int64(clamping: microseconds)) : nil
    }

    /// Sends one journal entry of `FIELD=value` strings, each field whole (values may hold newlines).
    static func sendToJournal(_ entries: [String]) {
        var storage: [UInt8] = []
        var ranges: [Range<Int>] = []
        for entry in entries {
            let start = storage.count
            storage.append(contentsOf: entry.utf8)
            ranges.append(start..<storage.count)
        }
        storage.withUnsafeMutableBytes { bytes in
            let vectors = ranges.map { iovec(iov_base: bytes.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            _ = sd_journal_sendv(vectors, Int32(vectors.count))
        }
    }
}
