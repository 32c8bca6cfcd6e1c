/// Every tunable of the engine, with the defaults Storyline ships.
public struct EngineConfiguration: Sendable, Hashable {
    /// Words per shingle.
    public var shingleSize = 5
    /// MinHash slots per signature.
    public var signatureSlots = 128
    /// LSH bands; `bands × rows` slots must fit in the signature.
    public var bands = 16
    /// Slots per LSH band.
    public var rows = 8
    /// Exact Jaccard at or above which two texts are near-duplicates.
    public var jaccardThreshold = 0.8
    /// Share of the shorter text found in the longer at or above which they are near-duplicates.
    public var containmentThreshold = 0.9
    /// Shorter texts than this many shingles are judged by Jaccard only: containment of a few
    /// shingles says nothing.
    public var minimumContainmentShingles = 25
    /// One shingle in this many is filed in the containment index.
    public var containmentSampling = 16
    /// Similarity to a story at or above which a full-length article joins it: its average cosine
    /// with the story's articles.
    public var storyThreshold = 0.14
    /// Similarity to a story at or above which a headline joins it: its cosine with the story's
    /// profile. Texts in between full articles and headlines join in between
    /// (`StoryIndex.threshold(_:fullness:)`).
    public var headlineThreshold = 0.2
    /// An article this close in time to a story's coverage (days) is compared with it at full weight.
    public var storyWindowDays = 2.0
    /// Beyond the window, a story's similarity halves every this many days; four half-lives past the
    /// window the story takes no new article.
    public var storyHalfLifeDays = 0.7
    /// Coverage older than this (days behind the newest article) leaves the index.
    public var horizonDays = 30.0
    /// A short line seen in this many different stories is learned as furniture.
    public var boilerplateStories = 4

    public init() {}

    /// The story thresholds as the story index takes them.
    public var storyThresholds: StoryIndex.Thresholds {
        StoryIndex.Thresholds(full: storyThreshold, headline: headlineThreshold)
    }

    /// How a story's candidacy fades, as the story index takes it.
    public var storyDecay: StoryIndex.TimeDecay {
        StoryIndex.TimeDecay(windowDays: storyWindowDays, halfLifeDays: storyHalfLifeDays)
    }

    /// The bounds of each numeric setting: what the engine can hold and still mean something. Every
    /// product or conversion the engine makes of a setting (`bands × rows`, days to milliseconds, a gap in
    /// hours) stays far inside Int64 within them.
    public enum Bounds {
        public static let shingleSize = 1...16
        public static let signatureSlots = 8...1024
        public static let bands = 1...1024
        public static let rows = 1...1024
        public static let minimumContainmentShingles = 1...1_000_000
        public static let containmentSampling = 1...1024
        public static let boilerplateStories = 2...1_000_000
        public static let storyWindowDays = 0.0...3650
        public static let storyHalfLifeDays = 0.0...3650
        public static let horizonDays = 1.0...36_500
    }

    /// Checks every value, naming the key, what it was, and what it must be: each setting's rule, in
    /// the order of `settings`.
    ///
    /// Ranges are checked before any product of two settings is formed, so no accepted or refused
    /// value can overflow on the way.
    ///
    /// - Throws: `ConfigurationError` for the first value that cannot work.
    public func validate() throws(ConfigurationError) {
        let defaults = EngineConfiguration()
        for setting in Self.settings {
            try setting.check(self, defaults: defaults)
        }
    }
}

extension EngineConfiguration {
    /// Every tunable of the engine, each declared once: key, rule and what it does (the default is the
    /// property's initial value). Configuration files, command-line flags, `--help`, validation and the
    /// list in docs/configuration.md all come from this table; its order is the order of validation.
    public static let settings: [Setting<EngineConfiguration>] = [
        Setting("shingle_size", \.shingleSize, in: Bounds.shingleSize, "content words per shingle",
                advice: "5 suits news prose"),
        Setting("signature_slots", \.signatureSlots, in: Bounds.signatureSlots, "MinHash slots per signature"),
        Setting("bands", \.bands, in: Bounds.bands, "LSH bands; bands × rows must not exceed signature_slots"),
        // The product check belongs to the second factor: both are in range by then.
        Setting("rows", \.rows, in: Bounds.rows, "slots per LSH band", also: { configuration throws(ConfigurationError) in
            try configuration.checkBandsFitTheSignature()
        }),
        Setting("jaccard_threshold", \.jaccardThreshold, .share,
                "exact Jaccard of the shingle sets at or above which two texts are near-duplicates"),
        Setting("containment_threshold", \.containmentThreshold, .share,
                "share of the shorter text's words found in the longer at or above which they are near-duplicates"),
        Setting("minimum_containment_shingles", \.minimumContainmentShingles, in: Bounds.minimumContainmentShingles,
                "texts shorter than this many shingles are judged by Jaccard only"),
        Setting("containment_sampling", \.containmentSampling, in: Bounds.containmentSampling,
                "one shingle in this many is filed in the containment index"),
        Setting("story_threshold", \.storyThreshold, .share,
                "average cosine with a story's articles at or above which a full article joins it"),
        Setting("headline_threshold", \.headlineThreshold, .share,
                "cosine with a story's profile at or above which a headline joins it"),
        Setting("story_window_days", \.storyWindowDays, .days(Bounds.storyWindowDays, aboveLower: false),
                "days around a story's coverage within which an article is compared at full weight"),
        Setting("story_half_life_days", \.storyHalfLifeDays, .days(Bounds.storyHalfLifeDays, aboveLower: true),
                "beyond the window, days in which a story's similarity halves"),
        Setting("horizon_days", \.horizonDays, .days(Bounds.horizonDays, aboveLower: false),
                "days after which coverage leaves the index; at least story_window_days + 4 × story_half_life_days",
                also: { configuration throws(ConfigurationError) in try configuration.checkHorizonCoversCandidacy() }),
        Setting("boilerplate_stories", \.boilerplateStories, in: Bounds.boilerplateStories,
                "a short line seen in this many different stories is learned as furniture"),
    ]

