#if canImport(Glibc)
import Glibc
#endif

/// Moves handled inbox entries aside, never overwriting and never deleting a user's file.
public enum FileMover {
    /// Moves `name` from `source` into `destination`, adding a suffix on a name clash.
    ///
    /// Across file systems (EXDEV) the entry is recreated in `destination` (a regular file copied and
    /// made durable, a symlink or FIFO made again, a directory moved entry by entry) and only then
    /// removed from the inbox. Sockets and devices cannot be recreated unprivileged: they stay and the
    /// error says so. Directories are not made durable here: call `Syscalls.synchronizeDirectory` once
    /// per batch.
    ///
    /// - Returns: the name the entry has in `destination`.
    /// - Throws: `SystemCallError` when the entry cannot be moved; it then stays where it was.
    @discardableResult
    public static func move(_ name: String, from source: String, to destination: String) throws(SystemCallError) -> String {
        let from = source + "/" + name
        for attempt in 0..<10_000 {
            let target = suffixed(name, attempt)
            do {
                if try Syscalls.renameWithoutReplacing(from, destination + "/" + target) { return target }
            } catch where error.errno == EXDEV {
                if try recreate(from, at: destination + "/" + target) { return target }
            }
        }
        throw SystemCallError(call: "rename", path: from, errno: EEXIST)
    }

    /// `name`, then `name.1.ext`, `name.2.ext`… keeping the extension last.
    static func suffixed(_ name: String, _ attempt: Int) -> String {
        guard attempt > 0 else { return name }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return "\(name[..<dot]).\(attempt)\(name[dot...])"
        }
        return "\(name).\(attempt)"
    }

    /// Makes `from` again at `to` on another file system, then removes `from`; false if `to` exists.
    private static func recreate(_ from: String, at to: String) throws(SystemCallError) -> Bool {
        var status = stat()
        guard lstat(from, &status) == 0 else { throw SystemCallError(call: "lstat", path: from, errno: errno) }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard try copyWithoutReplacing(from, to) else { return false }
            try Syscalls.unlink(from)
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(from, &target, target.count - 1)
            guard length >= 0 else { throw SystemCallError(call: "readlink", path: from, errno: errno) }
            guard symlink(String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self), to) == 0 else {
                if errno == EEXIST { return false }
                throw SystemCallError(call: "symlink", path: to, errno: errno)
            }
            try Syscalls.unlink(from)
        case S_IFIFO:
            guard mkfifo(to, status.st_mode & 0o777) == 0 else {
                if errno == EEXIST { return false }
                throw SystemCallError(call: "mkfifo", path: to, errno: errno)
            }
            try Syscalls.unlink(from)
        case S_IFDIR:
            guard mkdir(to, status.st_mode & 0o777) == 0 else {
                if errno == EEXIST { return false }
                throw SystemCallError(call: "mkdir", path: to, errno: errno)
            }
            for name in try Syscalls.directoryEntries(from) {
                try move(name, from: from, to: to)
            }
            guard rmdir(from) == 0 else { throw SystemCallError(call: "rmdir", path: from, errno: errno) }
        default:
            throw SystemCallError(call: "rename (a socket or device cannot be moved across file systems)", path: from, errno: EXDEV)
        }
        return true
    }

    private static func copyWithoutReplacing(_ from: String, _ to: String) throws(SystemCallError) -> Bool {
        let input = try Syscalls.open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        defer { Syscalls.close(input) }
        let output: Int32
        do {
            output = try Syscalls.open(to, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        } catch where error.errno == EEXIST {
            return false
        }
        defer { Syscalls.close(output) }
        let bytes = try Syscalls.readAll(input, path: from, limit: Int.max - 1)
        let failure: SystemCallError? = bytes.withUnsafeBytes { raw in
            do throws(SystemCallError) { try Syscalls.writeAll(output, raw, path: to) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        try Syscalls.synchronize(output, path: to)
        return true
    }
}
