import Foundation

/// What became of the daemon's last reload, kept in `STATE/reload.status` for `storyline reload`.
///
/// systemd 252 has no `Type=notify-reload`: whatever `ExecReload=` returns is what `systemctl reload`
/// reports. So the daemon records each reload's outcome here, stamped with the moment it began the
/// reload, and `storyline reload` (the unit's ExecReload) waits for a record begun after its SIGHUP.
/// The file is replaced whole (a new file, then a rename), so a reader never sees half of one.
public struct ReloadStatus: Sendable, Hashable, Codable {
    /// Counts the reloads recorded in this state directory, for people reading the file.
    public var generation: Int
    /// CLOCK_MONOTONIC in microseconds when the daemon took the SIGHUP (the `MONOTONIC_USEC` it sent
    /// with `RELOADING=1`).
    public var monotonicMicroseconds: Int64
    /// Why the reload failed, with the previous settings kept; nil when it succeeded.
    public var error: String?

    public var succeeded: Bool { error == nil }

    enum CodingKeys: String, CodingKey {
        case generation, monotonicMicroseconds = "monotonic_usec", error
    }

    public init(generation: Int, monotonicMicroseconds: Int64, error: String?) {
        self.generation = generation
        self.monotonicMicroseconds = monotonicMicroseconds
        self.error = error
    }

    /// `STATE/reload.status`.
    public static func path(inState state: String) -> String { state + "/reload.status" }

    /// The record in the state directory, or nil when there is none (no reload yet) or it cannot be read.
    public static func read(fromState state: String) -> ReloadStatus? {
        guard let data = FileManager.default.contents(atPath: path(inState: state)) else { return nil }
        return try? JSONDecoder().decode(ReloadStatus.self, from: data)
    }

    /// Replaces the record in the state directory with this one.
    ///
    /// - Throws: `SystemCallError` naming the file.
    public func write(toState state: String) throws(SystemCallError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding three plain fields cannot fail; an empty record would read as "none" anyway.
        let data = (try? encoder.encode(self)) ?? Data()
        try Syscalls.replaceFile(Self.path(inState: state), with: Array(data) + [0x0A])
    }
}
