import Foundation
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// The engine's indexes in a file beside the state database (`engine.snapshot`), written at a clean
/// stop so that the next start loads them and re-derives only the articles judged after, instead of
/// every article within the horizon.
///
/// The file starts with one header line naming the state it was taken of (`StateStore.snapshotHeader(
/// lastArticle:)`); a snapshot whose header is not the state's own is refused, never half-used.
struct EngineSnapshotFile {
    let path: String

    /// Writes `engine` under `header`, replacing the file atomically (a temporary file, fsync'd, renamed,
    /// the directory fsync'd). `progress` is called after each piece written (a few MiB), for the watchdog.
    func write(_ engine: Engine, header: String, progress: @escaping () -> Void = {}) throws {
        let temporary = path + ".tmp"
        let descriptor = try Syscalls.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        defer { Syscalls.close(descriptor) }
        try Array((header + "\n").utf8).withUnsafeBytes { try Syscalls.writeAll(descriptor, $0, path: temporary) }
        try engine.writeSnapshot { bytes in
            try Syscalls.writeAll(descriptor, bytes, path: temporary)
            progress()
        }
        try Syscalls.synchronize(descriptor, path: temporary)
        try Syscalls.rename(temporary, path)
        try Syscalls.synchronizeDirectory((path as NSString).deletingLastPathComponent)
    }

    /// The engine as the file left it, or nil when there is none.
    ///
    /// - Parameter expectedHeader: the header the state gives a snapshot ending at that article.
    /// - Throws: `SnapshotError` when the snapshot cannot be used: damaged, written by another format or
    ///   with other engine settings, or not of this state (another database, or a database older than
    ///   the snapshot, as after restoring a backup).
    func read(configuration: EngineConfiguration, expectedHeader: (_ lastArticle: Int) throws -> String) throws -> Engine? {
        try Syscalls.withMappedFile(path) { bytes throws(SnapshotError) -> Engine in
            guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")), newline < 256 else {
                throw SnapshotError("\(path) does not start with a Storyline snapshot header")
            }
            let header = String(decoding: bytes[..<newline], as: UTF8.self)
            let fields = header.split(separator: " ")
            guard fields.count >= 3, let lastArticle = Int(fields[2]) else {
                throw SnapshotError("\(path) does not start with a Storyline snapshot header")
            }
            let expected: String
            do { expected = try expectedHeader(lastArticle) } catch {
                throw SnapshotError("cannot read the database to check the snapshot: \(error)")
            }
            guard header == expected else {
                throw SnapshotError("the snapshot (\(header)) is not of this database (\(expected))")
            }
            let engine = try Engine(configuration: configuration, snapshot: UnsafeRawBufferPointer(rebasing: bytes[(newline + 1)...]))
            guard engine.lastArticle == lastArticle else {
                throw SnapshotError("the snapshot's header names article \(lastArticle), its engine \(engine.lastArticle)")
            }
            return engine
        }
    }
}
