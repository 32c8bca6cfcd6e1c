/// Finds texts that hold most of another text: truncated, excerpted or extended copies.
///
/// MinHash LSH looks for similar sets, so a copy cut to half of its original (Jaccard 0.5) is
/// mostly missed. This index files each text under a fixed sample of its shingles, those whose hash
/// falls in one of `sampling` buckets. Sampling by hash value is consistent: the sample of a prefix is
/// the prefix of the sample. A text is a candidate when it shares at least half of the shorter
/// sample. Samples shared by very many texts (recurring phrases) stop growing at `maximumPostings`.
public struct ContainmentIndex: Sendable {
    public let sampling: UInt64
    public let maximumPostings: Int
    private var postings = PostingTable()
    private var sampleCounts: [UInt32: Int] = [:]

    public init(sampling: Int, maximumPostings: Int = 64) {
        precondition(sampling >= 1, "sampling is validated by EngineConfiguration")
        self.sampling = UInt64(sampling)
        self.maximumPostings = maximumPostings
    }

    /// The sampled shingles of a set.
    public func sample(of shingles: ShingleSet) -> [UInt32] {
        Self.sample(of: shingles, sampling: sampling)
    }

    /// The sampled shingles of a set, one in `sampling` (no index needed).
    static func sample(of shingles: ShingleSet, sampling: UInt64) -> [UInt32] {
        shingles.hashes.lazy.filter { Hashing.mix($0 ^ 0x5bd1_e995_5bd1_e995) % sampling == 0 }.map(Hashing.fold)
    }

    public mutating func insert(_ article: UInt32, sample: [UInt32]) {
        sampleCounts[article] = sample.count
        for hash in sample { postings.insert(article, under: hash, limit: maximumPostings) }
    }

    public mutating func remove(_ article: UInt32, sample: [UInt32]) {
        sampleCounts[article] = nil
        for hash in sample { postings.remove(article, under: hash) }
    }

    /// Articles that share at least half of the smaller of the two samples.
    public func candidates(for sample: [UInt32]) -> [UInt32] {
        guard !sample.isEmpty else { return [] }
        var shared: [UInt32: Int] = [:]
        for hash in sample {
            postings.forEach(under: hash) { shared[$0, default: 0] += 1 }
        }
        return shared.compactMap { article, common in
            let smaller = min(sample.count, sampleCounts[article] ?? 0)
            return common * 2 >= smaller ? article : nil
        }
    }
}

extension ContainmentIndex {
    func write(to writer: inout SnapshotWriter) throws {
        try postings.write(to: &writer)
        let articles = sampleCounts.keys.sorted()
        try writer.put(articles)
        try writer.put(articles.map { sampleCounts[$0]! })
    }

    init(sampling: Int, from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init(sampling: sampling)
        postings = try PostingTable(from: &reader)
        let articles: [UInt32] = try reader.get(), counts: [Int] = try reader.get()
        try reader.require(articles.count == counts.count, "containment sample counts")
        sampleCounts = Dictionary(uniqueKeysWithValues: zip(articles, counts))
    }
}
