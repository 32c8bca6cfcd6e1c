/// Word k-shingles, hashed to 64 bits straight from the word hashes: no string is built per shingle.
///
/// Shingles are made of content words: stop words (function words, reporting verbs, honorifics) are
/// skipped, so that copy-edits on them ("said" to "told reporters", "Mr." dropped) leave a copy's
/// shingles intact; words with several spellings are shingled in one (`Spelling`). A text of stop
/// words alone is shingled as it is.
public struct Shingler: Sendable {
    /// Words per shingle.
    public let size: Int

    public init(size: Int) {
        precondition(size >= 1, "shingle size is validated by EngineConfiguration")
        self.size = size
    }

    /// The shingles of `tokens` in reading order.
    ///
    /// A text shorter than a shingle still has one shingle, made of all its words, so that short
    /// texts (headlines) can match each other.
    public func fingerprint(of tokens: [Token]) -> Fingerprint {
        var words: [UInt64] = []
        words.reserveCapacity(tokens.count)
        for token in tokens {
            if let word = Lexicon.content(token.hash) { words.append(word) }
        }
        if words.isEmpty { words = tokens.map(\.hash) }
        guard !words.isEmpty else { return Fingerprint(sequence: [], width: size) }
        let width = min(size, words.count)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(words.count - width + 1)
        // A polynomial rolling hash over the window (mod 2⁶⁴), finished by a mixer: two multiplies per
        // shingle whatever its width.
        let multiplier = Hashing.golden | 1
        var leading: UInt64 = 1  // multiplier^(width - 1), the weight of the word leaving the window
        for _ in 1..<max(width, 1) { leading &*= multiplier }
        words.withUnsafeBufferPointer { words in
            var rolling: UInt64 = 0
            for index in 0..<width { rolling = rolling &* multiplier &+ words[index] }
            hashes.append(Hashing.mix(rolling ^ UInt64(width)))
            var index = width
            while index < words.count {
                rolling = (rolling &- words[index - width] &* leading) &* multiplier &+ words[index]
                hashes.append(Hashing.mix(rolling ^ UInt64(width)))
                index += 1
            }
        }
        return Fingerprint(sequence: hashes, width: width)
    }
}

/// A text's shingles in reading order: what both exact measures are computed from.
public struct Fingerprint: Sendable, Hashable {
    /// Shingle hashes, one per position, repeats included.
    public let sequence: [UInt64]
    /// Words per shingle in this text (fewer than the shingle size for very short texts).
    public let width: Int

    public init(sequence: [UInt64], width: Int) {
        self.sequence = sequence
        self.width = width
    }

    /// The content words the shingles span.
    public var wordCount: Int { sequence.isEmpty ? 0 : sequence.count + width - 1 }

    /// The distinct shingles, sorted.
    public var set: ShingleSet { ShingleSet(sequence) }

    /// The share of this text's content words that lie in at least one shingle `other` also has.
    ///
    /// A copy-edited word breaks every shingle it is part of, but the words around it stay covered by
    /// the shingles on either side, so coverage falls by about the share of words edited, where the
    /// share of shared shingles falls by up to `width` times as much.
    public func coverage(in other: ShingleSet) -> Double {
        coverage(sharing: SharedShingles(set.intersection(with: other)))
    }

    /// Coverage given the shingles this text shares with the other (see `coverage(in:)`).
    func coverage(sharing shared: SharedShingles) -> Double {
        guard !sequence.isEmpty, !shared.isEmpty else { return 0 }
        var covered = 0
        var lastMatch = Int.min
        for word in 0..<wordCount {
            // The shingle at `word` (if any) is the last one that can cover it.
            if word < sequence.count, shared.contains(sequence[word]) { lastMatch = word }
            if lastMatch != Int.min && word - lastMatch < width { covered += 1 }
        }
        return Double(covered) / Double(wordCount)
    }
}

/// A fingerprint as the engine keeps it for every indexed article: the low 32 bits of each shingle
/// hash, 4 bytes a shingle, the distinct set sorted again when a comparison needs it.
///
/// Both sides of every exact comparison are cut to these bits, so a decision never depends on which
/// side was kept. Two texts of 1,000 shingles share a 32-bit value by chance with odds of about
/// 1 in 4,000: one shingle in a thousand, far below what moves a measure across its threshold.
public struct CompactFingerprint: Sendable, Hashable {
    public let sequence: [UInt32]
    public let width: Int

