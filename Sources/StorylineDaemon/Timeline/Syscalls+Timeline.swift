#if canImport(Glibc)
import Glibc
#endif

/// The system calls a timeline reader adds to `Syscalls`: positioned reads, reads from a pipe, and
/// the identity of the file at a path. Same rules: retried on EINTR, failures thrown with the path.
extension Syscalls {
    /// Reads up to `buffer.count` bytes at `offset`; 0 at the end of the file.
    static func read(
        _ descriptor: Int32, into buffer: inout [UInt8], at offset: Int, path: String
    ) throws(SystemCallError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if count >= 0 { return count }
            if Glibc.errno != EINTR { throw SystemCallError(call: "pread", path: path, errno: Glibc.errno) }
        }
    }

    /// Reads up to `buffer.count` bytes from a pipe; 0 once the writer has closed it.
    static func read(_ descriptor: Int32, into buffer: inout [UInt8], path: String) throws(SystemCallError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if Glibc.errno != EINTR { throw SystemCallError(call: "read", path: path, errno: Glibc.errno) }
        }
    }

    /// Moves a descriptor back to the start of its file.
    static func rewind(_ descriptor: Int32, path: String) throws(SystemCallError) {
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw SystemCallError(call: "lseek", path: path, errno: Glibc.errno) }
    }

    /// The status of the file at `path` (links followed), or nil when nothing is there.
    static func status(ofPath path: String) throws(SystemCallError) -> stat? {
        var status = stat()
        if stat(path, &status) == 0 { return status }
        if Glibc.errno == ENOENT || Glibc.errno == ENOTDIR { return nil }
        throw SystemCallError(call: "stat", path: path, errno: Glibc.errno)
    }

    /// Opens `path` for reading, or returns nil when nothing is there.
    static func openForReading(_ path: String) throws(SystemCallError) -> Int32? {
        do throws(SystemCallError) { return try open(path, O_RDONLY) } catch {
            if error.errno == ENOENT { return nil }
            throw error
        }
    }
}

/// Which file a descriptor or path refers to, whatever its name is now.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    init(_ status: stat) {
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
