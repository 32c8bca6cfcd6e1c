import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// What the inbox watch reports.
public enum InboxChange: Sendable, Hashable {
    /// A file was renamed into the inbox, or made there complete (see
    /// `InboxWatcher.isCompleteWhenCreated`).
    case arrived(FileName)
    /// A file was closed after writing: complete unless its writer opens it again (a header written,
    /// then the body appended), which only a quiet spell after the close can tell.
    case written(FileName)
    /// A file's mode, owner or times changed (a `chmod` that may let this process read it).
    case attributesChanged(FileName)
    /// A name left the inbox: renamed away or deleted (a producer that wrote it plainly and then
    /// renamed it, or took it back, within the settle time).
    case left(FileName)
    /// The kernel's event queue overflowed: some events are lost; rescan the directory.
    case overflow
    /// The inbox itself was deleted, moved, or its file system unmounted.
    case inboxGone
}

/// Watches the inbox with inotify for files that are complete: closed after writing, renamed in, or
/// complete the moment their name appeared; and for changed attributes, which may make a file that
/// could not be read readable.
///
/// A name created by `open(O_CREAT)` is a write in progress until its close; but `link()`, `symlink()`
/// and `mknod()` make an entry that no close will follow. Such an entry is taken at its creation when it
/// cannot be a write in progress: anything that is not a regular file, and a regular file that already
/// has another name (a hard link to a finished file). Directories made in place are left for the
/// start-up scan: a producer may still be filling them.
public final class InboxWatcher {
    public let directory: String
    public let descriptor: Int32
    private var watch: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// Arms the watch. Arm it before scanning the directory, so nothing dropped meanwhile is missed.
    ///
    /// - Throws: `SystemCallError`; for ENOSPC the message names the sysctl to raise.
    public init(directory: String) throws(SystemCallError) {
        self.directory = directory
        descriptor = try Syscalls.openInotify(for: directory)
        do { try arm() } catch {
            Syscalls.close(descriptor)
            throw error
        }
    }

    deinit { Syscalls.close(descriptor) }

    /// Watches `directory` again (after it was recreated).
    public func arm() throws(SystemCallError) {
        let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_ATTRIB) | UInt32(IN_MOVED_FROM)
            | UInt32(IN_DELETE) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR) | UInt32(IN_EXCL_UNLINK)
        watch = try Syscalls.addWatch(descriptor, path: directory, mask: mask)
    }

    /// Every change the kernel has queued; empty when none is pending.
    public func changes() throws(SystemCallError) -> [InboxChange] {
        var changes: [InboxChange] = []
        while true {
            guard let count = try Syscalls.readAvailable(descriptor, into: &buffer, path: "inotify(\(directory))"),
                  count > 0 else { return changes }
            buffer.withUnsafeBytes { bytes in
                var offset = 0
                let headerSize = MemoryLayout<inotify_event>.size
                while offset + headerSize <= count {
                    let event = bytes.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameLength = Int(event.len)
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        changes.append(.overflow)
                    } else if event.mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_UNMOUNT) | UInt32(IN_IGNORED)) != 0 {
                        if event.wd == watch { changes.append(.inboxGone) }
                    } else if nameLength > 0 {
                        let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerSize)..<(offset + headerSize + nameLength)])
                        let end = nameBytes.firstIndex(of: 0) ?? nameBytes.count
                        let name = FileName(bytes: Array(nameBytes[0..<end]))
                        let created = event.mask & UInt32(IN_CREATE) != 0
                        if event.mask & (UInt32(IN_MOVED_FROM) | UInt32(IN_DELETE)) != 0 {
                            changes.append(.left(name))
                        } else if event.mask & UInt32(IN_ATTRIB) != 0 {
                            changes.append(.attributesChanged(name))
                        } else if event.mask & UInt32(IN_CLOSE_WRITE) != 0 {
                            changes.append(.written(name))
                        } else if !created || (event.mask & UInt32(IN_ISDIR) == 0 && isCompleteWhenCreated(name)) {
                            changes.append(.arrived(name))
                        }
                    }
                    offset += headerSize + nameLength
                }
            }
        }
    }

    /// Whether a name just created in the inbox is an entry no close-after-writing will announce: not a
    /// regular file (a symlink, FIFO, socket or device), or a regular file with more than one link.
    ///
    /// A hard link whose other name is removed before this look (Maildir's `link()` then `unlink()`)
    /// has one link and looks like a write in progress: it waits for the next start-up scan.
    private func isCompleteWhenCreated(_ name: FileName) -> Bool {
        guard let status = try? Syscalls.linkStatus(bytes: name.path(in: directory)) else { return false }
        let type = status.st_mode & S_IFMT
        return type != S_IFREG || status.st_nlink > 1
    }
}
