#if canImport(Glibc)
import Glibc
#endif

/// Moves handled inbox entries aside, never overwriting and never deleting a user's file.
public enum FileMover {
    /// Moves `name` from `source` into `destination` as `name.archived(seq:)`: the judged file's line
    /// and its place aside share the seq, and the name always fits and never clashes.
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
    public static func move(_ name: FileName, from source: String, to destination: String, seq: Int) throws(SystemCallError) -> FileName {
        try move(name, from: source, to: destination) { name.archived(seq: seq, attempt: $0) }
    }

    /// Moves `name` to the first of `naming(0)`, `naming(1)`… not taken in `destination`.
    private static func move(
        _ name: FileName, from source: String, to destination: String, naming: (Int) -> FileName
    ) throws(SystemCallError) -> FileName {
        let from = name.path(in: source)
        for attempt in 0..<100 {
            let target = naming(attempt)
            do {
                if try Syscalls.renameWithoutReplacing(from, target.path(in: destination)) { return target }
            } catch where error.errno == EXDEV {
                if try recreate(from, at: target.path(in: destination)) { return target }
            }
        }
        throw SystemCallError(call: "rename", path: Syscalls.shown(from), errno: EEXIST)
    }

    /// Makes `from` again at `to` on another file system, then removes `from`; false if `to` exists.
    private static func recreate(_ from: [UInt8], at to: [UInt8]) throws(SystemCallError) -> Bool {
        let status = try Syscalls.linkStatus(bytes: from)
        func fail(_ call: String, _ path: [UInt8]) -> SystemCallError {
            SystemCallError(call: call, path: Syscalls.shown(path), errno: errno)
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            guard try copyWithoutReplacing(from, to) else { return false }
        case S_IFLNK:
            var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = Syscalls.withCPath(from) { readlink($0, &target, target.count - 1) }
            guard length >= 0 else { throw fail("readlink", from) }
            let made = target.withUnsafeBufferPointer { link in Syscalls.withCPath(to) { symlink(link.baseAddress!, $0) } }
            guard made == 0 else {
                if errno == EEXIST { return false }
                throw fail("symlink", to)
            }
        case S_IFIFO:
            guard Syscalls.withCPath(to, { mkfifo($0, status.st_mode & 0o777) }) == 0 else {
                if errno == EEXIST { return false }
                throw fail("mkfifo", to)
            }
        case S_IFDIR:
            guard Syscalls.withCPath(to, { mkdir($0, status.st_mode & 0o777) }) == 0 else {
                if errno == EEXIST { return false }
                throw fail("mkdir", to)
            }
            let inner = Syscalls.shown(from), outer = Syscalls.shown(to)
            // A new directory: its entries keep their names.
            for entry in try Syscalls.directoryEntries(bytes: from) {
                try move(entry, from: inner, to: outer) { _ in entry }
            }
            guard Syscalls.withCPath(from, { rmdir($0) }) == 0 else { throw fail("rmdir", from) }
            return true
        default:
            throw SystemCallError(call: "rename (a socket or device cannot be moved across file systems)",
                                  path: Syscalls.shown(from), errno: EXDEV)
        }
        try Syscalls.unlink(from)
        return true
    }

    private static func copyWithoutReplacing(_ from: [UInt8], _ to: [UInt8]) throws(SystemCallError) -> Bool {
        let input = try Syscalls.open(bytes: from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        defer { Syscalls.close(input) }
        let output: Int32
        do {
            output = try Syscalls.open(bytes: to, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        } catch where error.errno == EEXIST {
            return false
        }
        defer { Syscalls.close(output) }
        do throws(SystemCallError) {
            let bytes = try Syscalls.readAll(input, path: Syscalls.shown(from), limit: Int.max - 1)
            let failure: SystemCallError? = bytes.withUnsafeBytes { raw in
                do throws(SystemCallError) { try Syscalls.writeAll(output, raw, path: Syscalls.shown(to)) } catch { return error }
                return nil
            }
            if let failure { throw failure }
            try Syscalls.synchronize(output, path: Syscalls.shown(to))
        } catch {
            // No partial copy is left behind: the original stays in the inbox, whole.
            try? Syscalls.unlink(to)
            throw error
        }
        return true
    }
}
