import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, on what, and the errno it gave.
public struct SystemCallError: Error, Sendable, Hashable, CustomStringConvertible {
    public var call: String
    public var path: String
    public var errno: Int32

    public var description: String { "\(call)(\(path)): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Every raw system call Storyline makes, each retried on EINTR, in one place.
enum Syscalls {
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        try open(bytes: Array(path.utf8), flags, mode)
    }

    /// Opens a path given as bytes (names need not be UTF-8).
    static func open(bytes path: [UInt8], _ flags: Int32, _ mode: mode_t = 0) throws(SystemCallError) -> Int32 {
        while true {
            let descriptor = withCPath(path) { Glibc.open($0, flags | O_CLOEXEC, mode) }
            if descriptor >= 0 { return descriptor }
            if Glibc.errno != EINTR { throw SystemCallError(call: "open", path: shown(path), errno: Glibc.errno) }
        }
    }

    /// Calls `body` with `path` as a NUL-terminated C string.
    static func withCPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { body($0) }
        }
    }

    /// A byte path for messages.
    static func shown(_ path: [UInt8]) -> String { String(decoding: path, as: UTF8.self) }

    static func fileStatus(_ descriptor: Int32, path: String) throws(SystemCallError) -> stat {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SystemCallError(call: "fstat", path: path, errno: Glibc.errno)
        }
        return status
    }

    /// Reads up to `limit` bytes, to the end of the file.
    static func readAll(_ descriptor: Int32, path: String, limit: Int) throws(SystemCallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw SystemCallError(call: "read", path: path, errno: Glibc.errno)
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw SystemCallError(call: "write", path: path, errno: Glibc.errno)
            }
            offset += count
        }
    }

    static func synchronize(_ descriptor: Int32, path: String) throws(SystemCallError) {
        guard fsync(descriptor) == 0 || Glibc.errno == EINVAL else {
            throw SystemCallError(call: "fsync", path: path, errno: Glibc.errno)
        }
    }

    static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// The names in a directory, without `.` and `..`, shown as text (see `directoryEntries(bytes:)`).
    static func directoryEntries(_ path: String) throws(SystemCallError) -> [String] {
        try directoryEntries(bytes: Array(path.utf8)).map(\.description)
    }

    /// The names in a directory, without `.` and `..`, as the file system has them.
    static func directoryEntries(bytes path: [UInt8]) throws(SystemCallError) -> [FileName] {
        guard let directory = withCPath(path, { opendir($0) }) else {
            throw SystemCallError(call: "opendir", path: shown(path), errno: Glibc.errno)
        }
        defer { closedir(directory) }
        var names: [FileName] = []
        while let entry = readdir(directory) {
            // The name is read in place, up to its NUL: glibc packs records by d_reclen, so the last one in
            // its buffer can end before the 256 bytes of `d_name`, and copying the field out (`of:
            // entry.pointee.d_name`) read past the buffer (AddressSanitizer: heap-buffer-overflow).
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { bytes in Array(bytes.prefix { $0 != 0 }) }
            if name != [0x2e] && name != [0x2e, 0x2e] { names.append(FileName(bytes: name)) }
        }
        return names
    }

    /// Whether anything (a file, a link, a directory…) exists at `path`, without following links.
    static func exists(_ path: String) -> Bool {
        exists(bytes: Array(path.utf8))
    }

    static func exists(bytes path: [UInt8]) -> Bool {
        var status = stat()
        return withCPath(path) { lstat($0, &status) } == 0
    }

    /// The status of the entry at `path`, links not followed.
    static func linkStatus(bytes path: [UInt8]) throws(SystemCallError) -> stat {
        var status = stat()
        guard withCPath(path, { lstat($0, &status) }) == 0 else {
            throw SystemCallError(call: "lstat", path: shown(path), errno: Glibc.errno)
        }
        return status
    }

    /// What the symlink at `path` points to, as bytes.
    static func linkTarget(bytes path: [UInt8]) throws(SystemCallError) -> [UInt8] {
        var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = withCPath(path) { name in
            target.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { readlink(name, $0.baseAddress!, $0.count - 1) }
            }
        }
        guard length >= 0 else { throw SystemCallError(call: "readlink", path: shown(path), errno: Glibc.errno) }
        return Array(target[..<length])
    }

    /// Whether `path` is a directory (following links).
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    static func makeDirectory(_ path: String) throws(SystemCallError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && Glibc.errno != EEXIST {
                throw SystemCallError(call: "mkdir", path: prefix, errno: Glibc.errno)
            }
        }
    }

    /// Renames `from` to `to` unless `to` exists; false if it does.
    static func renameWithoutReplacing(_ from: [UInt8], _ to: [UInt8]) throws(SystemCallError) -> Bool {
        let result = withCPath(from) { source in withCPath(to) { target in storyline_rename_noreplace(source, target) } }
        if result == 0 { return true }
        if Glibc.errno == EEXIST { return false }
        throw SystemCallError(call: "renameat2", path: shown(from) + " -> " + shown(to), errno: Glibc.errno)
    }

    /// Renames `from` to `to`, replacing `to` (atomically) if it exists.
    static func rename(_ from: String, _ to: String) throws(SystemCallError) {
        guard Glibc.rename(from, to) == 0 else {
            throw SystemCallError(call: "rename", path: from + " -> " + to, errno: Glibc.errno)
        }
    }

    /// Maps the whole file at `path` read-only for the duration of `body`; nil when there is no file.
    static func withMappedFile<T>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T? {
        guard let descriptor = try openForReading(path) else { return nil }
        defer { close(descriptor) }
        let size = Int(try fileStatus(descriptor, path: path).st_size)
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw SystemCallError(call: "mmap", path: path, errno: Glibc.errno)
        }
        defer { munmap(address, size) }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: address, count: size))
    }

    static func unlink(_ path: [UInt8]) throws(SystemCallError) {
        guard withCPath(path, { Glibc.unlink($0) }) == 0 else {
            throw SystemCallError(call: "unlink", path: shown(path), errno: Glibc.errno)
        }
    }

    /// Makes a directory's entries (renames, new files) durable.
    static func synchronizeDirectory(_ path: String) throws(SystemCallError) {
        let descriptor = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(descriptor) }
        try synchronize(descriptor, path: path)
    }

    static func truncate(_ descriptor: Int32, to length: Int, path: String) throws(SystemCallError) {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw SystemCallError(call: "ftruncate", path: path, errno: Glibc.errno)
        }
    }

    /// Takes an exclusive advisory lock, or returns false when another process holds it.
    static func lockExclusively(_ descriptor: Int32, path: String) throws(SystemCallError) -> Bool {
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
        if Glibc.errno == EWOULDBLOCK { return false }
        throw SystemCallError(call: "flock", path: path, errno: Glibc.errno)
    }
}

