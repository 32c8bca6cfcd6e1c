/// Which names in the inbox are articles to take, by the producers' conventions.
public enum InboxNames {
    /// Whether `name` is a write still in progress: a dot-name (Maildir-style `.NAME.tmp` before its
    /// rename) or a name ending in `.tmp`, `.part` or `~`. Such files are left alone until renamed.
    public static func isInProgress(_ name: String) -> Bool {
        isInProgress(Array(name.utf8))
    }

    /// The same rule on the name's bytes, which need not be UTF-8.
    public static func isInProgress(_ name: [UInt8]) -> Bool {
        name.first == UInt8(ascii: ".") || name.last == UInt8(ascii: "~")
            || name.ends(with: Array(".tmp".utf8)) || name.ends(with: Array(".part".utf8))
    }
}

extension Array where Element: Equatable {
    func ends(with suffix: [Element]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
