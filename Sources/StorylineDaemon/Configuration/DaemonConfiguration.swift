import Foundation
import StorylineCore
import Yams

/// Everything `storyline run` can be told: paths, limits and the engine's tunables.
///
/// Sources, later ones winning: the defaults here, the YAML file given with `--config`, the command
/// line. Every key of the file is documented in docs/configuration.md and in `storyline run --help`.
public struct DaemonConfiguration: Sendable, Hashable {
    public var inbox = "./inbox"
    public var state = "./.storyline"
    public var timeline = "./timeline.jsonl"
    /// Largest article file read, in bytes.
    public var maxFileBytes = ArticleFile.defaultSizeLimit
    /// Most files judged in one transaction and one fsync.
    public var batchSize = 512
    /// Milliseconds a file closed after a plain write must stay quiet before it is read.
    public var settleMs = 500
    /// Seconds between engine snapshots while the daemon runs (0: only at a clean stop).
    public var snapshotSeconds = 600
    /// Where producers' JSON files hold an article's fields, beyond the common names (`fields:` in the
    /// file only: a mapping, not a value a flag can give).
    public var fields = FieldNames()
    public var engine = EngineConfiguration()
    /// Days after which the daemon prunes an article's text and shingles, the rows it no longer needs
    /// and its file in archive/, counted from when it judged the article; nil for the horizon plus
    /// `retentionMarginDays` (`retentionDays(resolved:)`).
    public var retentionDays: Double?
    /// Where the metrics go, as a node_exporter textfile; nil for `STATE/metrics.prom`.
    public var metricsFile: String?

    /// Days kept beyond the horizon when `retention_days` is not set: room to change `horizon_days` a
    /// little and rebuild, and to look at a week of archived files after they leave the index.
    public static let retentionMarginDays = 7.0
    /// The longest retention (a hundred years, the horizon's own limit).
    public static let maximumRetentionDays = 36_500.0

    /// The retention in force: `retentionDays`, or the horizon plus the margin.
    public var effectiveRetentionDays: Double {
        retentionDays ?? min(engine.horizonDays + Self.retentionMarginDays, Self.maximumRetentionDays)
    }

    /// The metrics file in force: `metricsFile`, or `metrics.prom` in the state directory.
    public var effectiveMetricsFile: String { metricsFile ?? state + "/metrics.prom" }

    public init() {}

