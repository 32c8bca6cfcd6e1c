import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// An error that stops `storyline tail`, saying what to do about it.
public struct TimelineFollowerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(_ message: String) {
        self.message = message
    }
}

/// `storyline tail`: prints the timeline from a seq on, the rotated copies first, and follows it.
///
/// The timeline is one file that logrotate renames away (`FILE.1`, later `FILE.2.gz`, …) while the daemon
/// goes on writing; its `seq` has no gaps and never repeats, which is what makes a reader exact. Every
/// line is printed once, whole and in seq order:
///
/// - **Whole lines only.** A file is read up to its last newline; the rest of a line being written is
///   read again, complete, next time.
/// - **Once.** A line whose seq is not above the last one seen is dropped, so a copy read twice (a
///   truncated file, a rotation seen in the middle of listing the files) prints nothing twice.
/// - **Nothing left behind.** The writer keeps appending to a renamed file until it reopens its path
///   (on SIGHUP). A renamed file stays open and is read until a newer file has data: the writer puts
///   data in the new file only after its last write to the old one, so one more read of the old file
///   then gets everything. A line whose seq jumps ahead sends the reader back to the older files first.
///
/// The files are listed and opened together, so a rotation while they are read does not change what
/// the descriptors hold; a rotation during the listing itself is noticed and the listing done again.
public final class TimelineFollower {
    public struct Options: Sendable {
        /// The live timeline file; its rotated copies are found next to it.
        public var timeline: String
        /// The first seq to print, 1 or more (a precondition: validate user input before); lines before it
        /// are read only as far as needed to skip them.
        public var fromSeq: Int
        /// Whether to keep printing new lines until SIGINT or SIGTERM.
        public var follow: Bool
        public var filter: TimelineLineFilter
        /// How often a follower looks for new lines and for a rotation.
        public var pollInterval: Duration

        public init(
            timeline: String, fromSeq: Int = 1, follow: Bool = false, filter: TimelineLineFilter = TimelineLineFilter(),
            pollInterval: Duration = .milliseconds(150)
        ) {
            precondition(fromSeq >= 1, "seq starts at 1")
            self.timeline = timeline
            self.fromSeq = fromSeq
            self.follow = follow
            self.filter = filter
            self.pollInterval = pollInterval
        }
    }

    /// A file being read: a plain one, read on as it grows, or a compressed copy, read once.
    private enum Source {
        case plain(TimelineFile)
        case compressed(CompressedTimelineFile)

        var path: String {
            switch self {
            case let .plain(file): file.path
            case let .compressed(file): file.path
            }
        }

        var identity: FileIdentity {
            switch self {
            case let .plain(file): file.identity
            case let .compressed(file): file.identity
            }
        }

        func close() {
            switch self {
            case let .plain(file): file.close()
            case let .compressed(file): file.close()
            }
        }
    }

    /// Thrown out of a read when SIGINT or SIGTERM asks a follower to stop.
    private struct Stopped: Error {}

    private let options: Options
    private let write: ([UInt8]) throws -> Void
    private let notice: (String) -> Void
    private let directory: String
    private let baseName: String
    /// Files older than the live one that may still hold unread lines, oldest first.
    private var earlier: [Source] = []
    /// The file at the timeline's path when last looked at.
    private var current: TimelineFile?
    /// The highest seq read so far, printed or filtered out; `fromSeq - 1` before the first.
    private var lastSeq: Int
    private var output: [UInt8] = []
    private var rereading = false
    private var linesSinceFlush = 0
    private var signals: SignalFile?
    private var noticedUnreadable: Set<String> = []

    /// - Parameters:
    ///   - write: takes whole lines, exactly as in the files; by default to standard output.
    ///   - notice: takes a sentence for the person running it; by default to standard error.
    public init(
        options: Options,
        write: @escaping ([UInt8]) throws -> Void = TimelineFollower.writeToStandardOutput,
        notice: @escaping (String) -> Void = TimelineFollower.writeToStandardError
    ) {
        self.options = options
        self.write = write
        self.notice = notice
        lastSeq = options.fromSeq - 1
        if let slash = options.timeline.lastIndex(of: "/") {
            let parent = String(options.timeline[..<slash])
            directory = parent.isEmpty ? "/" : parent
            baseName = String(options.timeline[options.timeline.index(after: slash)...])
        } else {
            directory = "."
            baseName = options.timeline
        }
    }

    deinit {
        for source in earlier { source.close() }
        current?.close()
    }