    public init(_ fingerprint: Fingerprint) {
        sequence = fingerprint.sequence.map { UInt32(truncatingIfNeeded: $0) }
        width = fingerprint.width
    }

    public init(sequence: [UInt32], width: Int) {
        self.sequence = sequence
        self.width = width
    }

    /// The fingerprint over the kept bits, as comparisons see it.
    public var fingerprint: Fingerprint { Fingerprint(sequence: sequence.map(UInt64.init), width: width) }
}

extension Overlap {
    /// The overlap of two kept fingerprints.
    public init(_ left: CompactFingerprint, _ right: CompactFingerprint) {
        let left = left.fingerprint, right = right.fingerprint
        self.init(left, left.set, right, right.set)
    }
}

/// The shingles two texts share, for constant-time membership while walking one text.
struct SharedShingles {
    private let table: WordTable
    let count: Int

    init(_ hashes: [UInt64]) {
        table = WordTable(hashes.map { ($0, 1) })
        count = hashes.count
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool { table.value(for: hash) != nil }
}

/// The distinct shingle hashes of a text, sorted, for exact set comparison.
public struct ShingleSet: Sendable, Hashable {
    public let hashes: [UInt64]

    public init(_ shingleHashes: [UInt64]) {
        var sorted = shingleHashes
        sorted.sort()
        var unique = 0
        for index in sorted.indices where index == 0 || sorted[index] != sorted[unique - 1] {
            sorted[unique] = sorted[index]
            unique += 1
        }
        sorted.removeLast(sorted.count - unique)
        hashes = sorted
    }

    public var count: Int { hashes.count }

    /// |A ∩ B| / |A ∪ B|.
    public func jaccard(with other: ShingleSet) -> Double {
        let common = intersectionCount(with: other)
        let union = count + other.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// The shingles both sets hold, sorted.
    public func intersection(with other: ShingleSet) -> [UInt64] {
        var shared: [UInt64] = []
        hashes.withUnsafeBufferPointer { left in
            other.hashes.withUnsafeBufferPointer { right in
                var i = 0, j = 0
                while i < left.count && j < right.count {
                    let a = left[i], b = right[j]
                    if a == b { shared.append(a); i += 1; j += 1 } else if a < b { i += 1 } else { j += 1 }
                }
            }
        }
        return shared
    }

    /// The number of shingles both sets hold.
    public func intersectionCount(with other: ShingleSet) -> Int {
        hashes.withUnsafeBufferPointer { left in
            other.hashes.withUnsafeBufferPointer { right in
                var i = 0, j = 0, common = 0
                while i < left.count && j < right.count {
                    let a = left[i], b = right[j]
                    if a == b { common += 1; i += 1; j += 1 } else if a < b { i += 1 } else { j += 1 }
                }
                return common
            }
        }
    }
}

/// How much two texts share, measured exactly on their shingles.
public struct Overlap: Sendable, Hashable {
    /// Distinct shingles both texts hold.
    public var common: Int
    public var leftShingles: Int
    public var rightShingles: Int
    public var leftWords: Int
    public var rightWords: Int
    /// Share of the left text's words that the right text holds (see `Fingerprint.coverage(in:)`).
    public var leftContainment: Double
    /// Share of the right text's words that the left text holds.
    public var rightContainment: Double

    public init(_ left: Fingerprint, _ leftSet: ShingleSet, _ right: Fingerprint, _ rightSet: ShingleSet) {
        let shared = SharedShingles(leftSet.intersection(with: rightSet))
        common = shared.count
        leftShingles = leftSet.count
        rightShingles = rightSet.count
        leftWords = left.wordCount
        rightWords = right.wordCount
        leftContainment = left.coverage(sharing: shared)
        rightContainment = right.coverage(sharing: shared)
    }

    /// |A ∩ B| / |A ∪ B| of the shingle sets.
    public var jaccard: Double {
        let union = leftShingles + rightShingles - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// Whether the left text is the shorter one (by words).
    public var leftIsShorter: Bool { leftWords <= rightWords }
    /// How much of the shorter text the longer one holds.
    public var containmentOfShorter: Double { leftIsShorter ? leftContainment : rightContainment }
    /// The distinct shingle count of the shorter text.
    public var shorterShingles: Int { leftIsShorter ? leftShingles : rightShingles }
}
