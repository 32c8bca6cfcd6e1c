/// Which names in the inbox are articles to take, by the producers' conventions.
public enum InboxNames {
    /// Whether `name` is a write still in progress: a dot-name (Maildir-style `.NAME.tmp` before its
    /// rename) or a name ending in `.tmp`, `.part` or `~`. Such files are left alone until renamed.
    public static func isInProgress(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix("~")
    }
}
