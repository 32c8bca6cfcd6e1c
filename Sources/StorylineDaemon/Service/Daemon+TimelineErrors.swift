#if canImport(Glibc)
import Glibc
#endif

extension Daemon {
    /// Why the timeline cannot be opened, and what to do, for the start-up error and a failed reopen.
    ///
    /// The two refusals of `TimelineWriter.init(appendingTo:)` get a sentence of their own: a symlink at
    /// the path (the daemon writes through no link it did not make) and a file another process writes
    /// (a timeline has one writer). Any other error is shown as it is. No final full stop: callers go on.
    static func explain(_ error: any Error, timeline path: String) -> String {
        guard let error = error as? SystemCallError else { return "\(error)" }
        let bytes = Array(path.utf8)
        switch error.errno {
        case ELOOP where (try? Syscalls.linkStatus(bytes: bytes)).map({ $0.st_mode & S_IFMT == S_IFLNK }) == true:
            let target = (try? Syscalls.linkTarget(bytes: bytes)).map { " (to \(Syscalls.shown($0)))" } ?? ""
            return "it is a symbolic link\(target), and storyline does not write through a link it did not make: "
                + "give --timeline the path of the file itself, or put a regular file at \(path)"
        case EWOULDBLOCK:
            let holder = (try? Syscalls.linkStatus(bytes: bytes)).flatMap(Syscalls.flockHolder(of:)).map { " (pid \($0))" } ?? ""
            return "another storyline\(holder) already writes this timeline (it holds the file's lock), and a "
                + "timeline has one writer: stop the other one, or give this one its own --timeline"
        default:
            return "\(error)"
        }
    }
}
