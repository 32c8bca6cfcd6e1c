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
        while true {
            let descriptor = Glibc.open(path, flags | O_CLOEXEC, mode)
            if descriptor >= 0 { return descriptor }
            if Glibc.errno != EINTR { throw SystemCallError(call: "open", path: path, errno: Glibc.errno) }
        }
    }

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
}
