#if canImport(Glibc)
import Glibc
#endif

/// Which file a name stood for when it was read, and as it was then: a name is reused, a file is not.
///
/// A producer may write `latest.json` again after it was read, replace it while its move is retried,
/// or drop it again after a crash left its first version in the inbox. Only the file that was judged is
/// moved out of the inbox under its line; anything else at that name is a new arrival.
public struct FileVersion: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    /// Last modification, in nanoseconds since 1970: a file rewritten in place keeps its inode.
    public var modified: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, modified: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modified = modified
    }

    init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
                  modified: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec))
    }

    /// The identity of what is at `name` in `directory` now, without following a link; nil when nothing is.
    static func current(of name: FileName, in directory: String) throws(SystemCallError) -> FileVersion? {
        do {
            return FileVersion(try Syscalls.linkStatus(bytes: name.path(in: directory)))
        } catch where error.errno == ENOENT {
            return nil
        }
    }
}