    /// Applies the YAML configuration file at `path` over these values.
    ///
    /// - Throws: `DaemonConfigurationError` naming the file, the key and what is allowed.
    public mutating func apply(file path: String) throws(DaemonConfigurationError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DaemonConfigurationError(path: path, key: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        let loaded: Any?
        do { loaded = try Yams.load(yaml: text) } catch {
            // Yams adds the offending line and a caret below it: the first line names the place and the problem.
            let problem = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            throw DaemonConfigurationError(path: path, key: nil, message: "not valid YAML: \(problem)")
        }
        guard let loaded else { return }
        guard let values = loaded as? [String: Any] else {
            throw DaemonConfigurationError(path: path, key: nil, message: "not a mapping of `key: value` lines")
        }
        for (key, value) in values {
            if key == "fields" {
                fields = try Self.fieldNames(value, path: path)
            } else {
                try set(key, value, path: path)
            }
        }
    }

    /// The `fields:` mapping: each of `FieldNames.Field` to a name or a list of names.
    private static func fieldNames(_ value: Any, path: String) throws(DaemonConfigurationError) -> FieldNames {
        let known = FieldNames.Field.allCases.map(\.rawValue).joined(separator: ", ")
        guard let mapping = value as? [String: Any] else {
            throw DaemonConfigurationError(path: path, key: "fields", message: """
                fields must be a mapping of a field (\(known)) to the name, or list of names, a producer's JSON \
                gives it: `fields: {title: [hed, meta.headline]}`
                """)
        }
        var names = FieldNames()
        for (key, given) in mapping {
            guard let field = FieldNames.Field(rawValue: key) else {
                throw DaemonConfigurationError(path: path, key: "fields", message: "fields.\(key) is not a field; the fields are: \(known)")
            }
            let list: [Any] = (given as? [Any]) ?? [given]
            let strings = list.compactMap { $0 as? String }
            guard strings.count == list.count, !strings.isEmpty, strings.allSatisfy({ !$0.isEmpty && $0.count <= 256 }) else {
                throw DaemonConfigurationError(path: path, key: "fields",
                    message: "fields.\(key) must be a name or a list of names (non-empty strings of at most 256 characters)")
            }
            names[field] = strings
        }
        return names
    }

    /// Sets `key` to `value` as a decoder gave it (String, Int, Double).
    private mutating func set(_ key: String, _ value: Any, path: String) throws(DaemonConfigurationError) {
        guard let setting = Self.setting(key) else {
            throw DaemonConfigurationError(path: path, key: key, message: "\(key) is not a setting; the settings are: "
                + Self.settings.map(\.key).joined(separator: ", ") + ", and the mapping fields")
        }
        let decoded: SettingValue? = switch value {
        case let text as String: .text(text)
        case let number as Int: .wholeNumber(number)
        case let number as Double: .number(number)
        default: nil
        }
        guard let decoded = decoded?.converted(to: setting.kind) else {
            throw DaemonConfigurationError(path: path, key: key, message: "\(key) must be \(setting.kind.article) (got \(value))")
        }
        setting.set(decoded, in: &self)
    }

    /// The bounds of the daemon's own numeric settings (the engine's are `EngineConfiguration.Bounds`).
    public enum Bounds {
        /// Up to 1 GiB: a file is read whole and prepared in memory, several times its size.
        public static let maxFileBytes = 1...(1 << 30)
        public static let batchSize = 1...100_000
        public static let settleMs = 0...60_000
        /// Up to a week.
        public static let snapshotSeconds = 0...604_800
    }

    /// Every setting `storyline run` takes, each declared once, in the order docs/configuration.md lists
    /// them. Configuration file keys, command-line flags, `--help`, validation and the documentation test
    /// all come from here; the defaults are the initial values of the properties above.
    public static let settings: [Setting<DaemonConfiguration>] = [
        Setting(path: "inbox", \.inbox, "directory watched for article files"),
        Setting(path: "state", \.state, "state directory: database, engine snapshot, archive/, rejected/"),
        Setting(path: "timeline", \.timeline, "timeline file, appended to"),
        Setting("max_file_bytes", \.maxFileBytes, in: Bounds.maxFileBytes,
                "largest article file read, in bytes; larger ones are rejected unread (too_large)"),
        Setting("batch_size", \.batchSize, in: Bounds.batchSize, "most files judged per transaction under a burst"),
        Setting("settle_ms", \.settleMs, in: Bounds.settleMs,
                "milliseconds a file closed after a plain write must stay unwritten before it is read; renamed files are read at once"),
        Setting("snapshot_seconds", \.snapshotSeconds, in: Bounds.snapshotSeconds,
                "seconds between engine snapshots while running, so a restart after a crash re-derives only what came since; 0: only at a clean stop"),
    ] + EngineConfiguration.settings.map { $0.lifted(\.engine) } + [
        Setting(
            "retention_days", optional: \.retentionDays,
            requirement: "horizon_days to \(days(maximumRetentionDays))",
            "days after judging that an article's text, shingles and archive/ file are pruned",
            default: "horizon_days + \(days(retentionMarginDays))",
            check: { configuration throws(ConfigurationError) in try configuration.checkRetention() }),
        Setting(path: "metrics_file", optional: \.metricsFile,
                "Prometheus metrics file, replaced whole each second while anything changes; node_exporter's "
                    + "textfile collector reads names ending in .prom", default: "STATE/metrics.prom"),
    ]

    /// Every setting as `key: value`, in the table's order, with the values in force (an unset
    /// `retention_days` as the retention it comes to), then `fields` when given: what `check-config`
    /// prints, in the YAML a configuration file takes.
    public var effectiveSettings: [String] {
        var resolved = self
        resolved.retentionDays = effectiveRetentionDays
        resolved.metricsFile = effectiveMetricsFile
        return Self.settings.compactMap { setting in setting.value(in: resolved).map { "\(setting.key): \($0)" } }
            + (fields.isEmpty ? [] : ["fields: {\(fields.description)}"])
    }

    /// The settings whose values differ from `previous`, as `key: old -> new`: what a reload says it changed.
    public func changes(since previous: DaemonConfiguration) -> [String] {
        Self.settings.compactMap { setting in
            let (old, new) = (setting.value(in: previous), setting.value(in: self))
            guard old != new else { return nil }
            return "\(setting.key): \(old.map { "\($0)" } ?? "unset") -> \(new.map { "\($0)" } ?? "unset")"
        } + (fields == previous.fields ? [] : ["fields: {\(previous.fields.description)} -> {\(fields.description)}"])
    }

    /// The settings of every command that judges articles (`run`, `ingest`, `explain`): the file size
    /// limit and the engine's tunables. The others (paths, batch size, retention) are the daemon's alone:
    /// `ingest` and `explain` keep no state, watch no inbox and judge their files in one go.
    public static let articleSettings = settings.filter { $0.key == "max_file_bytes" || $0.key.isEngineKey }

    /// The settings only `run` takes.
    public static let serviceSettings = settings.filter { setting in !articleSettings.contains { $0.key == setting.key } }

    /// The setting of `key`, if there is one.
    public static func setting(_ key: String) -> Setting<DaemonConfiguration>? {
        settings.first { $0.key == key }
    }

    /// Checks every value, by the same rules whether it came from the file or the command line: the
    /// engine's first, in their order, then the daemon's.
    ///
    /// - Throws: `DaemonConfigurationError` for the first value that cannot work.
    public func validate() throws(DaemonConfigurationError) {
        do throws(ConfigurationError) {
            try engine.validate()
            let defaults = DaemonConfiguration()
            for setting in Self.settings where !setting.key.isEngineKey {
                try setting.check(self, defaults: defaults)
            }
        } catch {
            throw DaemonConfigurationError(path: nil, key: error.key, message: error.description)
        }
    }

    private func checkRetention() throws(ConfigurationError) {
        guard let retentionDays else { return }
        let horizon = engine.horizonDays
        guard retentionDays.isFinite, retentionDays >= horizon, retentionDays <= Self.maximumRetentionDays else {
            throw ConfigurationError(
                key: "retention_days", value: Self.days(retentionDays),
                requirement: "a finite number of days from horizon_days (\(Self.days(horizon))) to \(Self.days(Self.maximumRetentionDays))",
                advice: """
                    a rebuild without the engine snapshot re-derives the indexes from the articles within the horizon, \
                    so they must still be there; leave it unset for horizon_days + \(Self.days(Self.retentionMarginDays))
                    """)
        }
    }
}

private extension String {
    var isEngineKey: Bool { EngineConfiguration.settings.contains { $0.key == self } }
}

extension DaemonConfiguration {
    /// A number of days as people write it: 30, not 30.0.
    public static func days(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A configuration that cannot be used: which file, which key, and what to do.
public struct DaemonConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String?
    public var key: String?
    public var message: String

    /// The message, after the file it is about: `configuration file F: shingle_size must be a whole
    /// number (got five)`, or for a value out of range `horizon_days must be ... (got inf); ...`.
    public var description: String {
        (path.map { "configuration file \($0): " } ?? "") + message
    }
}