/// The calls a timeline reader needs: positioned reads, reads from a pipe, the identity of the file at
/// a path. Same rules: retried on EINTR, failures thrown with the path.
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

/// The calls a streamed copy needs: positioned writes, the runs of data of a sparse file, a name of its
/// own for the copy. Same rules: retried on EINTR, failures thrown with the path.
extension Syscalls {
    /// lseek's whence values for sparse files (Linux's; glibc declares them only under _GNU_SOURCE).
    private static let seekData: Int32 = 3, seekHole: Int32 = 4

    /// Writes all of `bytes` at `offset`.
    static func writeAll(
        _ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String
    ) throws(SystemCallError) {
        var written = 0
        while written < bytes.count {
            let count = Glibc.pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset + written))
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw SystemCallError(call: "pwrite", path: path, errno: Glibc.errno)
            }
            written += count
        }
    }

    /// Where the next run of data starts at or after `offset` (lseek SEEK_DATA), or nil when only a hole
    /// is left. A file system that cannot tell has data everywhere: `offset` itself.
    static func dataStart(_ descriptor: Int32, from offset: Int, path: String) throws(SystemCallError) -> Int? {
        let found = lseek(descriptor, off_t(offset), seekData)
        if found >= 0 { return Int(found) }
        if Glibc.errno == ENXIO { return nil }
        if Glibc.errno == EINVAL || Glibc.errno == EOPNOTSUPP { return offset }
        throw SystemCallError(call: "lseek(SEEK_DATA)", path: path, errno: Glibc.errno)
    }

    /// Where the run of data at `offset` ends (lseek SEEK_HOLE); `size` where the file system cannot tell.
    static func holeStart(_ descriptor: Int32, from offset: Int, size: Int, path: String) throws(SystemCallError) -> Int {
        let found = lseek(descriptor, off_t(offset), seekHole)
        if found >= 0 { return min(Int(found), size) }
        if Glibc.errno == ENXIO || Glibc.errno == EINVAL || Glibc.errno == EOPNOTSUPP { return size }
        throw SystemCallError(call: "lseek(SEEK_HOLE)", path: path, errno: Glibc.errno)
    }

    /// Creates a new file `PREFIX` + random letters in `directory`, with O_CREAT | O_EXCL, never an
    /// existing name nor a link.
    ///
    /// - Returns: the open descriptor (write-only) and the file's path.
    static func makeUniqueFile(
        in directory: String, prefix: String, mode: mode_t = 0o644
    ) throws(SystemCallError) -> (descriptor: Int32, path: [UInt8]) {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let suffix = (0..<12).map { _ in letters[Int(generator.next(upperBound: UInt(letters.count)))] }
            let path = Array(directory.utf8) + [UInt8(ascii: "/")] + Array(prefix.utf8) + suffix
            do throws(SystemCallError) {
                return (try open(bytes: path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode), path)
            } catch where error.errno == EEXIST {
                continue
            }
        }
        throw SystemCallError(call: "open(O_EXCL)", path: directory + "/" + prefix + "*", errno: EEXIST)
    }
}