    public static func writeToStandardOutput(_ bytes: [UInt8]) throws {
        let failure: SystemCallError? = bytes.withUnsafeBytes { buffer in
            do throws(SystemCallError) { try Syscalls.writeAll(STDOUT_FILENO, buffer, path: "<stdout>") } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    public static func writeToStandardError(_ message: String) {
        StandardError.write("storyline tail: \(message)\n")
    }

    /// Prints what the files hold from `fromSeq` on; with `follow`, then waits for new lines until
    /// SIGINT or SIGTERM, and returns.
    ///
    /// - Throws: `TimelineFollowerError` when there is no timeline, or a file cannot be read.
    public func run() throws(TimelineFollowerError) {
        if options.follow {
            // Before anything starts a thread (gzip is run through Foundation), so every thread blocks them.
            do { signals = try SignalFile() } catch {
                throw TimelineFollowerError("cannot set up signal handling: \(error)")
            }
        }
        do {
            try start()
            guard options.follow else { return }
            while true {
                if try waitForSignal(timeout: options.pollInterval) { return }
                try poll()
            }
        } catch is Stopped {
            return
        } catch let error as TimelineFollowerError {
            throw error
        } catch let error as SystemCallError where error.path == "<stdout>" && error.errno == EPIPE {
            return  // the reader went away (`storyline tail | head`): nothing more to do
        } catch {
            throw TimelineFollowerError("cannot read the timeline \(options.timeline): \(error)")
        }
    }

    // MARK: Reading

    /// Lists and opens the timeline and its copies, skips the copies wholly before `fromSeq`, and reads
    /// everything the rest hold.
    func start() throws {
        try relist()
        guard !earlier.isEmpty || current != nil else {
            throw TimelineFollowerError("there is no timeline at \(options.timeline), nor any rotated copy of it "
                + "(\(baseName).1, \(baseName).1.gz, …) in \(directory): give its path with --timeline "
                + "(default ./timeline.jsonl); `storyline run` creates it when it starts")
        }
        try readAll()
    }

    /// One look at the files: a rotation since the last look, then whatever was added to every open file.
    func poll() throws {
        if let status = try Syscalls.status(ofPath: options.timeline), FileIdentity(status) != current?.identity {
            // A new file at the path. Several rotations may have passed since the last look, and a copy
            // this reader never saw as the live file may hold lines it has not read: list them all again.
            try relist()
        }
        try readAll()
    }

    /// Lists the files again and keeps those that can hold a line after the last one read, in order.
    ///
    /// A file already open keeps its descriptor and read position. One open but no longer listed (deleted
    /// by `rotate N`, or replaced by its compressed copy) is older than every listed one, so it stays first.
    private func relist() throws {
        let (copies, live) = try openFiles()
        let listed = copies + (live.map { [Source.plain($0)] } ?? [])
        let first = try RotatedTimelineFiles.firstToRead(fromSeq: lastSeq + 1, count: listed.count) { index in
            switch listed[index] {
            case let .plain(file): try file.seqs()
            case let .compressed(file): try file.seqs()
            }
        }
        var open = earlier + (current.map { [Source.plain($0)] } ?? [])
        var kept: [Source] = []
        for (index, source) in listed.enumerated() {
            let existing = open.firstIndex { $0.identity == source.identity }.map { open.remove(at: $0) }
            if index < first {
                source.close()
                existing?.close()  // wholly before the next seq to read: a newer file starts at or before it
            } else if let existing {
                source.close()
                kept.append(existing)
            } else {
                kept.append(source)
            }
        }
        let isLive = live != nil
        earlier = open + (isLive ? kept.dropLast() : kept[...])
        if isLive, case let .plain(file) = kept.last {
            current = file
        } else {
            current = nil
        }
    }

    /// Reads every open file in order, and closes the older ones the writer has left for good.
    private func readAll() throws {
        var index = 0
        while index < earlier.count {
            let source = earlier[index]
            // Asked before the read: data in a newer file was written after everything in this one.
            let isFinished = try newerFilesHaveData(after: index)
            try read(source, position: index)
            if case .compressed = source {
                source.close()
                earlier.remove(at: index)
            } else if isFinished {
                source.close()
                earlier.remove(at: index)
            } else {
                index += 1
            }
        }
        if let current { try read(.plain(current), position: earlier.count) }
        try flush()
    }

    private func newerFilesHaveData(after index: Int) throws -> Bool {
        for source in earlier[(index + 1)...] {
            switch source {
            case .compressed: return true
            case let .plain(file): if try file.size > 0 { return true }
            }
        }
        return try (current?.size ?? 0) > 0
    }

    /// Hands the unread whole lines of `source` (at `position` among the files, oldest first) to `handle`.
    private func read(_ source: Source, position: Int) throws {
        switch source {
        case let .plain(file):
            let truncated = try file.drain { line in try handle(line, position: position) }
            if truncated {
                notice("\(file.path) was truncated: reading it again from its start. Lines written between a copy "
                    + "and its truncation are lost: rotate it with create and a reload, not copytruncate")
            }
        case let .compressed(file):
            do { try file.drain { line in try handle(line, position: position) } } catch let error as TimelineFollowerError {
                notice(error.message)
            }
        }
    }

    private func handle(_ line: ArraySlice<UInt8>, position: Int) throws {
        linesSinceFlush += 1
        if linesSinceFlush >= 4096 {
            linesSinceFlush = 0
            try flush()
        }
        let content = line.dropLast()
        guard let seq = TimelineLine.seq(of: content) else {
            let path = position < earlier.count ? earlier[position].path : options.timeline
            if noticedUnreadable.insert(path).inserted {
                notice("skipping a line without a seq in \(path): it is not a timeline line")
            }
            return
        }
        guard seq > lastSeq else { return }
        if seq > lastSeq + 1 && !rereading && position > 0 {
            // The writer may have added the missing lines to an older file since it was read.
            rereading = true
            defer { rereading = false }
            for index in 0..<min(position, earlier.count) {
                if case .plain = earlier[index] { try read(earlier[index], position: index) }
            }
        }
        if seq > lastSeq + 1 {
            let missing = lastSeq + 1 == seq - 1 ? "seq \(lastSeq + 1) is" : "seq \(lastSeq + 1) to \(seq - 1) are"
            notice("\(missing) in none of the timeline's files (rotated away, or the files were edited); "
                + "going on at seq \(seq)")
        }
        lastSeq = seq
        if options.filter.matches(content) {
            output.append(contentsOf: line)
            if output.count >= 256 * 1024 { try flush() }
        }
    }

    /// Writes the lines read so far; stops here when a signal asked to.
    private func flush() throws {
        if !output.isEmpty {
            try write(output)
            output.removeAll(keepingCapacity: true)
        }
        if signals != nil, try waitForSignal(timeout: .zero) { throw Stopped() }
    }

    // MARK: Listing

    /// Opens the copies (oldest first) and the live file, all at one moment between rotations.
    private func openFiles() throws -> (copies: [Source], live: TimelineFile?) {
        var attempt = 0
        while true {
            attempt += 1
            let names: [String]
            do { names = try Syscalls.directoryEntries(directory) } catch {
                throw TimelineFollowerError("cannot list the timeline's directory \(directory): \(error); "
                    + "check --timeline (default ./timeline.jsonl)")
            }
            var copies: [Source] = []
            var consistent = true
            for copy in RotatedTimelineFiles.copies(of: baseName, among: names) {
                let path = directory + "/" + copy.name
                guard let descriptor = try Syscalls.openForReading(path) else {
                    consistent = false  // renamed or compressed since the listing
                    break
                }
                copies.append(copy.isCompressed
                    ? .compressed(try CompressedTimelineFile(descriptor: descriptor, path: path))
                    : .plain(try TimelineFile(descriptor: descriptor, path: path)))
            }
            let live = try Syscalls.openForReading(options.timeline).map { descriptor throws(SystemCallError) in
                try TimelineFile(descriptor: descriptor, path: options.timeline)
            }
            // Every name must still lead to the file opened under it: no rotation in between.
            if consistent {
                for source in copies {
                    if try Syscalls.status(ofPath: source.path).map(FileIdentity.init) != source.identity { consistent = false }
                }
                if try Syscalls.status(ofPath: options.timeline).map(FileIdentity.init) != live?.identity {
                    consistent = false
                }
            }
            if consistent || attempt >= 20 { return (copies, live) }
            for source in copies { source.close() }
            live?.close()
        }
    }

    // MARK: Signals

    /// Waits up to `timeout` for SIGINT, SIGTERM or SIGHUP; true when one came.
    private func waitForSignal(timeout: Duration) throws -> Bool {
        guard let signals else { return false }
        _ = try Syscalls.waitForInput(on: [signals.descriptor], timeout: timeout)
        var received = false
        while try signals.next() != nil { received = true }
        return received
    }
}
