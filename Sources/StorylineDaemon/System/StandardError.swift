#if canImport(Glibc)
import Glibc
#endif

/// Standard error, written through descriptor 2 (the C `stderr` global is not concurrency-safe).
public enum StandardError {
    /// Writes `text` whole; a failure (a closed descriptor) loses only that text.
    public static func write(_ text: String) {
        Array(text.utf8).withUnsafeBytes { try? Syscalls.writeAll(STDERR_FILENO, $0, path: "<stderr>") }
    }
}
