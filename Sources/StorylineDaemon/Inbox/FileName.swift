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

    /// The name this file gets in `archive/` or `rejected/`: its line's `seq`, ten digits, then the
    /// name it had, cut to fit a directory entry (255 bytes) and keeping a short extension.
    ///
    /// `seq` never repeats within a state, so names never clash; where one does (an archive kept beside
    /// a state restored from an older backup), `attempt` adds `.1`, `.2`… after the seq.
    func archived(seq: Int, attempt: Int = 0) -> FileName {
        var digits = String(seq)
        if digits.count < 10 { digits = String(repeating: "0", count: 10 - digits.count) + digits }
        let prefix = Array((attempt > 0 ? "\(digits).\(attempt)-" : "\(digits)-").utf8)
        let room = Self.maximumLength - prefix.count
        guard bytes.count > room else { return FileName(bytes: prefix + bytes) }
        var stem = bytes[...], ext = bytes[bytes.endIndex...]
        if let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot != bytes.startIndex, bytes.endIndex - dot <= 16 {
            stem = bytes[..<dot]
            ext = bytes[dot...]
        }
        stem = stem.prefix(room - ext.count)
        // Cut whole characters: drop a UTF-8 sequence the cut left incomplete.
        if let last = stem.lastIndex(where: { $0 & 0xC0 != 0x80 }), stem[last] >= 0xC0 {
            let length = stem[last] >= 0xF0 ? 4 : stem[last] >= 0xE0 ? 3 : 2
            if stem.endIndex - last < length { stem = stem[..<last] }
        }
        return FileName(bytes: prefix + stem + ext)
    }

    /// The longest name a directory entry holds (NAME_MAX on Linux).
    static let maximumLength = 255
}
