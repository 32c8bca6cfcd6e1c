import Logging
import StorylineCore
#if canImport(Glibc)
import Glibc
#endif

/// An error that stops the daemon, with what to do about it.
public struct DaemonError: Error, CustomStringConvertible {
    public var message: String
    public var errno: Int32
    /// 1 for what may work on a restart; 78 (EX_CONFIG, not restarted by the unit) for what cannot
    /// until an operator acts, such as a state written by a newer build.
    public var exitStatus: Int32 = 1
    public var description: String { message }
}

/// `storyline run`: watches the inbox, judges each complete file once, and keeps state, timeline and
/// files consistent whatever moment the process dies at.
///
/// This type opens what the daemon runs on (the signal file, the state directory and its lock, the
/// database, the timeline) and reports how it ended; `DaemonLoop` wires the parts that do the work
/// (docs/architecture.md follows one file through them).
public final class Daemon {
    private let configuration: DaemonConfiguration
    /// Resolved again on every SIGHUP, by the same function as at start-up.
    private let sources: ConfigurationSources
    private let logger: Logger
    private let notifier: any ServiceNotifying
    /// A state refused as a newer build's, kept until the process exits (`NewerStateError.closedDatabase`).
    private var refusedState: NewerStateError?

    /// - Parameters:
    ///   - sources: the file and the command-line settings, resolved now and again on every SIGHUP.
    ///   - notifier: the service manager (libsystemd's sd_notify unless a test gives its own).
    /// - Throws: `DaemonConfigurationError` when the settings cannot be used; nothing has been opened or
    ///   made then.
    public init(sources: ConfigurationSources, logger: Logger, notifier: any ServiceNotifying = ServiceNotifier()) throws {
        configuration = try sources.resolve()
        self.sources = sources
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT.
    ///
    /// - Returns: the exit status: 0 after a clean stop.
    public func run() -> Int32 {
        // Blocks of 1 MiB and more (index tables while they grow or are pruned) are mapped and unmapped
        // whole (`Syscalls.mapBlocks(from:)`).
        Syscalls.mapBlocks(from: 1 << 20)
        do {
            let loop = try DaemonLoop(
                opened: try open(), configuration: configuration, sources: sources, logger: logger, notifier: notifier)
            defer { loop.close() }
            try loop.start()
            try loop.run()
            loop.stop()
            return 0
        } catch let error as DaemonError {
            notifier.failed(status: "failed: \(error.message)", errno: error.errno)
            logger.critical("\(error.message)")
            return error.exitStatus
        } catch {
            notifier.failed(status: "failed: \(error)", errno: EIO)
            logger.critical("\(error)")
            return 1
        }
    }

    /// What the loop runs on, opened in the order that fails fastest and leaves least behind.
    struct Opened {
        var signals: SignalFile
        var lock: StateLock
        var store: StateStore
        var timeline: TimelineWriter
    }

    /// Opens the signal file (before any thread starts), the state directory and its lock, the state
    /// database and the timeline.
    ///
    /// - Throws: `DaemonError` saying what cannot be opened and what to do about it.
    private func open() throws -> Opened {
        let signals: SignalFile
        do { signals = try SignalFile() } catch {
            throw DaemonError(message: "cannot set up signal handling: \(error)", errno: error.errno)
        }
        guard Syscalls.isDirectory(configuration.inbox) else {
            throw DaemonError(message: "the inbox \(configuration.inbox) does not exist or is not a directory: "
                + "create it (mkdir -p \(configuration.inbox)) or choose another with --inbox.", errno: ENOENT)
        }
        for directory in [configuration.state, configuration.state + "/archive", configuration.state + "/rejected"] {
            do { try Syscalls.makeDirectory(directory) } catch {
                throw DaemonError(message: "cannot create the state directory \(directory): \(error). "
                    + "Check that it is writable by this user, or choose another with --state.", errno: error.errno)
            }
        }
        let lock = try StateLock(state: configuration.state)
        let store: StateStore
        do { store = try StateStore(path: configuration.state + "/state.sqlite") } catch let error as NewerStateError {
            refusedState = error
            throw DaemonError(message: "\(error)", errno: EPROTONOSUPPORT, exitStatus: NewerStateError.exitStatus)
        } catch {
            throw DaemonError(message: "cannot open the state database in \(configuration.state): \(error)", errno: EIO)
        }
        do {
            return Opened(signals: signals, lock: lock, store: store, timeline: try TimelineWriter(appendingTo: configuration.timeline))
        } catch {
            store.close()
            throw DaemonError(message: "cannot open the timeline \(configuration.timeline): "
                + Self.explain(error, timeline: configuration.timeline), errno: error.errno)
        }
    }

    /// The settings a reload puts in force: `sources` resolved exactly as at start-up (defaults, file,
    /// command line, validation), with the paths of `current` kept, as they are fixed until a restart.
    ///
    /// - Returns: the settings, and whether the file or the command line asked for other paths.
    /// - Throws: `DaemonConfigurationError`, as at start-up; `current` then stays in force.
    static func reloadedConfiguration(
        _ sources: ConfigurationSources, current: DaemonConfiguration
    ) throws(DaemonConfigurationError) -> (configuration: DaemonConfiguration, pathsChanged: Bool) {
        var fresh = try sources.resolve()
        let pathsChanged = fresh.inbox != current.inbox || fresh.state != current.state || fresh.timeline != current.timeline
        fresh.inbox = current.inbox
        fresh.state = current.state
        fresh.timeline = current.timeline
        return (fresh, pathsChanged)
    }
}

/// The exclusive lock on `STATE/lock` that keeps a second daemon off a state directory, held until the
/// process ends.
final class StateLock {
    private let descriptor: Int32

    /// - Throws: `DaemonError` when another process holds the lock (naming what to do), or the lock
    ///   file cannot be opened.
    init(state: String) throws {
        let path = state + "/lock"
        do {
            descriptor = try Syscalls.open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0o644)
        } catch {
            throw DaemonError(message: "cannot lock the state directory: \(error)", errno: error.errno)
        }
        let locked: Bool
        do { locked = try Syscalls.lockExclusively(descriptor, path: path) } catch {
            Syscalls.close(descriptor)
            throw DaemonError(message: "cannot lock the state directory: \(error)", errno: error.errno)
        }
        guard locked else {
            Syscalls.close(descriptor)
            throw DaemonError(message: "another storyline is already running on the state directory "
                + "\(state) (it holds \(path)); stop it first, or give this one its own --state.", errno: EBUSY)
        }
    }

    deinit { Syscalls.close(descriptor) }
}
