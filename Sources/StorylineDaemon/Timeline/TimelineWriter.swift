import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// Appends timeline lines to standard output or to a file, whole lines only.
public final class TimelineWriter {
    private let descriptor: Int32
    private let path: String
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []

    /// Writes to standard output.
    public init() {
        descriptor = STDOUT_FILENO
        path = "<stdout>"
        ownsDescriptor = false
    }

    /// Creates `path` for a new timeline; an existing file is never overwritten.
    ///
    /// - Throws: `SystemCallError` when the file exists or cannot be created.
    public init(creating path: String) throws(SystemCallError) {
        descriptor = try Syscalls.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, 0o644)
        self.path = path
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { Syscalls.close(descriptor) }
    }

    /// Queues one event; lines reach the file in `flush()` or when the buffer fills.
    public func append(_ event: TimelineEvent) throws(SystemCallError) {
        buffer.append(contentsOf: event.jsonLine.utf8)
        if buffer.count >= 256 * 1024 { try flush() }
    }

    /// Writes every queued line and, for a file, makes it durable.
    public func flush() throws(SystemCallError) {
        guard !buffer.isEmpty else { return }
        let failure: SystemCallError? = buffer.withUnsafeBytes { bytes in
            do throws(SystemCallError) { try Syscalls.writeAll(descriptor, bytes, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
        if ownsDescriptor { try Syscalls.synchronize(descriptor, path: path) }
    }
}
