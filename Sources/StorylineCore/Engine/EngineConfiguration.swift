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

    /// Checks every value, naming the key, what it was, and what to use instead.
    ///
    /// - Throws: `ConfigurationError` for the first value that cannot work.
    public func validate() throws(ConfigurationError) {
        func require(_ condition: Bool, _ key: String, _ value: some CustomStringConvertible, _ advice: String) throws(ConfigurationError) {
            if !condition { throw ConfigurationError(key: key, value: value.description, advice: advice) }
        }
        try require((1...16).contains(shingleSize), "shingle_size", shingleSize,
                    "use a whole number from 1 to 16 (5 suits news prose)")
        try require((8...1024).contains(signatureSlots), "signature_slots", signatureSlots,
                    "use a whole number from 8 to 1024 (128 is the default)")
        try require(bands >= 1, "bands", bands, "use at least 1 band (16 is the default)")
        try require(rows >= 1, "rows", rows, "use at least 1 row per band (8 is the default)")
        try require(bands * rows <= signatureSlots, "bands", bands,
                    "bands × rows (\(bands) × \(rows) = \(bands * rows)) must not exceed signature_slots "
                        + "(\(signatureSlots)): use fewer bands or rows, or more slots")
        try require(jaccardThreshold > 0 && jaccardThreshold <= 1, "jaccard_threshold", jaccardThreshold,
                    "use a number in (0, 1] (0.8 is the default)")
        try require(containmentThreshold > 0 && containmentThreshold <= 1, "containment_threshold",
                    containmentThreshold, "use a number in (0, 1] (0.9 is the default)")
        try require(minimumContainmentShingles >= 1, "minimum_containment_shingles", minimumContainmentShingles,
                    "use at least 1 (25 is the default)")
        try require((1...1024).contains(containmentSampling), "containment_sampling", containmentSampling,
                    "use a whole number from 1 to 1024 (16 is the default)")
        try require(storyThreshold > 0 && storyThreshold <= 1, "story_threshold", storyThreshold,
                    "use a number in (0, 1] (0.14 is the default)")
        try require(headlineThreshold > 0 && headlineThreshold <= 1, "headline_threshold", headlineThreshold,
                    "use a number in (0, 1] (0.2 is the default)")
        try require(storyWindowDays >= 0 && storyWindowDays <= 3650, "story_window_days", storyWindowDays,
                    "use a number of days from 0 to 3650 (2 is the default)")
        try require(storyHalfLifeDays > 0 && storyHalfLifeDays <= 3650, "story_half_life_days", storyHalfLifeDays,
                    "use a positive number of days up to 3650 (0.7 is the default)")
        try require(horizonDays.isFinite && horizonDays <= 36_500, "horizon_days", horizonDays,
                    "use a number of days up to 36500 (30 is the default)")
        try require(horizonDays >= storyDecay.candidacyDays, "horizon_days", horizonDays,
                    "the horizon must be at least the story window plus four half-lives "
                        + "(\(storyDecay.candidacyDays) days); 30 is the default")
        try require(boilerplateStories >= 2, "boilerplate_stories", boilerplateStories,
                    "use at least 2 (4 is the default)")
    }
}

/// A configuration value that cannot work.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var advice: String

    public var description: String { "invalid \(key) = \(value): \(advice)" }
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
