import CLinux

/// Which Storyline this is: the release number, kept here and nowhere else (the Makefile reads it for
/// the package's version), and the commit the binary was built from.
public enum StorylineBuild {
    /// The release number. The Makefile's `VERSION` is read from this line: keep it one string literal.
    public static let version = "0.9.0"

    /// The commit the build was given (`STORYLINE_COMMIT`, exported by the Makefile), or "unknown".
    public static var commit: String { String(cString: storyline_build_commit()) }

    /// What `storyline --version` prints: `storyline 0.9.0 (commit 556a420)`.
    public static var description: String { "storyline \(version) (commit \(commit))" }
}
