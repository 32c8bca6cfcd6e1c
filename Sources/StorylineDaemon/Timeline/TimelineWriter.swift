import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// Appends timeline lines to standard output or to a file, whole lines only, durably.
public final class TimelineWriter {
    private var descriptor: Int32
    public let path: String
    private let isFile: Bool
    private var buffer: [UInt8] = []

    /// Writes to standard output.
    public init() {
        descriptor = STDOUT_FILENO
        path = "<stdout>"
        isFile = false
    }

    /// Creates `path` for a new timeline; an existing file is never overwritten.
    ///
    /// - Throws: `SystemCallError` when the file exists or cannot be created.
    public init(creating path: String) throws(SystemCallError) {
        descriptor = try Syscalls.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o644)
        self.path = path
        isFile = true
    }

    /// Opens `path` for appending, creating it if needed, as the timeline's one writer: the daemon's
    /// timeline.
    ///
    /// A symlink at `path` is not followed (the daemon never writes through a link it did not make),
    /// and the file stays locked (`flock`, exclusive) while it is open, so that a second daemon cannot
    /// append lines of its own to it.
    ///
    /// - Throws: `SystemCallError` with `ELOOP` for a symlink at `path`, `EWOULDBLOCK` when another
    ///   process holds the file's lock (`Syscalls.flockHolder(of:)` may tell which), or the open's error.
    public init(appendingTo path: String) throws(SystemCallError) {
        descriptor = try Self.openLocked(path)
        self.path = path
        isFile = true
    }

    /// Opens the file at `path` for appending, not through a link, and takes its lock.
    private static func openLocked(_ path: String) throws(SystemCallError) -> Int32 {
        let descriptor = try Syscalls.open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW, 0o644)
        do throws(SystemCallError) {
            guard try Syscalls.lockExclusively(descriptor, path: path) else {
                throw SystemCallError(call: "flock (another process writes this timeline)", path: path, errno: EWOULDBLOCK)
            }
        } catch {
            Syscalls.close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Takes over an open file descriptor, which it closes.
    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        isFile = true
    }

    deinit {
        if isFile { Syscalls.close(descriptor) }
    }

    /// Opens the path again: after logrotate moved the file away, lines go to a new file at `path`.
    ///
    /// The new file is opened and locked as in `init(appendingTo:)`; until that succeeds the old one
    /// stays open and locked.
    ///
    /// - Throws: as `init(appendingTo:)`.
    public func reopen() throws(SystemCallError) {
        guard isFile else { return }
        let open = try Syscalls.fileStatus(descriptor, path: path)
        if let current = try? Syscalls.linkStatus(bytes: Array(path.utf8)), FileIdentity(current) == FileIdentity(open) {
            return  // the same file (a reload without a rotation): its lock is ours already
        }
        let fresh = try Self.openLocked(path)
        Syscalls.close(descriptor)
        descriptor = fresh
    }

    /// Reopens the path when the file there is no longer the one open (renamed by a rotation, or
    /// removed): lines then go to the path consumers follow even before the rotation's SIGHUP arrives.
    ///
    /// - Returns: whether the file was reopened.
    @discardableResult
    public func reopenIfRotated() throws(SystemCallError) -> Bool {
        guard isFile else { return false }
        let open = try Syscalls.fileStatus(descriptor, path: path)
        // The entry itself, not a link's target: a link put at the path is a replacement, which the
        // reopen refuses.
        if let current = try? Syscalls.linkStatus(bytes: Array(path.utf8)), FileIdentity(current) == FileIdentity(open) {
            return false
        }
        try reopen()
        return true
    }

    /// Cuts off a torn last line (one without its newline) and returns the `seq` of the last whole
    /// line, or nil for an empty file.
    public func repairTornTail() throws(SystemCallError) -> Int? {
        let (size, tail) = try lastBytes()
        guard size > 0 else { return nil }
        guard let lastNewline = tail.lastIndex(of: UInt8(ascii: "\n")) else {
            if size <= tail.count { try Syscalls.truncate(descriptor, to: 0, path: path) }
            return nil
        }
        if lastNewline != tail.count - 1 {
            try Syscalls.truncate(descriptor, to: size - tail.count + lastNewline + 1, path: path)
            try Syscalls.synchronize(descriptor, path: path)
        }
        return TimelineLine.seq(of: Self.line(in: tail, endingAt: lastNewline))
    }

    /// The last whole line of the file, without its newline; nil for a file without one.
    public func lastWholeLine() throws(SystemCallError) -> ArraySlice<UInt8>? {
        let (_, tail) = try lastBytes()
        return tail.lastIndex(of: UInt8(ascii: "\n")).map { Self.line(in: tail, endingAt: $0) }
    }

    /// The file's size and its last bytes (at most 1 MiB: longer than any line).
    private func lastBytes() throws(SystemCallError) -> (size: Int, bytes: [UInt8]) {
        let size = Int(try Syscalls.fileStatus(descriptor, path: path).st_size)
        guard size > 0 else { return (0, []) }
        let window = min(size, 1 << 20)
        var tail = [UInt8](repeating: 0, count: window)
        guard try Syscalls.read(descriptor, into: &tail, at: size - window, path: path) == window else {
            throw SystemCallError(call: "pread", path: path, errno: EIO)
        }
        return (size, tail)
    }

    /// The line of `tail` that ends at the newline at `newline`, without it.
    private static func line(in tail: [UInt8], endingAt newline: Int) -> ArraySlice<UInt8> {
        let start = tail[..<newline].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return tail[start..<newline]
    }

    /// The `seq` of the last whole line of the file at `path`, if it can be read.
    static func lastSeq(ofFile path: String) -> Int? {
        guard let descriptor = try? Syscalls.open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW) else { return nil }
        let file = TimelineWriter(descriptor: descriptor, path: path)
        guard let line = (try? file.lastWholeLine()) ?? nil else { return nil }
        return TimelineLine.seq(of: line)
    }

    /// Cuts off a torn last line of the file at `path`, if it exists, and returns the `seq` of its last
    /// whole line: a line torn by a crash is moved to a rotated copy when the rotation comes before the
    /// next start-up, and is cut there as it would have been in the live file. A copy that cannot be
    /// written is only read; a symlink is neither (it is not a copy the daemon made).
    static func repairTornTail(ofFile path: String) -> Int? {
        guard let descriptor = try? Syscalls.open(path, O_RDWR | O_NONBLOCK | O_NOFOLLOW) else { return lastSeq(ofFile: path) }
        let file = TimelineWriter(descriptor: descriptor, path: path)
        do { return try file.repairTornTail() } catch { return lastSeq(ofFile: path) }
    }

    /// Queues one event; lines reach the file in `flush()` or when the buffer fills.
    public func append(_ event: TimelineEvent) throws(SystemCallError) {
        try append(line: event.jsonLine)
    }

    /// Queues a line that already ends with its newline.
    public func append(line: String) throws(SystemCallError) {
        buffer.append(contentsOf: line.utf8)
        if buffer.count >= 256 * 1024 { try flush() }
    }

    /// Writes every queued line and, for a file, makes it durable.
    ///
    /// A failed write is cut back to the last whole line, so the file never ends in a torn line, and
    /// the queued lines are dropped: the caller writes again from its own record (the daemon from the
    /// state database, after the file's last whole line), never twice.
    public func flush() throws(SystemCallError) {
        guard !buffer.isEmpty else { return }
        let failure: SystemCallError? = buffer.withUnsafeBytes { bytes in
            do throws(SystemCallError) { try Syscalls.writeAll(descriptor, bytes, path: path) } catch { return error }
            return nil
        }
        if let failure {
            buffer.removeAll(keepingCapacity: true)
            if isFile { _ = try? repairTornTail() }
            throw failure
        }
        buffer.removeAll(keepingCapacity: true)
        if isFile { try Syscalls.synchronize(descriptor, path: path) }
    }
}
