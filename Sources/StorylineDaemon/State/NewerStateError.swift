import GRDB

/// A state database that a newer build has migrated: it holds migrations this build does not know, so
/// this build cannot tell what its tables mean and must not write to them.
///
/// Thrown before anything is written (no migration of this build runs on such a database). Under
/// systemd it is an installation error, exit status 78, which the unit does not restart on: the same
/// build would only fail the same way.
public struct NewerStateError: Error, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// The applied migrations this build has not registered, sorted.
    public var unknownMigrations: [String]
    /// The refused database, closed, for the daemon to keep until it exits: letting it go disposes its
    /// dispatch queue, which starts a worker thread that the sandbox refuses a priority to (a denial in
    /// the journal, seen in the package test).
    var closedDatabase: (any DatabaseWriter)?

    /// The exit status for it (EX_CONFIG): what is installed does not fit what is there.
    public static let exitStatus: Int32 = 78

    public var description: String {
        "the state database \(path) was written by a newer Storyline than this one (\(StorylineBuild.version)): "
            + "it holds migrations this build does not know (\(unknownMigrations.map { "\"\($0)\"" }.joined(separator: ", "))). "
            + "Install the newer build again, or restore a backup taken before the upgrade "
            + "(`storyline restore --from DIR`, see docs/operations.md)"
    }
}
