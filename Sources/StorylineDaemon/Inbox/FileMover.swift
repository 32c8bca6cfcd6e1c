#if canImport(Glibc)
import Glibc
#endif

/// Moves handled inbox entries aside, never overwriting and never deleting a user's file.
public enum FileMover {
    /// Moves `name` from `source` into `destination`, adding a suffix on a name clash.
    ///
    /// Across file systems (EXDEV) a regular file is copied, made durable, and only then removed from
    /// the inbox. Directories are not made durable here: call `Syscalls.synchronizeDirectory` once per batch.
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
                if try copyWithoutReplacing(from, destination + "/" + target) {
                    try Syscalls.unlink(from)
                    return target
                }
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

    private static func copyWithoutReplacing(_ from: String, _ to: String) throws(SystemCallError) -> Bool {
        let input = try Syscalls.open(from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        defer { Syscalls.close(input) }
        let status = try Syscalls.fileStatus(input, path: from)
        guard status.st_mode & S_IFMT == S_IFREG else { throw SystemCallError(call: "copy", path: from, errno: EXDEV) }
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
