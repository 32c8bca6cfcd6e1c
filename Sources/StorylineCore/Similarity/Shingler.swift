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

    /// The hash of every run of `size` consecutive words, in text order, repeats included.
    ///
    /// A text shorter than a shingle still has one shingle, made of all its words, so that short
    /// texts (headlines) can match each other.
    public func shingleHashes(of tokens: [Token]) -> [UInt64] {
        var words: [UInt64] = []
        words.reserveCapacity(tokens.count)
        for token in tokens where !StopWords.set.contains(token.hash) {
            words.append(Spelling.canonicalize(token.hash))
        }
        if words.isEmpty { words = tokens.map(\.hash) }
        guard !words.isEmpty else { return [] }
        let width = min(size, words.count)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(words.count - width + 1)
        words.withUnsafeBufferPointer { words in
            for start in 0...(words.count - width) {
                var hash = UInt64(width)
                for offset in 0..<width { hash = Hashing.combine(hash, words[start + offset]) }
                hashes.append(Hashing.mix(hash))
            }
        }
        return hashes
    }
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

    init(sortedUnique: [UInt64]) { hashes = sortedUnique }

    public var count: Int { hashes.count }

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

    /// Exact overlap of two shingle sets.
    public func overlap(with other: ShingleSet) -> Overlap {
        Overlap(common: intersectionCount(with: other), leftCount: count, rightCount: other.count)
    }
}

/// How much two shingle sets share, measured exactly.
public struct Overlap: Sendable, Hashable {
    public var common: Int
    public var leftCount: Int
    public var rightCount: Int

    /// |A ∩ B| / |A ∪ B|.
    public var jaccard: Double {
        let union = leftCount + rightCount - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// |A ∩ B| / |A|: how much of the left text the right one holds.
    public var leftContainment: Double { leftCount == 0 ? 0 : Double(common) / Double(leftCount) }
    /// |A ∩ B| / |B|: how much of the right text the left one holds.
    public var rightContainment: Double { rightCount == 0 ? 0 : Double(common) / Double(rightCount) }
    /// How much of the shorter text the longer one holds.
    public var containmentOfShorter: Double { max(leftContainment, rightContainment) }
    /// The shingle count of the shorter text.
    public var shorterCount: Int { min(leftCount, rightCount) }
}
