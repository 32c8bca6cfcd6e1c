/// A file name as the file system has it: bytes, which need not be valid UTF-8.
///
/// Producers on old systems write Latin-1 names; such a file must still be read, judged and moved.
/// The bytes open and move the file; `description` shows it, with U+FFFD for bytes that are not UTF-8.
public struct FileName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public init(_ name: String) {
        bytes = Array(name.utf8)
    }

    /// The name for people and for the timeline's `file` field.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public static func < (lhs: FileName, rhs: FileName) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// The path of this name in `directory`, as bytes.
    public func path(in directory: String) -> [UInt8] {
        Array(directory.utf8) + [UInt8(ascii: "/")] + bytes
    }

    /// `name`, then `name.1.ext`, `name.2.ext`… keeping the extension last.
    func suffixed(_ attempt: Int) -> FileName {
        guard attempt > 0 else { return self }
        let suffix = Array(".\(attempt)".utf8)
        if let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot != bytes.startIndex {
            return FileName(bytes: Array(bytes[..<dot]) + suffix + Array(bytes[dot...]))
        }
        return FileName(bytes: bytes + suffix)
    }
}
