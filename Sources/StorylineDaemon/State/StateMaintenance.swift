import Foundation
import GRDB
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// `storyline backup`, `restore` and `reset`: what an operator does to a state and its timeline, done
/// so that the two always belong together.
///
/// A state and its timeline are one record: the timeline is the state's events, line for line. The daemon
/// refuses to start on a timeline ahead of its state or written by another (`Daemon`), so these
/// commands are the way to go back to a backup or start afresh. Nothing is deleted: whatever is replaced
/// is moved into a `replaced-TIME` directory, and the commands refuse to run while a daemon holds the
/// state.
public struct StateMaintenance {
    public var inbox: String
    public var state: String
    public var timeline: String

    public init(inbox: String, state: String, timeline: String) {
        self.inbox = inbox
        self.state = state
        self.timeline = timeline
    }

    /// An operator's mistake or a state that cannot be handled, with what to do about it.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private var databasePath: String { state + "/state.sqlite" }
    private var timelineDirectory: String { (timeline as NSString).deletingLastPathComponent.isEmpty ? "." : (timeline as NSString).deletingLastPathComponent }
    private var timelineName: String { (timeline as NSString).lastPathComponent }

    // MARK: Backup

    /// Copies the state database (an online backup: consistent while the daemon runs) and the timeline
    /// that goes with it into the new directory `destination`: its rotated copies as they are, and the
    /// live file's lines up to the state's last seq (a line written after the database was copied
    /// belongs to a later state).
    ///
    /// - Returns: what was copied, for the operator.
    public func backup(to destination: String) throws -> String {
        guard Syscalls.exists(databasePath) else { throw Failure("there is no state database at \(databasePath): nothing to back up") }
        try makeEmptyDirectory(destination)
        let store = try StateStore(path: databasePath)
        defer { store.close() }
        let copy = try DatabaseQueue(path: destination + "/state.sqlite", configuration: Self.plain)
        try store.database.backup(to: copy)
        let seq = try copy.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0 }
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try copy.close()
        var copied: [String] = []
        for file in try rotatedCopies() {
            try copyFile(timelineDirectory + "/" + file.name, to: destination + "/" + file.name)
            copied.append(file.name)
        }
        var lines = 0
        if Syscalls.exists(timeline) {
            lines = try copyLines(of: timeline, through: seq, to: destination + "/" + timelineName)
            copied.append(timelineName)
        }
        try Syscalls.synchronizeDirectory(destination)
        return """
            backed up the state \(state) at seq \(seq) and the timeline \(timeline) (\(lines) lines in the live file\
            \(copied.count > 1 ? ", \(copied.count - 1) rotated copies" : "")) into \(destination)
            """
    }

    // MARK: Restore

    /// Puts back the state and timeline of a backup made by `backup(to:)`, setting aside what is there
    /// now, and sends the files judged after the backup back through the inbox: their lines are in the
    /// set-aside timeline only, and the restored state has never seen them.
    public func restore(from backup: String) throws -> String {
        let lock = try lockState()
        defer { Syscalls.close(lock) }
        let backupDatabase = backup + "/state.sqlite"
        guard Syscalls.exists(backupDatabase) else {
            throw Failure("\(backup) is not a Storyline backup: it has no state.sqlite (make one with `storyline backup`)")
        }
        let seq: Int
        do {
            let queue = try DatabaseQueue(path: backupDatabase, configuration: Self.readOnly)
            seq = try queue.read { db in
                // Refused here rather than at the daemon's next start, before anything is set aside.
                try StateStore.refuseNewerSchema(db, path: backupDatabase)
                return try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
            }
            try queue.close()
        } catch let error as NewerStateError {
            throw error
        } catch {
            throw Failure("cannot read the backup's state database \(backupDatabase): \(error)")
        }
        let aside = try setAside()
        try copyFile(backupDatabase, to: databasePath)
        for name in try Syscalls.directoryEntries(backup) where name == timelineName || RotatedTimelineFiles.copies(
            of: timelineName, among: [name]).count == 1 {
            try copyFile(backup + "/" + name, to: timelineDirectory + "/" + name)
        }
        try Syscalls.synchronizeDirectory(state)
        try Syscalls.synchronizeDirectory(timelineDirectory)
        let (returned, kept) = try returnFilesJudged(after: seq)
        var summary = "restored the state and timeline of \(backup) (seq \(seq)); what was there is in \(aside)"
        func files(_ count: Int) -> String { count == 1 ? "1 file" : "\(count) files" }
        if returned > 0 { summary += "; \(files(returned)) judged after the backup back in \(inbox) to be judged again" }
        if !kept.isEmpty {
            summary += "; \(files(kept.count)) judged after the backup left in \(state) because the inbox holds their names: "
                + kept.prefix(5).joined(separator: ", ") + (kept.count > 5 ? "…" : "")
        }
        return summary
    }

    /// Moves the files of lines after `seq` from archive/ and rejected/ back into the inbox under the
    /// names they had, in seq order. A name the inbox holds already (a feed's `latest.json` judged
    /// several times since) goes back under its archive name, `SEQ-name`; only when that is taken too
    /// does the file stay where it is, listed.
    private func returnFilesJudged(after seq: Int) throws -> (returned: Int, kept: [String]) {
        var returned = 0
        var kept: [String] = []
        var entries: [(seq: Int, directory: String, entry: FileName, name: FileName)] = []
        for directory in [state + "/archive", state + "/rejected"] where Syscalls.isDirectory(directory) {
            for entry in try Syscalls.directoryEntries(bytes: Array(directory.utf8)) {
                guard let (entrySeq, name) = entry.judgedLine, entrySeq > seq else { continue }
                entries.append((entrySeq, directory, entry, name))
            }
        }
        for (_, directory, entry, name) in entries.sorted(by: { $0.seq < $1.seq }) {
            if try Syscalls.renameWithoutReplacing(entry.path(in: directory), name.path(in: inbox))
                || Syscalls.renameWithoutReplacing(entry.path(in: directory), entry.path(in: inbox)) {
                returned += 1
            } else {
                kept.append("\(directory)/\(entry)")
            }
        }
        if returned > 0 { try Syscalls.synchronizeDirectory(inbox) }
        return (returned, kept)
    }

    // MARK: Reset

    /// Sets aside the state and the timeline: the next start begins a new state at seq 1 with a new
    /// timeline. archive/ and rejected/ stay (new files go aside under new seqs beside them).
    public func reset() throws -> String {
        let lock = try lockState()
        defer { Syscalls.close(lock) }
        let aside = try setAside()
        return "set aside the state and the timeline in \(aside); the next start begins a new state at seq 1"
    }

    // MARK: Parts

    /// Moves the database (with its WAL), the engine snapshot and every timeline file into a new
    /// `STATE/replaced-TIME` directory (the timeline's beside it, when it is on another file system).
    private func setAside() throws -> String {
        let stamp = SystemClock.now().description
            .replacingOccurrences(of: ":", with: "").replacingOccurrences(of: ".", with: "")
        let aside = state + "/replaced-" + stamp
        try makeEmptyDirectory(aside)
        for name in ["state.sqlite", "state.sqlite-wal", "state.sqlite-shm", "engine.snapshot"] where Syscalls.exists(state + "/" + name) {
            try Syscalls.rename(state + "/" + name, aside + "/" + name)
        }
        var timelineAside = aside
        for name in try rotatedCopies().map(\.name) + (Syscalls.exists(timeline) ? [timelineName] : []) {
            var moved = true
            do throws(SystemCallError) {
                try Syscalls.rename(timelineDirectory + "/" + name, timelineAside + "/" + name)
            } catch {
                guard error.errno == EXDEV else { throw error }
                moved = false
            }
            if !moved {
                // The timeline is on another file system: its files go into a directory beside it.
                timelineAside = timeline + ".replaced-" + stamp
                if !Syscalls.isDirectory(timelineAside) { try makeEmptyDirectory(timelineAside) }
                try Syscalls.rename(timelineDirectory + "/" + name, timelineAside + "/" + name)
            }
        }
        try Syscalls.synchronizeDirectory(aside)
        try Syscalls.synchronizeDirectory(state)
        try Syscalls.synchronizeDirectory(timelineDirectory)
        return timelineAside == aside ? aside : "\(aside) and \(timelineAside)"
    }

    private func rotatedCopies() throws -> [RotatedTimelineFile] {
        guard Syscalls.isDirectory(timelineDirectory) else { return [] }
        return RotatedTimelineFiles.copies(of: timelineName, among: try Syscalls.directoryEntries(timelineDirectory))
    }

    /// Holds the state's lock for the command's length: no daemon may run on it meanwhile.
    private func lockState() throws -> Int32 {
        guard Syscalls.isDirectory(state) else { throw Failure("there is no state directory \(state)") }
        let path = state + "/lock"
        let descriptor = try Syscalls.open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard try Syscalls.lockExclusively(descriptor, path: path) else {
            Syscalls.close(descriptor)
            throw Failure("a storyline is running on \(state) (it holds \(path)): stop it first (systemctl stop storyline)")
        }
        return descriptor
    }

    private func makeEmptyDirectory(_ path: String) throws {
        if Syscalls.isDirectory(path) {
            guard try Syscalls.directoryEntries(path).isEmpty else { throw Failure("\(path) exists and is not empty: choose a new directory") }
            return
        }
        guard mkdir(path, 0o700) == 0 else { throw SystemCallError(call: "mkdir", path: path, errno: errno) }
    }

    /// Copies a file under a temporary name, made durable, then renamed into place.
    private func copyFile(_ source: String, to destination: String) throws {
        let input = try Syscalls.open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        defer { Syscalls.close(input) }
        try write(to: destination) { output in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = try Syscalls.read(input, into: &buffer, path: source)
                if count == 0 { return }
                try buffer[..<count].withUnsafeBytes { try Syscalls.writeAll(output, $0, path: destination) }
            }
        }
    }

    /// Copies the whole lines of a timeline file up to the line of `seq`.
    private func copyLines(of source: String, through seq: Int, to destination: String) throws -> Int {
        let input = try Syscalls.open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        defer { Syscalls.close(input) }
        var lines = 0
        try write(to: destination) { output in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var pending: [UInt8] = []
            while true {
                let count = try Syscalls.read(input, into: &buffer, path: source)
                if count == 0 { return }
                pending.append(contentsOf: buffer[..<count])
                var start = 0
                while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = pending[start...newline]
                    if let lineSeq = TimelineLine.seq(of: line.dropLast()), lineSeq > seq { return }
                    try line.withUnsafeBytes { try Syscalls.writeAll(output, $0, path: destination) }
                    lines += 1
                    start = newline + 1
                }
                pending.removeFirst(start)
            }
        }
        return lines
    }

    private func write(to destination: String, _ body: (Int32) throws -> Void) throws {
        let temporary = destination + ".storyline-tmp"
        let output = try Syscalls.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        do {
            try body(output)
            try Syscalls.synchronize(output, path: temporary)
            Syscalls.close(output)
            try Syscalls.rename(temporary, destination)
        } catch {
            Syscalls.close(output)
            _ = try? Syscalls.unlink(Array(temporary.utf8))
            throw error
        }
    }

    private static var readOnly: Configuration {
        var configuration = plain
        configuration.readonly = true
        return configuration
    }

    /// No thread priorities (as `StateStore`): raising one needs a capability the sandbox lacks.
    private static var plain: Configuration {
        var configuration = Configuration()
        configuration.qos = .unspecified
        return configuration
    }
}

extension FileName {
    /// For an entry of archive/ or rejected/ (`FileName.archived(seq:attempt:)`): the seq of its line and
    /// the name it had in the inbox.
    var judgedLine: (seq: Int, name: FileName)? {
        guard bytes.count > 11, bytes[..<10].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var rest = bytes[10...]
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst().drop { $0 >= 0x30 && $0 <= 0x39 }
        }
        guard rest.first == UInt8(ascii: "-"), rest.count > 1 else { return nil }
        let seq = bytes[..<10].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return (seq, FileName(bytes: Array(rest.dropFirst())))
    }
}
