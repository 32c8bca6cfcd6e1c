import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that writes native journal entries when stderr is the journal, `<N>`-prefixed
/// lines under another service manager, and readable lines on a terminal.
///
/// Metadata becomes journal fields: `storyline.event` is `STORYLINE_EVENT`, `article.file` is
/// `STORYLINE_FILE`, and so on (`fieldNames`); other keys become `STORYLINE_` plus the key in capitals.
/// Values are sent with explicit lengths, so no article text can end a field or forge another.
public struct JournalLogHandler: LogHandler {
    public enum Destination: Sendable {
        case journal
        case prefixedStandardError
        case terminal
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let destination: Destination
    /// The logger's label: the journal entry's `SYSLOG_IDENTIFIER` (the daemon logs as `storyline`).
    private let label: String

    static let fieldNames: [String: String] = [
        "timeline.event": "STORYLINE_EVENT",
        "timeline.seq": "STORYLINE_SEQ",
        "article.file": "STORYLINE_FILE",
        "article.id": "STORYLINE_ARTICLE",
        "story.id": "STORYLINE_STORY",
        "article.duplicate_of": "STORYLINE_DUPLICATE_OF",
    ]

    public init(label: String, destination: Destination = Self.detectDestination()) {
        self.label = label
        self.destination = destination
    }

    /// The journal when `$JOURNAL_STREAM` names stderr; `<N>` lines under a manager; else a terminal.
    public static func detectDestination() -> Destination {
        let environment = ProcessInfo.processInfo.environment
        if let stream = environment["JOURNAL_STREAM"] {
            var status = stat()
            if fstat(2, &status) == 0, stream == "\(status.st_dev):\(status.st_ino)" { return .journal }
        }
        if !Syscalls.isTerminal(STDERR_FILENO) && (environment["INVOCATION_ID"] != nil || environment["NOTIFY_SOCKET"] != nil) {
            return .prefixedStandardError
        }
        return .terminal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let priority = Self.priority(event.level)
        switch destination {
        case .journal:
            var entries = [
                "MESSAGE=\(event.message)", "PRIORITY=\(priority)", "SYSLOG_IDENTIFIER=\(label)",
                "CODE_FILE=\(event.file)", "CODE_LINE=\(event.line)", "CODE_FUNC=\(event.function)",
            ]
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                entries.append("\(Self.fieldName(key))=\(value)")
            }
            LibSystemd.sendToJournal(entries)
        case .prefixedStandardError:
            StandardError.write("<\(priority)>\(Self.oneLine(event.message.description))\(Self.suffix(fields))\n")
        case .terminal:
            let level = "\(event.level)".padding(toLength: 8, withPad: " ", startingAt: 0)
            StandardError.write("\(SystemClock.now()) \(level) \(Self.oneLine(event.message.description))\(Self.suffix(fields))\n")
        }
    }

    static func fieldName(_ key: String) -> String {
        if let known = fieldNames[key] { return known }
        let cleaned = key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "STORYLINE_" + String(cleaned)
    }

    private static func suffix(_ fields: Logger.Metadata) -> String {
        fields.isEmpty ? "" : " " + fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(oneLine("\($0.value)"))" }.joined(separator: " ")
    }

    /// Text with control characters escaped, so a log line stays one line and cannot move a terminal.
    /// U+2028 and U+2029 are escaped too: many readers (and the timeline's escaping) count them as breaks.
    static func oneLine(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
