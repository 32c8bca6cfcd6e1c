#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP as a descriptor the loop waits on beside its other input, for the daemon
/// and for `storyline tail --follow`.
///
/// Open it before anything starts a thread: the signals are blocked for the opening thread and the
/// threads it starts later, so none of them is delivered the usual way.
final class SignalFile {
    let descriptor: Int32

    /// - Throws: `SystemCallError` when the signals cannot be blocked or the descriptor made.
    init() throws(SystemCallError) {
        descriptor = try Syscalls.openSignalFile()
    }

    deinit { Syscalls.close(descriptor) }

    /// The next signal received, nil when none is pending.
    func next() throws(SystemCallError) -> Int32? {
        try Syscalls.nextSignal(from: descriptor)
    }
}
