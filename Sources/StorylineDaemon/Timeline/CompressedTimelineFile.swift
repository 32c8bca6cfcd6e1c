import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A gzip-compressed rotated copy of the timeline (`FILE.N.gz`), read through `gzip -dc`.
///
/// Foundation on Linux has no gzip decoder, and logrotate compresses with the gzip program anyway, so
/// the same program decompresses. It reads from a descriptor opened when the copies were listed, so a
/// rotation that renames the copy meanwhile does not matter. A compressed copy is complete: logrotate
/// compresses a copy only once the writer has left it (`delaycompress`).
final class CompressedTimelineFile: OpenedTimelineFile {
    let opened: OpenedFile

    /// Takes ownership of `descriptor`, open for reading on `path`.
    init(descriptor: Int32, path: String) throws(SystemCallError) {
        opened = try OpenedFile(descriptor: descriptor, path: path)
    }

    /// The gzip program on `PATH` (or in /usr/bin, /bin), or nil when it is not installed.
    static let gzipProgram: String? = {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (directories + ["/usr/bin", "/bin"]).map { $0 + "/gzip" }.first(where: Syscalls.isExecutable)
    }()

    /// Hands every whole line of the decompressed file to `line`, in order.
    ///
    /// - Throws: `TimelineFollowerError` when gzip is missing or fails (a corrupt or cut-off copy); the
    ///   lines before the damage have been handed out by then.
    func drain(_ line: (ArraySlice<UInt8>) throws -> Void) throws {
        var buffer = LineBuffer()
        let status = try decompress { chunk in
            try buffer.append(chunk, line: line)
            return true
        }
        if status != 0 {
            throw TimelineFollowerError("gzip -dc \(path) failed (exit status \(status)): the copy is damaged "
                + "and the rest of it was skipped; gzip -t \(path) says what is wrong")
        }
        if !buffer.partial.isEmpty {
            throw TimelineFollowerError("\(path) ends in the middle of a line (\(buffer.partial.count) bytes "
                + "after the last newline): the copy was cut off; the lines before it were read")
        }
    }

    /// The seq of the first line, from the start of the decompressed stream only; the last is unknown.
    /// Without gzip, nothing is known: the copy is then passed over with a note when it is read.
    func seqs() throws -> TimelineFileSeqs {
        guard Self.gzipProgram != nil else { return TimelineFileSeqs(first: nil, last: nil) }
        var buffer = LineBuffer()
        var first: Int?
        var sawLine = false
        _ = try decompress { chunk in
            buffer.append(chunk) { whole in
                if !sawLine { first = TimelineLine.seq(of: whole.dropLast()) }
                sawLine = true
            }
            return !sawLine
        }
        return TimelineFileSeqs(first: first, last: nil)
    }

    /// Runs `gzip -dc` on the file and hands its output to `chunk` until that returns false.
    ///
    /// - Returns: gzip's exit status; 0 when `chunk` stopped early.
    private func decompress(_ chunk: (ArraySlice<UInt8>) throws -> Bool) throws -> Int32 {
        guard let gzip = Self.gzipProgram else {
            throw TimelineFollowerError("\(path) is compressed and gzip is not installed: "
                + "install it (apt-get install gzip), or read from a seq after this copy with --from-seq")
        }
        try Syscalls.rewind(descriptor, path: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-dc"]
        process.standardInput = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice  // a failure is reported with the file's name instead
        do { try process.run() } catch {
            throw TimelineFollowerError("cannot run \(gzip) to read \(path): \(error)")
        }
        let reading = output.fileHandleForReading.fileDescriptor
        var bytes = [UInt8](repeating: 0, count: 64 * 1024)
        var stoppedEarly = false
        do {
            while true {
                let count = try Syscalls.read(reading, into: &bytes, path: "gzip -dc \(path)")
                if count == 0 { break }
                if try !chunk(bytes[0..<count]) {
                    stoppedEarly = true
                    break
                }
            }
        } catch {
            process.terminate()
            try? output.fileHandleForReading.close()
            process.waitUntilExit()
            throw error
        }
        if stoppedEarly { process.terminate() }
        try? output.fileHandleForReading.close()
        process.waitUntilExit()
        return stoppedEarly ? 0 : process.terminationStatus
    }
}
