#if canImport(Glibc)
import Glibc
#endif
import StorylineCore
import StorylineDaemon

/// Builds the state directory and timeline `storyline run` would have left after judging N files and
/// stopping cleanly, without the files: for measuring the daemon at a scale the inbox takes too long to
/// fill (`make bench`'s scale phase).
///
///     state-fill --state DIR --timeline FILE --articles N [--probe K --probe-dir DIR]
///                [--dup-share 0.2] [--days 14] [--batch 4000] [--seed S] [--config FILE]
///
/// The files come from `ArticleStream` (NewsCorpus text, JSON as an outlet delivers it) and go through
/// what the daemon runs for a file it has read: `PreparedArticle` (parser, tokenizer), then
/// `StateStore.Batch.judge` (engine, the event's timeline line and the article's row), one `StateStore`
/// transaction per batch, the lines appended with `TimelineWriter`, the events marked moved; at the end
/// `StateStore.saveSnapshot(of:)`, as at a clean stop. `--probe K` writes the next K files of the same
/// stream into `--probe-dir`, to drop into the daemon's inbox.
@main
struct StateFill {
    struct Options {
        var state = ""
        var timeline = ""
        var articles = 10_000
        var probe = 0
        var probeDirectory = ""
        var duplicateShare = 0.2
        var days = 14.0
        var batch = 4_000
        var seed: UInt64 = 20_261_122
        var configuration: String?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let usage = """
        usage: state-fill --state DIR --timeline FILE --articles N [--probe K --probe-dir DIR]
                          [--dup-share 0.2] [--days 14] [--batch 4000] [--seed S] [--config FILE]
        """

    static func main() {
        guard let options = parse(Array(CommandLine.arguments.dropFirst())) else {
            say(usage)
            exit(2)
        }
        do {
            try fill(options)
        } catch {
            say("state-fill: \(error)")
            exit(1)
        }
    }

    /// A generated file, read and prepared as the daemon prepares one.
    struct Generated: Sendable {
        var prepared: PreparedArticle
        var name: FileName
        var bytes: Int
        var kind: ArticleStream.Kind
    }

