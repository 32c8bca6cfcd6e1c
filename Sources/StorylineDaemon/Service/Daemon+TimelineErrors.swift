#if canImport(Glibc)
import Glibc
#endif

extension Daemon {
    /// Why the timeline cannot be opened, and what to do, for the start-up error and a failed reopen.
    ///
    /// A symlink at the path, which `TimelineWriter.init(appendingTo:)` refuses (the daemon writes through
    /// no link it did not make), gets a sentence of its own. Any other error is shown as it is. No final
    /// full stop: callers go on.
    static func explain(_ error: any Error, timeline path: String) -> String {
        guard let error = error as? SystemCallError else { return "\(error)" }
        let bytes = Array(path.utf8)
        switch error.errno {
        case ELOOP where (try? Syscalls.linkStatus(bytes: bytes)).map({ $0.st_mode & S_IFMT == S_IFLNK }) == true:
            let target = (try? Syscalls.linkTarget(bytes: bytes)).map { " (to \(Syscalls.shown($0)))" } ?? ""
            return "it is a symbolic link\(target), and storyline does not write through a link it did not make: "
                + "give --timeline the path of the file itself, or put a regular file at \(path)"
        default:
            return "\(error)"
        }
    }
}
