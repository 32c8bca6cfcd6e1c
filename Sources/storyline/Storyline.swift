import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Logging
import StorylineCore
import StorylineDaemon

@main
struct Storyline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storyline",
        abstract: "Recognise near-duplicate news articles and group articles into stories.",
        discussion: """
            Storyline reads article files (.json with "text", UTF-8 .txt/.md, or .html pages), finds near-duplicates by \
            shingle hashing (MinHash + LSH, every candidate verified exactly) and groups the rest into \
            stories. It writes a timeline: one JSON object per line (see docs/timeline.md).
            """,
        version: StorylineBuild.description,
        subcommands: [Run.self, Reload.self, CheckConfig.self, Ingest.self, Explain.self, Tail.self, Stories.self, Story.self, Export.self, Why.self, Metrics.self, Backup.self, Restore.self, Reset.self]
    )
}

private let defaults = DaemonConfiguration()

/// Settings that cannot work (a bad file, a value out of range, an unknown key): one line on standard
/// error and exit status 78 (EX_CONFIG, which the unit's RestartPreventExitStatus= does not restart on),
/// without argument-parser's usage banner, which would only hide the line that matters.
func configurationError(_ error: some Error) -> ExitCode {
    printError("storyline: configuration error: \(error)")
    return ExitCode(78)
}

/// The `--help` line of the setting `key`, with its value name.
func settingHelp(_ key: String) -> ArgumentHelp {
    guard let setting = DaemonConfiguration.setting(key) else {
        preconditionFailure("\(key) is not in DaemonConfiguration.settings: an option here must be a setting's")
    }
    return ArgumentHelp(setting.help(defaults: defaults), valueName: setting.valueName)
}

/// The settings given in `options`, read from its `String?` options by property name (`_horizonDays`
/// is `horizon_days`).
///
/// - Parameter others: the `String?` options of `options` that are no setting's (`config`); any other
///   is a property misnamed, a programmer error caught on the first run of the command.
/// - Throws: `ValidationError` (usage and exit status 64, like any other syntax error) for a text that is
///   not a value of its setting's kind: `--bands many`.
func settingSources(_ options: some ParsableArguments, besides others: Set<String> = []) throws -> ConfigurationSources {
    var texts: [String: String] = [:]
    for child in Mirror(reflecting: options).children {
        guard let label = child.label, let option = child.value as? Option<String?> else { continue }
        let key = label.drop { $0 == "_" }.reduce(into: "") { key, character in
            key += character.isUppercase ? "_" + character.lowercased() : String(character)
        }
        guard !others.contains(key) else { continue }
        precondition(DaemonConfiguration.setting(key) != nil, "the option \(label) is no setting's: name it after its key")
        if let text = option.wrappedValue { texts[key] = text }
    }
    do {
        return try ConfigurationSources(flagTexts: texts)
    } catch {
        throw ValidationError(error.description)
    }
}

/// The defaults with the settings in `options` applied, validated: for the commands without a file.
///
/// - Throws: `configurationError(_:)`'s exit status 78 after its message.
func resolvedSettings(_ options: ArticleSettingOptions) throws -> DaemonConfiguration {
    do { return try settingSources(options).resolve() } catch let error as DaemonConfigurationError {
        throw configurationError(error)
    }
}

/// A failure once the arguments were understood (a file that cannot be read or written): one line on
/// standard error and exit status 1, without the usage banner, which is for arguments that were not.
func runtimeError(_ message: String) -> ExitCode {
    printError(message)
    return ExitCode(1)
}

/// `message` as one line on standard error.
func printError(_ message: String) {
    StandardError.write(message.split(whereSeparator: \.isNewline).joined(separator: " ") + "\n")
}

/// The settings of every command that judges articles: the file size limit and the engine's tunables.
///
/// argument-parser makes an option of each stored property it finds, so each setting has one property
/// here, named after its key (`shingleSize` is `shingle_size`, `--shingle-size`); its value name, `--help`
/// line and parsing come from the setting itself (`DaemonConfiguration.articleSettings`), and
/// `settingSources(_:besides:)` reads the properties back by name. Unset options keep the value from the defaults
/// (or, for `run`, from the configuration file).
struct ArticleSettingOptions: ParsableArguments {
    @Option(help: settingHelp("max_file_bytes")) var maxFileBytes: String?
    @Option(help: settingHelp("shingle_size")) var shingleSize: String?
    @Option(help: settingHelp("signature_slots")) var signatureSlots: String?
    @Option(help: settingHelp("bands")) var bands: String?
    @Option(help: settingHelp("rows")) var rows: String?
    @Option(help: settingHelp("jaccard_threshold")) var jaccardThreshold: String?
    @Option(help: settingHelp("containment_threshold")) var containmentThreshold: String?
    @Option(help: settingHelp("minimum_containment_shingles")) var minimumContainmentShingles: String?
    @Option(help: settingHelp("containment_sampling")) var containmentSampling: String?
    @Option(help: settingHelp("story_threshold")) var storyThreshold: String?
    @Option(help: settingHelp("headline_threshold")) var headlineThreshold: String?
    @Option(help: settingHelp("story_window_days")) var storyWindowDays: String?
    @Option(help: settingHelp("story_half_life_days")) var storyHalfLifeDays: String?
    @Option(help: settingHelp("horizon_days")) var horizonDays: String?
    @Option(help: settingHelp("boilerplate_stories")) var boilerplateStories: String?

