import Foundation
@testable import StorylineCore

/// Deterministic pseudo-random numbers (SplitMix64), so no test depends on luck.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

enum Fixtures {
    /// The repository's seeds/ folder.
    static let seedsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("seeds")

    static func seedNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: seedsDirectory.path).filter { $0.hasSuffix(".txt") }.sorted()
    }

    static func seed(_ index: Int) throws -> String {
        let name = try seedNames()[index]
        return try String(contentsOf: seedsDirectory.appendingPathComponent(name), encoding: .utf8)
    }

    /// An unrelated article, written for the tests.
    static let weatherStory = """
        Heavy snow closed mountain passes across the Alps on Sunday, stranding hundreds of skiers in \
        resort villages as avalanche warnings reached their highest level of the season.

        Rescue teams in Switzerland and Austria used helicopters to reach hikers caught above the tree \
        line, while railway operators suspended services through several valleys after drifts buried \
        the tracks overnight.

        Forecasters expect another metre of fresh snow by Tuesday, with gale-force winds pushing drifts \
        against chalets and blocking the roads that connect remote hamlets to the lowlands.

        Tourism officials urged visitors to stay indoors and follow local instructions, saying the \
        storm was the fiercest since the winter of 1999, when a series of avalanches destroyed villages \
        in the Tyrol and forced the evacuation of thousands of holidaymakers by air.
        """

    /// A submission built from plain text, as the parser and tokenizer would make it.
    static func submission(
        title: String = "", body: String, sha256: String? = nil, time: Timestamp = Timestamp(millisecondsSinceEpoch: 0),
        tokenizer: inout Tokenizer
    ) -> Submission {
        Submission(
            title: tokenizer.tokenize(title), body: tokenizer.tokenize(body),
            sha256: sha256 ?? String(body.hashValue), time: time)
    }
}
