import Crypto
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// The bytes of one input file, read safely, with their SHA-256.
public struct ArticleFile: Sendable {
    /// The file's base name, as the timeline shows it.
    public var name: String
    public var bytes: [UInt8]
    /// Lowercase hex SHA-256 of `bytes`.
    public var sha256: String
    /// Which file was read (nil for bytes made in memory).
    public var version: FileVersion?

    /// The bytes of a file already read, with their SHA-256 computed here.
    ///
    /// `read(_:in:sizeLimit:)` ends here; a tool that makes files' bytes in memory (the benchmarks'
    /// `state-fill`) starts here, and gets the same `sha256` the daemon would.
    public init(name: String, bytes: [UInt8], version: FileVersion? = nil) {
        self.name = name
        self.bytes = bytes
        self.version = version
        sha256 = SHA256.hash(data: bytes).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    /// Default largest file read, in bytes (10 MiB).
    public static let defaultSizeLimit = 10 * 1024 * 1024

    /// Reads the file at `path` if it is a regular file no larger than `sizeLimit`.
    ///
    /// The file is opened with `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` before a byte is
    /// read: a symlink, FIFO, socket, device or directory is never read, and a huge file is refused by
    /// its size. A file that grows while it is read is refused once it passes the limit.
    ///
    /// - Throws: `ArticleRejection` saying why the file cannot be read as an article (a file this
    ///   process may not open is `unreadable` here: a command run by hand says so and goes on).
    public static func read(path: String, sizeLimit: Int = defaultSizeLimit) throws(ArticleRejection) -> ArticleFile {
        let bytes = Array(path.utf8)
        let name = bytes.split(separator: UInt8(ascii: "/")).last.map { FileName(bytes: Array($0)) } ?? FileName(path)
        do {
            return try read(pathBytes: bytes, name: name, sizeLimit: sizeLimit)
        } catch {
            switch error {
            case let .rejected(rejection): throw rejection
            case let .denied(reason): throw ArticleRejection(.unreadable, reason)
            }
        }
    }

    /// Why an inbox file was not read.
    public enum Failure: Error, Sendable, Equatable {
        /// It is not an article, and never will be as it is: a line says so and it goes to rejected/.
        case rejected(ArticleRejection)
        /// This process may not open it (EACCES, EPERM): it may be once its owner fixes its mode, so it
        /// stays where it is, unread.
        case denied(String)
    }

    /// Reads the file `name` in `directory` (see `read(path:sizeLimit:)`); the name need not be UTF-8.
    public static func read(_ name: FileName, in directory: String, sizeLimit: Int = defaultSizeLimit) throws(Failure) -> ArticleFile {
        try read(pathBytes: name.path(in: directory), name: name, sizeLimit: sizeLimit)
    }

    private static func read(pathBytes: [UInt8], name fileName: FileName, sizeLimit: Int) throws(Failure) -> ArticleFile {
        let name = fileName.description
        let path = Syscalls.shown(pathBytes)
        let descriptor: Int32
        do {
            descriptor = try Syscalls.open(bytes: pathBytes, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        } catch {
            switch error.errno {
            case ELOOP, ENXIO:
                throw .rejected(ArticleRejection(.notRegularFile, "the path is a symbolic link or a socket, not a regular file"))
            case ENOENT:
                throw .rejected(ArticleRejection(.unreadable, "the file vanished before it could be read"))
            case EACCES, EPERM:
                // A regular file whose mode keeps this user out; anything else is no article either way.
                let type = (try? Syscalls.linkStatus(bytes: pathBytes)).map { $0.st_mode & S_IFMT }
                guard type == nil || type == S_IFREG else {
                    throw .rejected(ArticleRejection(.notRegularFile, "the path is not a regular file (and cannot be opened: \(error))"))
                }
                throw .denied("it cannot be opened: \(error)")
            default:
                throw .rejected(ArticleRejection(.unreadable, "the file cannot be opened: \(error)"))
            }
        }
        defer { Syscalls.close(descriptor) }
        let status: stat
        do { status = try Syscalls.fileStatus(descriptor, path: path) } catch {
            throw .rejected(ArticleRejection(.unreadable, "the file cannot be examined: \(error)"))
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            let kind = type == S_IFDIR ? "a directory" : type == S_IFIFO ? "a FIFO" : type == S_IFSOCK ? "a socket"
                : type == S_IFCHR || type == S_IFBLK ? "a device" : "not a regular file"
            throw .rejected(ArticleRejection(.notRegularFile, "the path is \(kind); only regular files are articles"))
        }
        guard Int(status.st_size) <= sizeLimit else {
            throw .rejected(ArticleRejection(.tooLarge,
                "the file is \(status.st_size) bytes, over the \(sizeLimit)-byte limit (max_file_bytes)"))
        }
        let bytes: [UInt8]
        do { bytes = try Syscalls.readAll(descriptor, path: path, limit: sizeLimit) } catch {
            throw .rejected(ArticleRejection(.unreadable, "the file cannot be read: \(error)"))
        }
        guard bytes.count <= sizeLimit else {
            throw .rejected(ArticleRejection(.tooLarge, "the file grew past the \(sizeLimit)-byte limit while it was read"))
        }
        return ArticleFile(name: name, bytes: bytes, version: FileVersion(status))
    }
}