    func validate() throws { _ = try settingSources(self) }
}

/// The settings only the daemon has (`DaemonConfiguration.serviceSettings`), declared as
/// `ArticleSettingOptions` are.
struct ServiceSettingOptions: ParsableArguments {
    @Option(help: settingHelp("inbox")) var inbox: String?
    @Option(help: settingHelp("state")) var state: String?
    @Option(help: settingHelp("timeline")) var timeline: String?
    @Option(help: settingHelp("batch_size")) var batchSize: String?
    @Option(help: settingHelp("settle_ms")) var settleMs: String?
    @Option(help: settingHelp("snapshot_seconds")) var snapshotSeconds: String?
    @Option(help: settingHelp("retention_days")) var retentionDays: String?
    @Option(help: settingHelp("metrics_file")) var metricsFile: String?

    func validate() throws { _ = try settingSources(self) }
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
    @OptionGroup var settings: ArticleSettingOptions
    @Argument(help: "Article files.")
    var files: [String]

    func run() throws {
        var ingestor = try Ingestor(settings: resolvedSettings(settings))
        let writer: TimelineWriter
        do { writer = try Ingestor.timeline(at: timeline) } catch { throw runtimeError("storyline ingest: \(error)") }
        _ = try ingestor.run(paths: files, order: order, timeline: writer)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how the engine compares two article files, and what it decides.",
        discussion: """
            Shingle counts, exact and estimated Jaccard, containment both ways, story similarity, and the decision. \
            Terms are weighed by these two files alone, or, with --state (or --config), by what that state has \
            learned, as the daemon weighs them: its settings come from the configuration then, as `run` takes \
            them. The state is read, never written, while the daemon runs or not.
            """
    )

    @OptionGroup var settings: ArticleSettingOptions
    @Option(help: ArgumentHelp("Weigh terms as the daemon with this state does (its directory).", valueName: "dir"))
    var state: String?
    @Option(help: ArgumentHelp("The daemon's YAML configuration file, for its settings and state.", valueName: "file"))
    var config: String?
    @Argument(help: "The earlier article file.")
    var fileA: String
    @Argument(help: "The later article file.")
    var fileB: String

    func run() throws {
        var sources = try settingSources(settings)
        sources.file = config
        if let state { sources.flags["state"] = .text(state) }
        let settings: DaemonConfiguration
        do { settings = try sources.resolve() } catch { throw configurationError(error) }
        var learned: DocumentFrequencies?
        if state != nil || config != nil {
            let store = try openState(inState: settings.state, command: "storyline explain")
            do { learned = try store.restoreEngine(configuration: settings.engine, now: SystemClock.now()).engine.learnedFrequencies } catch {
                throw runtimeError("storyline explain: cannot rebuild the engine from \(store.path): \(error)")
            }
        }
        let explanation: Explanation
        do { explanation = try Explanation(files: fileA, fileB, settings: settings, learned: learned) } catch {
            throw runtimeError("storyline explain: \(error)")
        }
        print(explanation.text, terminator: "")
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daemon: watch the inbox, judge each complete file once, append the timeline.",
        discussion: """
            A file is taken when it is renamed into the inbox, or once it has not been written for settle_ms after \
            it was closed after writing (a header, then the body appended, is one article); names starting with '.' \
            or ending in .tmp, .part or ~ are writes in progress and wait for their rename. Each file gets exactly \
            one timeline line and is then moved to STATE/archive/ (articles) or STATE/rejected/ (everything else); \
            nothing is deleted or overwritten. Under systemd (Type=notify) it reports READY, STATUS and watchdog \
            pings and logs to the journal with STORYLINE_* fields. SIGHUP reopens the timeline and reloads the \
            configuration; SIGTERM or Ctrl-C stops after the batch in flight and writes STATE/engine.snapshot, \
            which the next start loads instead of re-deriving the indexes from every stored article.

            Settings come from the defaults, then --config FILE (YAML, keys in docs/configuration.md), then the \
            options below.
            """
    )

    @OptionGroup var service: ServiceSettingOptions
    @Option(help: ArgumentHelp("YAML configuration file; read again on SIGHUP.", valueName: "file"))
    var config: String?
    @OptionGroup var settings: ArticleSettingOptions
    @Flag(help: "Log debug messages too.")
    var verbose = false

