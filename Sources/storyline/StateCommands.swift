import ArgumentParser
import StorylineDaemon

/// Where a state, its timeline and its inbox are: the same options and file as `run`.
struct StatePaths: ParsableArguments {
    @Option(help: settingHelp("inbox")) var inbox: String?
    @Option(help: settingHelp("state")) var state: String?
    @Option(help: settingHelp("timeline")) var timeline: String?
    @Option(help: ArgumentHelp("The daemon's YAML configuration file, for the paths in it.", valueName: "file"))
    var config: String?

    func validate() throws { _ = try settingSources(self, besides: ["config"]) }

    /// The paths as the daemon would resolve them, unvalidated: a backup must work beside settings the
    /// daemon would refuse.
    func maintenance() throws -> StateMaintenance {
        var sources = try settingSources(self, besides: ["config"])
        sources.file = config
        let configuration: DaemonConfiguration
        do { configuration = try sources.layered() } catch { throw configurationError(error) }
        return StateMaintenance(inbox: configuration.inbox, state: configuration.state, timeline: configuration.timeline)
    }
}

/// Runs a maintenance step and prints its summary; a failure is one line on standard error, status 1
/// (78 for a state written by a newer build, as `run` exits).
private func carryOut(_ step: () throws -> String) throws {
    do {
        print(try step())
    } catch let exit as ExitCode {
        throw exit
    } catch let error as NewerStateError {
        printError("storyline: \(error)")
        throw ExitCode(NewerStateError.exitStatus)
    } catch {
        printError("storyline: \(error)")
        throw ExitCode.failure
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the state and the timeline that goes with it into a new directory, while the daemon runs or not.",
        discussion: """
            The database is copied with SQLite's online backup (consistent while the daemon writes), then the \
            timeline's rotated copies and the live file's lines up to the database's last seq. archive/ and \
            rejected/ are not copied: they are the producers' files, kept in the state directory. Restore with \
            `storyline restore --from DIR`. See docs/operations.md.
            """)
    @OptionGroup var paths: StatePaths
    @Option(help: ArgumentHelp("New (or empty) directory to write the backup into.", valueName: "dir"))
    var to: String

    func run() throws {
        try carryOut { try paths.maintenance().backup(to: to) }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put back a backup's state and timeline (the daemon stopped); files judged since go back to the inbox.",
        discussion: """
            What is there now (database, engine snapshot, timeline and its rotated copies) is moved into \
            STATE/replaced-TIME, never deleted. Files whose lines come after the backup are moved from archive/ \
            and rejected/ back into the inbox, to be judged again by the restored state. See docs/operations.md.
            """)
    @OptionGroup var paths: StatePaths
    @Option(help: ArgumentHelp("A directory written by `storyline backup`.", valueName: "dir"))
    var from: String

    func run() throws {
        try carryOut { try paths.maintenance().restore(from: from) }
    }
}

struct Reset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set the state and the timeline aside (the daemon stopped): the next start begins at seq 1.",
        discussion: """
            The database, the engine snapshot, the timeline and its rotated copies are moved into \
            STATE/replaced-TIME, never deleted; archive/ and rejected/ stay. See docs/operations.md.
            """)
    @OptionGroup var paths: StatePaths

    func run() throws {
        try carryOut { try paths.maintenance().reset() }
    }
}

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the daemon's metrics file, or answer one HTTP request with it (--http).",
        discussion: """
            The daemon writes its metrics in Prometheus's text format to metrics_file (STATE/metrics.prom by \
            default). Without --http this prints that file. With --http it reads one HTTP request from standard \
            input and answers it on standard output: GET or HEAD of /metrics (or /) is the file, 503 when the \
            daemon has not written it. deploy/storyline-metrics.socket runs it so, once per connection, on \
            127.0.0.1:9464. Exits 1 when the answer is not the file.
            """)
    @Option(help: settingHelp("state")) var state: String?
    @Option(help: settingHelp("metrics_file")) var metricsFile: String?
    @Option(help: ArgumentHelp("The daemon's YAML configuration file, for the paths in it.", valueName: "file"))
    var config: String?
    @Flag(help: "Answer one HTTP request on standard input and output (for a socket-activated service).")
    var http = false

    func validate() throws { _ = try settingSources(self, besides: ["config"]) }

    func run() throws {
        var sources = try settingSources(self, besides: ["config"])
        sources.file = config
        let path: String
        do { path = try sources.layered().effectiveMetricsFile } catch { throw configurationError(error) }
        if http {
            guard MetricsHTTP.answer(input: 0, output: 1, metricsFile: path) else { throw ExitCode.failure }
            return
        }
        switch MetricsHTTP.contents(of: path) {
        case .success(let bytes): print(String(decoding: bytes, as: UTF8.self), terminator: "")
        case .failure(let error): throw runtimeError("storyline metrics: \(error) (is storyline running?)")
        }
    }
}