/// How the process's memory is handed out and given back (glibc's malloc).
extension Syscalls {
    /// Makes malloc map every block of `bytes` or more and unmap it when freed. By default glibc raises
    /// that threshold after the first such block is freed, and the next ones come from the heap, which
    /// keeps their peak for good (`make soak`: a 30 MiB step when the document-frequency table was
    /// pruned).
    static func mapBlocks(from bytes: Int32) {
        _ = storyline_map_blocks_from(bytes)
    }

    /// Gives the heap's free pages back to the system. glibc gives back only the free memory at the top
    /// of the heap; memory freed below a block still in use stays resident until malloc reuses it.
    static func returnFreeMemory() {
        _ = storyline_return_free_memory()
    }
}

/// The holder of a lock, for messages that say who is in the way.
extension Syscalls {
    /// The process holding a `flock` on the file `status` describes, from /proc/locks; nil when it cannot
    /// be told (no /proc, the holder in another PID namespace, the lock already gone).
    static func flockHolder(of status: stat) -> Int32? {
        guard let descriptor = try? open("/proc/locks", O_RDONLY),
              let bytes = try? readAll(descriptor, path: "/proc/locks", limit: 4 << 20) else { return nil }
        close(descriptor)
        // Lines read "1: FLOCK  ADVISORY  WRITE 27044 fe:00:16220245 0 EOF"; the device is MAJOR:MINOR in hex.
        let device = UInt64(status.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK" else { continue }
            let identity = fields[5].split(separator: ":")
            guard identity.count == 3, let foundMajor = UInt64(identity[0], radix: 16),
                  let foundMinor = UInt64(identity[1], radix: 16), foundMajor == major, foundMinor == minor,
                  String(identity[2]) == String(UInt64(status.st_ino)) else { continue }
            return Int32(fields[4])
        }
        return nil
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

/// The calls `storyline reload` needs: a signal to the daemon, whether it still runs, a shared clock.
extension Syscalls {
    /// Sends `signal` to process `pid` (0 only checks that it exists and may be signalled).
    static func send(_ signal: Int32, toProcess pid: Int32) throws(SystemCallError) {
        guard kill(pid, signal) == 0 else { throw SystemCallError(call: "kill", path: "pid \(pid)", errno: Glibc.errno) }
    }

    /// CLOCK_MONOTONIC in microseconds: one clock for every process on the machine, unmoved by the
    /// wall clock, so two processes can tell which of their moments came first.
    static func monotonicMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    /// The wall clock, in milliseconds since the epoch.
    static func realtimeMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Whether this process may run the file at `path`.
    static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// Whether `descriptor` is a terminal.
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) != 0 }

    /// Writes `bytes` to `path` whole or not at all: a new file beside it, then a rename over it.
    static func replaceFile(_ path: String, with bytes: [UInt8]) throws(SystemCallError) {
        let temporary = path + ".tmp"
        let descriptor = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(descriptor) }
        let failure = bytes.withUnsafeBytes { buffer -> SystemCallError? in
            do throws(SystemCallError) { try writeAll(descriptor, buffer, path: temporary) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        try rename(temporary, path)
    }
}

/// Waiting: for input on descriptors, and for the signals the daemon and `tail --follow` stop or reload
/// on. Same rules: retried on EINTR, failures thrown with what was waited on.
extension Syscalls {
    /// Waits until one of `descriptors` has input or `timeout` passes; a wait a signal interrupts
    /// returns early, as if it timed out (the caller looks again anyway).
    ///
    /// - Returns: the descriptors that have input.
    static func waitForInput(on descriptors: [Int32], timeout: Duration) throws(SystemCallError) -> [Int32] {
        var entries = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let milliseconds = Int32(clamping: max(0, timeout.components.seconds * 1000
            + timeout.components.attoseconds / 1_000_000_000_000_000))
        let ready = Glibc.poll(&entries, nfds_t(entries.count), milliseconds)
        if ready < 0 {
            if Glibc.errno == EINTR { return [] }
            throw SystemCallError(call: "poll", path: descriptors.map(String.init).joined(separator: ","), errno: Glibc.errno)
        }
        return entries.filter { $0.revents != 0 }.map(\.fd)
    }

