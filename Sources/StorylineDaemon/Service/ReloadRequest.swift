#if canImport(Glibc)
import Glibc
#endif

/// `storyline reload`: SIGHUP to a running daemon, then its verdict on that reload.
public enum ReloadRequest {
    /// Sends SIGHUP to the daemon `pid` and waits for it to record the outcome of a reload it began
    /// after the signal: an earlier reload still in flight does not count (it may have read the file
    /// before the edit this request is about), nor does the record already there (after a reboot its
    /// monotonic time may lie ahead of this one's).
    ///
    /// - Parameters:
    ///   - pid: the daemon's process (`$MAINPID` under systemd).
    ///   - state: its state directory, where it keeps `reload.status`.
    ///   - timeout: how long to wait for the outcome (a reload that rebuilds the indexes takes a while).
    /// - Returns: the record of the reload, succeeded or not.
    /// - Throws: `ReloadRequestError` when the signal cannot be sent, the daemon exits, or no outcome
    ///   arrives in time.
    public static func reload(pid: Int32, state: String, timeout: Duration) throws(ReloadRequestError) -> ReloadStatus {
        let earlier = ReloadStatus.read(fromState: state)
        let requested = Syscalls.monotonicMicroseconds()
        func outcome() -> ReloadStatus? {
            guard let status = ReloadStatus.read(fromState: state), status != earlier,
                  status.monotonicMicroseconds >= requested else { return nil }
            return status
        }
        do throws(SystemCallError) { try Syscalls.send(SIGHUP, toProcess: pid) } catch {
            throw ReloadRequestError(message: error.errno == ESRCH
                ? "no process \(pid): is storyline running?" : "cannot signal storyline (pid \(pid)): \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = outcome() { return status }
            do throws(SystemCallError) { try Syscalls.send(0, toProcess: pid) } catch {
                // EPERM means it is there, only not ours to signal; ESRCH that it is gone.
                if error.errno == ESRCH {
                    if let status = outcome() { return status }
                    throw ReloadRequestError(message: "storyline (pid \(pid)) exited before it finished the reload")
                }
            }
            if ContinuousClock.now >= deadline {
                throw ReloadRequestError(message: """
                    storyline (pid \(pid)) recorded no outcome of the reload in \(ReloadStatus.path(inState: state)) \
                    within \(timeout): is that its state directory (--state)?
                    """)
            }
            usleep(50_000)
        }
    }
}

/// Why `storyline reload` could not learn the outcome of the reload.
public struct ReloadRequestError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