    func run() throws {
        let verbose = self.verbose
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label)
            handler.logLevel = verbose ? .debug : .info
            return handler
        }
        let daemon: Daemon
        do {
            let flags = try settingSources(service).flags.merging(try settingSources(settings).flags) { $1 }
            daemon = try Daemon(sources: ConfigurationSources(file: config, flags: flags), logger: Logger(label: "storyline"))
        } catch {
            throw configurationError(error)
        }
        // Exit here, with everything closed and flushed by `run()`, and the daemon still held: tearing
        // the objects down would only start library worker threads that the sandbox refuses a priority to.
        withExtendedLifetime(daemon) { Glibc.exit(daemon.run()) }
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reload a running daemon (SIGHUP) and wait for its verdict: exit 0 if the new settings are in force, 1 if not.",
        discussion: """
            Sends SIGHUP to the daemon --pid and waits, at most --timeout seconds, until the daemon records the \
            outcome of a reload begun after the signal in STATE/reload.status. A configuration that cannot be used \
            leaves the daemon running with its previous settings: the error is printed and the exit status is 1. \
            The unit's ExecReload= runs this, so `systemctl reload storyline` fails when the reload did.
            """
    )

    @Option(help: ArgumentHelp("The daemon's process ($MAINPID under systemd).", valueName: "pid"))
    var pid: Int32
    @Option(help: ArgumentHelp("The daemon's state directory (default ./.storyline).", valueName: "dir"))
    var state: String?
    @Option(help: ArgumentHelp("Longest wait for the outcome, in seconds.", valueName: "seconds"))
    var timeout: Int = 60

    func validate() throws {
        guard pid > 1 else { throw ValidationError("--pid takes the daemon's process id (2 or more), e.g. $MAINPID") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout takes a whole number of seconds from 1 to 3600") }
    }

    func run() throws {
        let status: ReloadStatus
        do {
            status = try ReloadRequest.reload(pid: pid, state: state ?? defaults.state, timeout: .seconds(timeout))
        } catch {
            throw failure("storyline: reload: \(error)")
        }
        if let error = status.error {
            throw failure("storyline: reload failed: \(error)")
        }
        print("storyline: reloaded (reload \(status.generation) of this state directory)")
    }

    private func failure(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(1)
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file: print the settings `run --config FILE` would use, or the error.",
        discussion: """
            The file is read and validated exactly as `storyline run` and a reload read it (defaults, then the \
            file). Prints every setting as `key: value`, one a line, and exits 0; or prints the one-line error and \
            exits 78, as `run` would.
            """
    )

    @Argument(help: ArgumentHelp("The YAML configuration file.", valueName: "file"))
    var file: String

    func run() throws {
        let settings: DaemonConfiguration
        do { settings = try ConfigurationSources(file: file).resolve() } catch { throw configurationError(error) }
        print(settings.effectiveSettings.joined(separator: "\n"))
    }
}

struct Tail: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the timeline from a seq on, rotated copies included; with --follow, keep printing new lines.",
        discussion: """
            Lines are printed exactly as they are in the files, whole lines only, in seq order, each once. The \
            rotated copies logrotate leaves next to the timeline are read first, oldest first: FILE.N (the highest \
            N is the oldest) and FILE.N.gz (read with gzip -dc), then FILE itself; a copy wholly before \
            --from-seq is skipped unread. A consumer that stores the last seq it handled resumes with \
            --from-seq LAST+1. Without --follow it exits 0 once everything there is has been printed.

            With --follow it then prints new lines as they are written, looking every 150 ms, and keeps going \
            across rotations (rename and create, then SIGHUP to the daemon; a copytruncate is survived but may \
            lose lines) until SIGINT, SIGTERM or SIGHUP, when it exits 0. A note on standard error says when \
            lines are missing (seq A to B rotated away) or a file cannot be read.

            --story and --event together print the lines that match both.
            """
    )

    @Option(help: ArgumentHelp(
        "The live timeline file; its rotated copies are found next to it (default \(defaults.timeline)).", valueName: "file"))
    var timeline: String?
    @Option(
        help: ArgumentHelp("Print lines from this seq on; the first line is seq 1 (the default).", valueName: "n"),
        transform: { text in
            guard let seq = Int(text), seq >= 1 else {
                throw ValidationError("--from-seq takes a whole number of 1 or more (the first line is seq 1); "
                    + "to resume after the last line you handled, pass its seq + 1")
            }
            return seq
        })
    var fromSeq: Int = 1
    @Flag(help: "After the lines there are, wait for new ones and print them, across rotations, until SIGINT or SIGTERM.")
    var follow = false
    @Option(help: ArgumentHelp(
        "Print only the lines of this story (its \"story\" field, e.g. s42); repeat for several. Rejected lines have no story.",
        valueName: "id"))
    var story: [String] = []
    @Option(help: ArgumentHelp(
        "Print only lines of this event: story_started, story_extended, duplicate or rejected; repeat for several.",
        valueName: "type"))
    var event: [String] = []

    func validate() throws {
        for event in event where TimelineEvent.Kind(rawValue: event) == nil {
            throw ValidationError("unknown --event \(event): use story_started, story_extended, duplicate or rejected")
        }
    }

    func run() throws {
        let options = TimelineFollower.Options(
            timeline: timeline ?? defaults.timeline, fromSeq: fromSeq, follow: follow,
            filter: TimelineLineFilter(stories: Set(story), events: Set(event)))
        try TimelineFollower(options: options).run()
    }
}