    /// Blocks SIGTERM, SIGINT and SIGHUP for the calling thread (and the threads it starts later) and
    /// opens a non-blocking descriptor that reads them.
    static func openSignalFile() throws(SystemCallError) -> Int32 {
        let descriptor = storyline_signalfd_open()
        guard descriptor >= 0 else { throw SystemCallError(call: "signalfd", path: "SIGTERM,SIGINT,SIGHUP", errno: Glibc.errno) }
        return descriptor
    }

    /// The next signal a signal file holds, nil when none is pending.
    static func nextSignal(from descriptor: Int32) throws(SystemCallError) -> Int32? {
        while true {
            let signal = storyline_signalfd_read(descriptor)
            if signal > 0 { return signal }
            if signal == 0 { return nil }
            if Glibc.errno != EINTR { throw SystemCallError(call: "read", path: "signalfd", errno: Glibc.errno) }
        }
    }

    /// A non-blocking inotify descriptor.
    static func openInotify(for path: String) throws(SystemCallError) -> Int32 {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { throw SystemCallError(call: "inotify_init1", path: path, errno: Glibc.errno) }
        return descriptor
    }

    /// Watches `path` for the events of `mask`. ENOSPC: the user's watch limit is exhausted.
    ///
    /// - Returns: the watch descriptor the events name.
    static func addWatch(_ inotify: Int32, path: String, mask: UInt32) throws(SystemCallError) -> Int32 {
        let watch = inotify_add_watch(inotify, path, mask)
        guard watch >= 0 else { throw SystemCallError(call: "inotify_add_watch", path: path, errno: Glibc.errno) }
        return watch
    }

    /// Reads what a non-blocking descriptor holds into `buffer`.
    ///
    /// - Returns: the byte count, 0 at the end, nil when nothing is there yet (EAGAIN).
    static func readAvailable(_ descriptor: Int32, into buffer: inout [UInt8], path: String) throws(SystemCallError) -> Int? {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if Glibc.errno == EAGAIN || Glibc.errno == EWOULDBLOCK { return nil }
            if Glibc.errno != EINTR { throw SystemCallError(call: "read", path: path, errno: Glibc.errno) }
        }
    }
}

/// Making the entries a cross-device move re-creates: each false when the name is taken (EEXIST), so
/// the caller tries the next free name. Same rules: failures thrown with the path.
extension Syscalls {
    /// A symbolic link at `path` pointing at `target`.
    static func makeSymbolicLink(at path: [UInt8], to target: [UInt8]) throws(SystemCallError) -> Bool {
        try created("symlink", path, withCPath(target) { link in withCPath(path) { symlink(link, $0) } })
    }

    /// A FIFO at `path` with the permission bits of `mode`.
    static func makeFIFO(at path: [UInt8], mode: mode_t) throws(SystemCallError) -> Bool {
        try created("mkfifo", path, withCPath(path) { mkfifo($0, mode & 0o777) })
    }

    /// One directory at `path` with the permission bits of `mode`.
    static func makeDirectory(at path: [UInt8], mode: mode_t) throws(SystemCallError) -> Bool {
        try created("mkdir", path, withCPath(path) { mkdir($0, mode & 0o777) })
    }

    /// Removes the empty directory at `path`.
    static func removeDirectory(_ path: [UInt8]) throws(SystemCallError) {
        guard withCPath(path, { rmdir($0) }) == 0 else { throw SystemCallError(call: "rmdir", path: shown(path), errno: Glibc.errno) }
    }

    private static func created(_ call: String, _ path: [UInt8], _ result: Int32) throws(SystemCallError) -> Bool {
        if result == 0 { return true }
        if Glibc.errno == EEXIST { return false }
        throw SystemCallError(call: call, path: shown(path), errno: Glibc.errno)
    }
}
