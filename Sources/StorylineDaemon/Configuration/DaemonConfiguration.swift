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
    public var engine = EngineConfiguration()
    /// Days after which the daemon prunes an article's text and shingles, the rows it no longer needs
    /// and its file in archive/, counted from when it judged the article; nil for the horizon plus
    /// `retentionMarginDays` (`retentionDays(resolved:)`).
    public var retentionDays: Double?

    /// Days kept beyond the horizon when `retention_days` is not set: room to change `horizon_days` a
    /// little and rebuild, and to look at a week of archived files after they leave the index.
    public static let retentionMarginDays = 7.0
    /// The longest retention (a hundred years, the horizon's own limit).
    public static let maximumRetentionDays = 36_500.0

    /// The retention in force: `retentionDays`, or the horizon plus the margin.
    public var effectiveRetentionDays: Double {
        retentionDays ?? min(engine.horizonDays + Self.retentionMarginDays, Self.maximumRetentionDays)
    }

    public init() {}

    /// The keys a configuration file may hold, with what each takes.
    public static let keys: [(key: String, help: String)] = [
        ("inbox", "directory watched for article files (default ./inbox)"),
        ("state", "directory for the database, archive/ and rejected/ (default ./.storyline)"),
        ("timeline", "the JSON Lines timeline file (default ./timeline.jsonl)"),
        ("max_file_bytes", "largest article file read, in bytes (default 10485760)"),
        ("batch_size", "most files per transaction under a burst (default 512)"),
        ("shingle_size", "words per shingle (default 5)"),
        ("signature_slots", "MinHash slots (default 128)"),
        ("bands", "LSH bands (default 16)"),
        ("rows", "slots per LSH band (default 8)"),
        ("jaccard_threshold", "near-duplicate at Jaccard >= this (default 0.8)"),
        ("containment_threshold", "near-duplicate at containment >= this (default 0.9)"),
        ("minimum_containment_shingles", "shorter texts are judged by Jaccard only (default 25)"),
        ("story_threshold", "a full article joins a story at average cosine >= this (default 0.14)"),
        ("headline_threshold", "a headline joins a story at cosine with its profile >= this (default 0.2)"),
        ("story_window_days", "articles within this many days of a story's coverage count in full (default 2)"),
        ("story_half_life_days", "beyond the window a story's similarity halves every this many days (default 0.7)"),
        ("horizon_days", "coverage older than this leaves the index (default 30)"),
        ("boilerplate_stories", "a short line seen in this many stories is furniture (default 4)"),
        ("retention_days", "article texts, shingles, spent rows and archive/ files older than this many days since "
            + "they were judged are pruned; at least horizon_days (default horizon_days + 7)"),
    ]

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
            try set(key, value, path: path)
        }
    }

    private mutating func set(_ key: String, _ value: Any, path: String) throws(DaemonConfigurationError) {
        func fail(_ expected: String) -> DaemonConfigurationError {
            DaemonConfigurationError(path: path, key: key, message: "\(key) must be \(expected) (got \(value))")
        }
        func string() throws(DaemonConfigurationError) -> String {
            guard let text = value as? String, !text.isEmpty else { throw fail("a path") }
            return text
        }
        func integer() throws(DaemonConfigurationError) -> Int {
            guard let number = value as? Int else { throw fail("a whole number") }
            return number
        }
        func number() throws(DaemonConfigurationError) -> Double {
            if let number = value as? Double { return number }
            if let number = value as? Int { return Double(number) }
            throw fail("a number")
        }
        switch key {
        case "inbox": inbox = try string()
        case "state": state = try string()
        case "timeline": timeline = try string()
        case "max_file_bytes": maxFileBytes = try integer()
        case "batch_size": batchSize = try integer()
        case "shingle_size": engine.shingleSize = try integer()
        case "signature_slots": engine.signatureSlots = try integer()
        case "bands": engine.bands = try integer()
        case "rows": engine.rows = try integer()
        case "jaccard_threshold": engine.jaccardThreshold = try number()
        case "containment_threshold": engine.containmentThreshold = try number()
        case "minimum_containment_shingles": engine.minimumContainmentShingles = try integer()
        case "story_threshold": engine.storyThreshold = try number()
        case "headline_threshold": engine.headlineThreshold = try number()
        case "story_window_days": engine.storyWindowDays = try number()
        case "story_half_life_days": engine.storyHalfLifeDays = try number()
        case "horizon_days": engine.horizonDays = try number()
        case "boilerplate_stories": engine.boilerplateStories = try integer()
        case "retention_days": retentionDays = try number()
        default:
            throw DaemonConfigurationError(path: path, key: key, message: "\(key) is not a setting; the settings are: "
                + Self.keys.map(\.key).joined(separator: ", "))
        }
    }

    /// The bounds of the daemon's own numeric settings (the engine's are `EngineConfiguration.Bounds`).
    public enum Bounds {
        /// Up to 1 GiB: a file is read whole and prepared in memory, several times its size.
        public static let maxFileBytes = 1...(1 << 30)
        public static let batchSize = 1...100_000
    }

    /// Checks every value, by the same rules whether it came from the file or the command line.
    ///
    /// - Throws: `DaemonConfigurationError` for the first value that cannot work.
    public func validate() throws(DaemonConfigurationError) {
        do throws(ConfigurationError) {
            try engine.validate()
            try ConfigurationError.check(maxFileBytes, "max_file_bytes", in: Bounds.maxFileBytes,
                                         advice: "\(ArticleFile.defaultSizeLimit) is the default")
            try ConfigurationError.check(batchSize, "batch_size", in: Bounds.batchSize, advice: "512 is the default")
        } catch {
            throw DaemonConfigurationError(path: nil, key: error.key, message: error.description)
        }
        if let retentionDays {
            let horizon = engine.horizonDays
            guard retentionDays.isFinite, retentionDays >= horizon, retentionDays <= Self.maximumRetentionDays else {
                throw DaemonConfigurationError(path: nil, key: "retention_days", message: """
                    retention_days must be a finite number of days from horizon_days (\(Self.days(horizon))) to \
                    \(Self.days(Self.maximumRetentionDays)) (got \(Self.days(retentionDays))); a rebuild without the engine snapshot re-derives the indexes from \
                    the articles within the horizon, so they must still be there; leave it unset for horizon_days + \
                    \(Self.days(Self.retentionMarginDays))
                    """)
            }
        }
    }
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
