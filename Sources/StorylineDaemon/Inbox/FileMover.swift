#if canImport(Glibc)
import Glibc
#endif

/// Moves handled inbox entries aside, never overwriting and never deleting a user's file.
public enum FileMover {
    /// The name a copy across file systems has until it is whole: a dot-name no producer's file has.
    static let copyPrefix = ".storyline-copy-"

    /// The most of a file a copy across file systems holds in memory at once.
    static let copyChunkBytes = 1 << 20

    /// Moves `name` from `source` into `destination` as `name.archived(seq:)`: the judged file's line
    /// and its place aside share the seq, and the name always fits and never clashes (one taken, as
    /// in an archive beside a restored state, gives `SEQ.1-name`).
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
        do {
            return try withFreeName(naming, in: destination) { target throws(SystemCallError) in
                try Syscalls.renameWithoutReplacing(from, target)
            }
        } catch where error.errno == EXDEV {
            return try recreate(name, from: source, in: destination, naming: naming)
        }
    }

    /// Calls `place` with the path of `naming(0)`, `naming(1)`… in `directory` until it returns true
    /// (false: the name is taken).
    private static func withFreeName(
        _ naming: (Int) -> FileName, in directory: String, _ place: ([UInt8]) throws(SystemCallError) -> Bool
    ) throws(SystemCallError) -> FileName {
        for attempt in 0..<100 {
            let target = naming(attempt)
            if try place(target.path(in: directory)) { return target }
        }
        throw SystemCallError(call: "rename", path: Syscalls.shown(naming(0).path(in: directory)), errno: EEXIST)
    }

    /// Makes `name` again in `destination` on another file system, as the first free of `naming`, then
    /// removes it from `source`.
    private static func recreate(
        _ name: FileName, from source: String, in destination: String, naming: (Int) -> FileName
    ) throws(SystemCallError) -> FileName {
        let from = name.path(in: source)
        let status = try Syscalls.linkStatus(bytes: from)
        let placed: FileName
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            placed = try copy(from, naming: naming, into: destination)
        case S_IFLNK:
            let target = try Syscalls.linkTarget(bytes: from)
            placed = try withFreeName(naming, in: destination) { to throws(SystemCallError) in
                try Syscalls.makeSymbolicLink(at: to, to: target)
            }
        case S_IFIFO:
            placed = try withFreeName(naming, in: destination) { to throws(SystemCallError) in
                try Syscalls.makeFIFO(at: to, mode: status.st_mode)
            }
        case S_IFDIR:
            placed = try withFreeName(naming, in: destination) { to throws(SystemCallError) in
                try Syscalls.makeDirectory(at: to, mode: status.st_mode)
            }
            let inner = Syscalls.shown(from), outer = Syscalls.shown(placed.path(in: destination))
            // A new directory: its entries keep their names.
            for entry in try Syscalls.directoryEntries(bytes: from) {
                _ = try move(entry, from: inner, to: outer) { _ in entry }
            }
            try Syscalls.removeDirectory(from)
            return placed
        default:
            throw SystemCallError(call: "rename (a socket or device cannot be moved across file systems)",
                                  path: Syscalls.shown(from), errno: EXDEV)
        }
        try Syscalls.unlink(from)
        return placed
    }

    /// Copies the regular file `from` into `directory` as the first free of `naming`, without replacing
    /// anything there.
    ///
    /// The copy is made under a name of its own (`.storyline-copy-…`, created with O_EXCL), streamed
    /// through one buffer of `copyChunkBytes` with the holes of a sparse file kept as holes, made
    /// durable, and only then renamed to its name (renameat2 RENAME_NOREPLACE) and that rename made
    /// durable: the caller may then remove the original. A file as large as the disk allows costs a
    /// megabyte of memory.
    ///
    /// - Throws: `SystemCallError`; the temporary copy is then removed and the original is untouched.
    private static func copy(_ from: [UInt8], naming: (Int) -> FileName, into directory: String) throws(SystemCallError) -> FileName {
        let source = Syscalls.shown(from)
        let input = try Syscalls.open(bytes: from, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
        defer { Syscalls.close(input) }
        let (output, temporary) = try Syscalls.makeUniqueFile(in: directory, prefix: copyPrefix)
        var outputOpen = true
        defer { if outputOpen { Syscalls.close(output) } }
        do throws(SystemCallError) {
            let shownTemporary = Syscalls.shown(temporary)
            var size = Int(try Syscalls.fileStatus(input, path: source).st_size)
            var buffer = [UInt8](repeating: 0, count: copyChunkBytes)
            var offset = 0
            copying: while let start = try Syscalls.dataStart(input, from: offset, path: source), start < size {
                let end = try Syscalls.holeStart(input, from: start, size: size, path: source)
                offset = start
                while offset < end {
                    let count = try Syscalls.read(input, into: &buffer, at: offset, path: source)
                    if count == 0 {
                        size = offset  // the file shrank while it was copied: the copy ends where it did
                        break copying
                    }
                    let chunk = min(count, end - offset)
                    let failure: SystemCallError? = buffer.withUnsafeBytes { bytes in
                        do throws(SystemCallError) {
                            try Syscalls.writeAll(output, UnsafeRawBufferPointer(rebasing: bytes[..<chunk]), at: offset, path: shownTemporary)
                        } catch { return error }
                        return nil
                    }
                    if let failure { throw failure }
                    offset += chunk
                }
            }
            try Syscalls.truncate(output, to: size, path: shownTemporary)  // a hole at the end, if any
            try Syscalls.synchronize(output, path: shownTemporary)
            Syscalls.close(output)
            outputOpen = false
            let placed = try withFreeName(naming, in: directory) { target throws(SystemCallError) in
                try Syscalls.renameWithoutReplacing(temporary, target)
            }
            try Syscalls.synchronizeDirectory(directory)
            return placed
        } catch {
            // No partial copy is left behind: the original stays in the inbox, whole.
            try? Syscalls.unlink(temporary)
            throw error
        }
    }
}
