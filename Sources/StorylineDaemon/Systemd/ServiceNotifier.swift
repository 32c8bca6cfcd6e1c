#if canImport(Glibc)
import Glibc
#endif

/// What the daemon tells its service manager: a seam, so that the status reporter's tests can read
/// what it sent without a socket.
public protocol ServiceNotifying {
    /// How often the watchdog wants a ping, when it is enabled for this process.
    var watchdogInterval: Duration? { get }
    /// Sends one notification of `KEY=value` lines.
    func notify(_ assignments: String)
}

extension ServiceNotifying {
    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { notify("STATUS=\(text)") }
    public func watchdog() { notify("WATCHDOG=1") }
    public func stopping(status: String) { notify("STOPPING=1\nSTATUS=\(status)") }
    public func extendTimeout(by duration: Duration) {
        notify("EXTEND_TIMEOUT_USEC=\(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)")
    }

    /// `RELOADING=1` with the monotonic time systemd 253+ uses to match the reload (252 ignores it).
    ///
    /// - Returns: that time, in microseconds of CLOCK_MONOTONIC.
    @discardableResult
    public func reloading() -> Int64 {
        let now = Syscalls.monotonicMicroseconds()
        notify("RELOADING=1\nMONOTONIC_USEC=\(now)")
        return now
    }

    /// Reports a fatal error before a failing exit.
    public func failed(status: String, errno code: Int32) {
        notify("STATUS=\(status)\nERRNO=\(code)")
    }
}

/// Tells the service manager how the daemon is doing: the sd_notify protocol, through libsystemd.
///
/// Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing, so the same binary runs anywhere.
public struct ServiceNotifier: ServiceNotifying, Sendable {
    public let watchdogInterval: Duration?

    public init() {
        watchdogInterval = LibSystemd.watchdogInterval()
    }

    public func notify(_ assignments: String) {
        LibSystemd.notify(assignments)
    }
}
