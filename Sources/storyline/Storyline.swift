import ArgumentParser
import Logging
import StorylineCore
import StorylineDaemon

@main
struct Storyline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storyline",
        abstract: "Recognise near-duplicate news articles and group articles into stories.",
        discussion: """
            Storyline reads article files (.json with "text", or UTF-8 .txt/.md), finds near-duplicates by \
            shingle hashing (MinHash + LSH, every candidate verified exactly) and groups the rest into \
            stories. It writes a timeline: one JSON object per line (see docs/timeline.md).
            """,
        subcommands: [Run.self, Ingest.self, Explain.self]
    )
}

private let defaults = EngineConfiguration()

/// The engine's tunables, shared by every subcommand that runs the engine; defaults come from
/// `EngineConfiguration`.
struct EngineOptions: ParsableArguments {
    @Option(help: "Words per shingle.")
    var shingleSize = defaults.shingleSize
    @Option(help: "MinHash slots per signature.")
    var signatureSlots = defaults.signatureSlots
    @Option(help: "LSH bands (bands × rows must not exceed the slots).")
    var bands = defaults.bands
    @Option(help: "Slots per LSH band.")
    var rows = defaults.rows
    @Option(help: "Exact Jaccard at or above which two texts are near-duplicates.")
    var jaccardThreshold = defaults.jaccardThreshold
    @Option(help: "Share of the shorter text found in the longer at or above which they are near-duplicates.")
    var containmentThreshold = defaults.containmentThreshold
    @Option(help: "Similarity to a story at or above which an article joins it.")
    var storyThreshold = defaults.storyThreshold
    @Option(help: "Days of coverage gap after which a story takes no new articles.")
    var storyWindowDays = defaults.storyWindowDays
    @Option(help: "Days after which coverage leaves the index.")
    var horizonDays = defaults.horizonDays
    @Option(help: "Largest article file read, in bytes.")
    var maxFileBytes = ArticleFile.defaultSizeLimit

    var engineConfiguration: EngineConfiguration {
        var configuration = EngineConfiguration()
        configuration.shingleSize = shingleSize
        configuration.signatureSlots = signatureSlots
        configuration.bands = bands
        configuration.rows = rows
        configuration.jaccardThreshold = jaccardThreshold
        configuration.containmentThreshold = containmentThreshold
        configuration.storyThreshold = storyThreshold
        configuration.storyWindowDays = storyWindowDays
        configuration.horizonDays = horizonDays
        return configuration
    }

    func validate() throws {
        do { try engineConfiguration.validate() } catch { throw ValidationError(error.description) }
        guard maxFileBytes >= 1 else { throw ValidationError("invalid max-file-bytes = \(maxFileBytes): use a positive number of bytes") }
    }
}

extension Ingestor.Order: ExpressibleByArgument {}

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the engine over files once and write their timeline.",
        discussion: "Every file gets exactly one line: story_started, story_extended, duplicate, or rejected with a reason."
    )

    @Option(help: ArgumentHelp("Write the timeline to this new file instead of standard output.", valueName: "file"))
    var timeline: String?
    @Option(help: "given: the order of the arguments; published: by the published field (unknown first), ties by file name.")
    var order: Ingestor.Order = .given
    @OptionGroup var engine: EngineOptions
    @Argument(help: "Article files.")
    var files: [String]

    func run() throws {
        var ingestor = try Ingestor(configuration: engine.engineConfiguration, sizeLimit: engine.maxFileBytes)
        let writer: TimelineWriter
        do {
            writer = try timeline.map { path throws(SystemCallError) in try TimelineWriter(creating: path) } ?? TimelineWriter()
        } catch {
            throw ValidationError("cannot create the timeline: \(error). Choose a new file name; an existing timeline is never overwritten.")
        }
        _ = try ingestor.run(paths: files, order: order, timeline: writer)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how the engine compares two article files, and what it decides.",
        discussion: "Shingle counts, exact and estimated Jaccard, containment both ways, story similarity, and the decision."
    )

    @OptionGroup var engine: EngineOptions
    @Argument(help: "The earlier article file.")
    var fileA: String
    @Argument(help: "The later article file.")
    var fileB: String

    func run() throws {
        func load(_ path: String) throws -> (name: String, article: ParsedArticle, sha256: String) {
            do {
                let file = try ArticleFile.read(path: path, sizeLimit: engine.maxFileBytes)
                return (path, try ArticleParser.parse(file.bytes, fileName: file.name), file.sha256)
            } catch {
                throw ValidationError("\(path) is not an article: \(error.reason) (\(error.code.rawValue))")
            }
        }
        let explanation: Explanation
        do {
            explanation = try Explanation(load(fileA), load(fileB), configuration: engine.engineConfiguration)
        } catch let rejection as ArticleRejection {
            throw ValidationError("not an article: \(rejection.reason) (\(rejection.code.rawValue))")
        }
        print(explanation.text, terminator: "")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: watch the inbox, judge each complete file once, append the timeline.",
        discussion: """
            A file is taken when it is closed after writing or renamed into the inbox; names starting with '.' \
            or ending in .tmp, .part or ~ are writes in progress and wait for their rename. Each file gets exactly \
            one timeline line and is then moved to STATE/archive/ (articles) or STATE/rejected/ (everything else); \
            nothing is deleted or overwritten. Under systemd (Type=notify) it reports READY, STATUS and watchdog \
            pings and logs to the journal with STORYLINE_* fields. SIGHUP reopens the timeline and reloads the \
            configuration; SIGTERM or Ctrl-C stops after the batch in flight.

            Settings come from the defaults, then --config FILE (YAML, keys in docs/configuration.md), then the \
            options below.
            """
    )

    @Option(help: ArgumentHelp("Directory to watch (default ./inbox).", valueName: "dir"))
    var inbox: String?
    @Option(help: ArgumentHelp("State directory: database, archive/, rejected/ (default ./.storyline).", valueName: "dir"))
    var state: String?
    @Option(help: ArgumentHelp("Timeline file to append to (default ./timeline.jsonl).", valueName: "file"))
    var timeline: String?
    @Option(help: ArgumentHelp("YAML configuration file; read again on SIGHUP.", valueName: "file"))
    var config: String?
    @Option(help: "Most files judged per transaction under a burst (default 512).")
    var batchSize: Int?
    @Flag(help: "Log debug messages too.")
    var verbose = false

    func run() throws {
        let verbose = self.verbose
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        let overrides: (inout DaemonConfiguration) -> Void = { [inbox, state, timeline, batchSize] configuration in
            if let inbox { configuration.inbox = inbox }
            if let state { configuration.state = state }
            if let timeline { configuration.timeline = timeline }
            if let batchSize { configuration.batchSize = batchSize }
        }
        var configuration = DaemonConfiguration()
        do {
            if let config { try configuration.apply(file: config) }
            overrides(&configuration)
            try configuration.validate()
        } catch {
            throw ValidationError("\(error)")
        }
        let daemon = try Daemon(
            configuration: configuration, configurationFile: config, overrides: overrides,
            logger: Logger(label: "storyline"))
        let status = daemon.run()
        if status != 0 { throw ExitCode(status) }
    }
}