    /// Three threads: one generates the files and prepares them (parses and folds; then writes the probe
    /// files), this one judges them in order into batches, one commits the batches and appends their lines,
    /// then saves the snapshot.
    static func fill(_ options: Options) throws {
        var configuration = DaemonConfiguration()
        if let file = options.configuration { try configuration.apply(file: file) }
        try configuration.validate()
        let databasePath = options.state + "/state.sqlite"
        guard access(databasePath, F_OK) != 0 else {
            throw Failure(description: "\(databasePath) exists: give a new --state directory")
        }
        guard access(options.timeline, F_OK) != 0 else {
            throw Failure(description: "\(options.timeline) exists: give a new --timeline")
        }
        for directory in [options.state, options.state + "/archive", options.state + "/rejected"] {
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                throw Failure(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
            }
        }
        var engine = try Engine(configuration: configuration.engine)
        // As in the daemon: once a batch is committed its shingles are read back from the state, not held.
        let archive = try StateStore(path: databasePath)
        defer { archive.close() }
        engine.fingerprintArchive = archive.fingerprints
        let clock = ContinuousClock()
        let started = clock.now
        say("state-fill: \(options.articles) articles into \(options.state), timeline \(options.timeline)")

        let generated = Channel<[Generated]>(capacity: 8)
        let generator = Worker(name: "generate") { () -> Duration in
            var stream = ArticleStream(
                seed: options.seed, spacing: options.articles, days: options.days, duplicateShare: options.duplicateShare,
                startMilliseconds: 1_793_491_200_000)  // 2026-11-01T00:00:00Z
            var analyzer = ArticleAnalyzer()
            var busy = Duration.zero
            while stream.index < options.articles {
                let begun = clock.now
                // Every generated file has a publication time, so the arrival time given here is never used.
                let arrival = SystemClock.now()
                let chunk = (0..<min(200, options.articles - stream.index)).map { _ in
                    let file = stream.next()
                    do {
                        let prepared = try PreparedArticle(ArticleFile(name: file.name, bytes: file.bytes), arrival: arrival, analyzer: &analyzer)
                        return Generated(prepared: prepared, name: FileName(file.name), bytes: file.bytes.count, kind: file.kind)
                    } catch {
                        stop(Failure(description: "the generated file \(file.name) was rejected: \(error)"))
                    }
                }
                busy += clock.now - begun
                generated.send(chunk)
            }
            generated.close()
            if options.probe > 0 {
                do { try writeProbe(&stream, count: options.probe, into: options.probeDirectory) } catch { stop(error) }
            }
            return busy
        }

        let batches = Channel<StateStore.Batch>(capacity: 2)
        let committed = Channel<[Int]>(capacity: 64)  // article numbers, back to this thread to be released
        let finished = Channel<Engine>(capacity: 1)
        let writer = Worker(name: "write") { () -> (busy: Duration, snapshot: Duration) in
            do {
                let store = try StateStore(path: databasePath)
                defer { store.close() }
                let timeline = try TimelineWriter(creating: options.timeline)
                var busy = Duration.zero
                var numbers: [Int] = []
                // As the daemon: the transaction, then the lines made durable, then the files "moved" (there are none).
                while let batch = batches.receive() {
                    let begun = clock.now
                    try store.commit(batch, judgedAt: SystemClock.now())
                    committed.send(batch.articleNumbers)
                    numbers += batch.articleNumbers
                    for event in batch.events { try timeline.append(line: event.line) }
                    try timeline.flush()
                    try store.markMoved(batch.events.map(\.seq))
                    busy += clock.now - begun
                }
                guard var engine = finished.receive() else { return (busy, .zero) }
                engine.releaseFingerprints(of: numbers)  // the last batches' were not released yet
                let begun = clock.now
                try store.saveSnapshot(of: engine)
                return (busy, clock.now - begun)
            } catch {
                stop(error)
            }
        }

        var judging = Duration.zero
        var lastReport = started
        var tally: [ArticleStream.Kind: [TimelineEvent.Kind: Int]] = [:]
        var bytes = 0
        var seq = 0
        var batch = StateStore.Batch()
        var now = SystemClock.now()
        while let chunk = generated.receive() {
            let begun = clock.now
            for numbers in committed.receiveQueued() { engine.releaseFingerprints(of: numbers) }
            for item in chunk {
                if batch.events.isEmpty { now = SystemClock.now() }  // a batch's time is when it was taken, as in the daemon
                let event: TimelineEvent
                do {
                    event = try batch.judge(item.prepared, named: item.name, seq: &seq, at: now, engine: &engine)[0]
                } catch {
                    throw Failure(description: "the generated file \(item.name) was rejected: \(error)")
                }
                tally[item.kind, default: [:]][event.kind, default: 0] += 1
                bytes += item.bytes
                if batch.events.count == options.batch {
                    batches.send(batch)
                    batch = StateStore.Batch()
                }
            }
            judging += clock.now - begun
            if clock.now - lastReport >= .seconds(5) {
                lastReport = clock.now
                let elapsed = seconds(clock.now - started)
                say("state-fill: \(seq) articles, \(Int(Double(seq) / elapsed)) articles/s, "
                      + "\(engine.liveStories) live stories, \(format(elapsed)) s")
            }
        }
        if !batch.events.isEmpty { batches.send(batch) }
        batches.close()
        let judged = clock.now
        finished.send(engine)
        let written = writer.wait()
        let filled = seconds(judged - started) + seconds(clock.now - judged - written.snapshot)
        let generating = generator.wait()

        say("state-fill: \(seq) articles (\(format(Double(bytes) / 1e6)) MB of files) in \(format(filled)) s: "
              + "\(Int(Double(seq) / filled)) articles/s; busy: generate + parse + fold \(format(seconds(generating))) s, "
              + "judge \(format(seconds(judging))) s, commit + timeline \(format(seconds(written.busy))) s; "
              + "snapshot \(format(seconds(written.snapshot))) s")
        let verdicts: [TimelineEvent.Kind] = [.storyStarted, .storyExtended, .duplicate]
        for kind in ArticleStream.Kind.allCases {
            let counts = tally[kind, default: [:]]
            say("state-fill: \(kind.rawValue) \(counts.values.reduce(0, +)): "
                  + verdicts.map { "\($0.rawValue) \(counts[$0, default: 0])" }.joined(separator: ", "))
        }
        say("state-fill: engine holds \(engine.indexedArticles) articles, \(engine.liveStories) live stories")
        if options.probe > 0 {
            say("state-fill: \(options.probe) more files of the stream in \(options.probeDirectory)")
        }
    }

    /// Writes a line to standard output at once (`print` holds lines back when the output is a pipe, as
    /// under `make bench`, which shows the progress as it comes).
    static func say(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            guard count > 0 else { return }
            written += count
        }
    }

    /// Ends the process from a worker thread.
    static func stop(_ error: any Error) -> Never {
        say("state-fill: \(error)")
        exit(1)
    }

    /// Writes the next `count` files of the stream into `directory`, which must not hold them yet.
    static func writeProbe(_ stream: inout ArticleStream, count: Int, into directory: String) throws {
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw Failure(description: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        for _ in 0..<count {
            let file = stream.next()
            let path = directory + "/" + file.name
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard descriptor >= 0 else { throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            let written = file.bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == file.bytes.count else { throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        }
    }

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard let value = remaining.popFirst() else { return nil }
            switch argument {
            case "--state": options.state = value
            case "--timeline": options.timeline = value
            case "--probe-dir": options.probeDirectory = value
            case "--config": options.configuration = value
            case "--articles", "--probe", "--batch":
                guard let number = Int(value.filter { $0 != "_" }), number >= 0 else { return nil }
                if argument == "--articles" { options.articles = number }
                else if argument == "--probe" { options.probe = number }
                else { options.batch = max(1, number) }
            case "--dup-share":
                guard let share = Double(value), (0...1).contains(share) else { return nil }
                options.duplicateShare = share
            case "--days":
                guard let days = Double(value), days > 0 else { return nil }
                options.days = days
            case "--seed":
                guard let seed = UInt64(value) else { return nil }
                options.seed = seed
            default: return nil
            }
        }
        guard !options.state.isEmpty, !options.timeline.isEmpty, options.probe == 0 || !options.probeDirectory.isEmpty else { return nil }
        return options
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
