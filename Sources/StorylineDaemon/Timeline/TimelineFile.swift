#if canImport(Glibc)
import Glibc
#endif

/// A plain timeline file open for reading, read on from where the last whole line ended.
///
/// The descriptor keeps the file whatever happens to its name: logrotate can rename it, compress and
/// delete it, and the lines written to it before the writer reopened its path are still read. Only whole
/// lines move the read position: a line still being written is read again, complete, on the next drain.
/// A file that became shorter than that position was truncated (copytruncate) and is read again from
/// its start; the reader drops the lines it has already seen by their seq.
final class TimelineFile: OpenedTimelineFile {
    /// The offset just after the last whole line handed out.
    private(set) var position = 0
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    let opened: OpenedFile

    /// Takes ownership of `descriptor`, open for reading on `path`.
    init(descriptor: Int32, path: String) throws(SystemCallError) {
        opened = try OpenedFile(descriptor: descriptor, path: path)
    }

    var size: Int {
        get throws(SystemCallError) { Int(try Syscalls.fileStatus(descriptor, path: path).st_size) }
    }

    /// Hands every whole line from the read position to the end of the file to `line`, in order.
    ///
    /// - Returns: whether the file had been truncated below the read position and was read from its start.
    @discardableResult
    func drain(_ line: (ArraySlice<UInt8>) throws -> Void) throws -> Bool {
        let truncated = try size < position
        if truncated { position = 0 }
        var buffer = LineBuffer()
        var offset = position
        while true {
            let count = try Syscalls.read(descriptor, into: &chunk, at: offset, path: path)
            if count == 0 { break }
            offset += count
            try buffer.append(chunk[0..<count]) { whole in
                position += whole.count
                try line(whole)
            }
        }
        return truncated
    }

    /// The seqs of the first and last whole lines, read from the two ends without reading the middle.
    func seqs() throws(SystemCallError) -> TimelineFileSeqs {
        let size = try self.size
        guard size > 0 else { return TimelineFileSeqs(first: nil, last: nil) }
        let window = min(size, 1 << 20)
        var head = [UInt8](repeating: 0, count: min(size, 64 * 1024))
        let headCount = try Syscalls.read(descriptor, into: &head, at: 0, path: path)
        guard let firstNewline = head[0..<headCount].firstIndex(of: UInt8(ascii: "\n")) else {
            return TimelineFileSeqs(first: nil, last: nil)
        }
        var tail = [UInt8](repeating: 0, count: window)
        let tailCount = try Syscalls.read(descriptor, into: &tail, at: size - window, path: path)
        var last: Int?
        if let lastNewline = tail[0..<tailCount].lastIndex(of: UInt8(ascii: "\n")) {
            let start = tail[..<lastNewline].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            // A line that starts before the window is cut: only trust a start the window proves.
            if start > 0 || window == size { last = TimelineLine.seq(of: tail[start..<lastNewline]) }
        }
        return TimelineFileSeqs(first: TimelineLine.seq(of: head[0..<firstNewline]), last: last)
    }
}

/// A timeline file the follower reads through the descriptor it was opened with, whatever happens to
/// its name since.
protocol OpenedTimelineFile: AnyObject {
    var opened: OpenedFile { get }
}

extension OpenedTimelineFile {
    var path: String { opened.path }
    var identity: FileIdentity { opened.identity }
    var descriptor: Int32 { opened.descriptor }
    func close() { opened.close() }
}

/// A descriptor open for reading, owned: its path, the identity of the file, closed once.
final class OpenedFile {
    let path: String
    let identity: FileIdentity
    let descriptor: Int32
    private var isClosed = false

    /// Takes ownership of `descriptor`, open for reading on `path`.
    init(descriptor: Int32, path: String) throws(SystemCallError) {
        self.descriptor = descriptor
        self.path = path
        do { identity = FileIdentity(try Syscalls.fileStatus(descriptor, path: path)) } catch {
            Syscalls.close(descriptor)
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        Syscalls.close(descriptor)
    }
}