    /// `bands × rows` slots must fit in the signature; called once both are known to be in range.
    private func checkBandsFitTheSignature() throws(ConfigurationError) {
        let mostBands = signatureSlots / rows
        if bands > mostBands {
            throw ConfigurationError(
                key: "bands", value: "\(bands)",
                requirement: "at most \(mostBands), so that bands × rows (\(bands) × \(rows) = \(bands * rows)) does not exceed "
                    + "signature_slots (\(signatureSlots))",
                advice: "use fewer bands or rows, or more slots")
        }
    }

    /// The horizon must outlast the longest a story takes new articles.
    private func checkHorizonCoversCandidacy() throws(ConfigurationError) {
        if horizonDays < storyDecay.candidacyDays {
            throw ConfigurationError(
                key: "horizon_days", value: "\(horizonDays)",
                requirement: "at least story_window_days + 4 × story_half_life_days (\(storyWindowDays) + 4 × "
                    + "\(storyHalfLifeDays) = \(storyDecay.candidacyDays) days), the longest a story takes new articles",
                advice: "30 is the default")
        }
    }
}

/// A configuration value that cannot work: which setting, what it was, and what it must be.
///
/// Every setting's message reads the same way: `horizon_days must be a finite number of days from 1 to
/// 36500 (got inf); 30 is the default`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The setting, as the configuration file spells it.
    public var key: String
    /// The value given, as text.
    public var value: String
    /// What the value must be: "a whole number from 1 to 16".
    public var requirement: String
    /// What to do, or what the default is.
    public var advice: String?

    public init(key: String, value: String, requirement: String, advice: String? = nil) {
        self.key = key
        self.value = value
        self.requirement = requirement
        self.advice = advice
    }

    public var description: String {
        "\(key) must be \(requirement) (got \(value))" + (advice.map { "; \($0)" } ?? "")
    }

    /// Throws unless the whole number `value` lies in `range`.
    public static func check(_ value: Int, _ key: String, in range: ClosedRange<Int>, advice: String? = nil) throws(ConfigurationError) {
        guard range.contains(value) else {
            throw ConfigurationError(key: key, value: "\(value)",
                                     requirement: "a whole number from \(range.lowerBound) to \(range.upperBound)", advice: advice)
        }
    }

    /// Throws unless `value` is a finite number of days in `range` (above its lower bound, if `aboveLower`).
    static func check(_ value: Double, _ key: String, days range: ClosedRange<Double>, aboveLower: Bool = false,
                      advice: String? = nil) throws(ConfigurationError) {
        let lowerHolds = aboveLower ? value > range.lowerBound : value >= range.lowerBound
        guard value.isFinite, lowerHolds, value <= range.upperBound else {
            let lower = aboveLower ? "above \(shown(range.lowerBound)) and at most" : "from \(shown(range.lowerBound)) to"
            throw ConfigurationError(key: key, value: "\(value)",
                                     requirement: "a finite number of days \(lower) \(shown(range.upperBound))", advice: advice)
        }
    }

    /// Throws unless `value` is a number above 0 and at most 1.
    static func check(_ value: Double, _ key: String, aboveZeroToOne advice: String) throws(ConfigurationError) {
        guard value > 0, value <= 1 else {
            throw ConfigurationError(key: key, value: "\(value)", requirement: "a number above 0 and at most 1", advice: advice)
        }
    }

    /// 36500.0 as "36500".
    private static func shown(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

extension EngineConfiguration {
    func write(to writer: inout SnapshotWriter) throws {
        for value in [shingleSize, signatureSlots, bands, rows, minimumContainmentShingles, containmentSampling, boilerplateStories] {
            try writer.put(value)
        }
        for value in [jaccardThreshold, containmentThreshold, storyThreshold, headlineThreshold, storyWindowDays,
                      storyHalfLifeDays, horizonDays] {
            try writer.put(value)
        }
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        shingleSize = try reader.get()
        signatureSlots = try reader.get()
        bands = try reader.get()
        rows = try reader.get()
        minimumContainmentShingles = try reader.get()
        containmentSampling = try reader.get()
        boilerplateStories = try reader.get()
        jaccardThreshold = try reader.get()
        containmentThreshold = try reader.get()
        storyThreshold = try reader.get()
        headlineThreshold = try reader.get()
        storyWindowDays = try reader.get()
        storyHalfLifeDays = try reader.get()
        horizonDays = try reader.get()
    }
}
