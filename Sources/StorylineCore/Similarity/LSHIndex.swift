/// Banded locality-sensitive hashing over MinHash signatures.
///
/// The signature is cut into `bands` bands of `rows` slots; two texts become candidates when all
/// slots of at least one band agree. With 16 bands of 8 rows a pair at Jaccard 0.85 is found with
/// probability 1 - (1 - 0.85⁸)¹⁶ ≈ 0.994, and a pair at 0.3 with probability 0.001.
public struct LSHIndex: Sendable {
    public let bands: Int
    public let rows: Int
    private var postings = PostingTable()

    public init(bands: Int, rows: Int) {
        precondition(bands >= 1 && rows >= 1, "LSH shape is validated by EngineConfiguration")
        self.bands = bands
        self.rows = rows
    }

    /// Postings held: one per article and band.
    public var postingCount: Int { postings.count }

    /// The key of band `band` of `signature`.
    @inline(__always)
    func bandKey(_ signature: Signature, band: Int) -> UInt32 {
        Self.bandKey(signature, band: band, rows: rows)
    }

    @inline(__always)
    static func bandKey(_ signature: Signature, band: Int, rows: Int) -> UInt32 {
        var hash = Hashing.mix(UInt64(band) &+ 1)
        let first = band * rows
        for slot in first..<first + rows { hash = Hashing.combine(hash, UInt64(signature.values[slot])) }
        return Hashing.fold(Hashing.mix(hash))
    }

    /// The key of every band of `signature`: what an article is filed under, and removed by.
    public func bandKeys(_ signature: Signature) -> [UInt32] {
        Self.bandKeys(signature, bands: bands, rows: rows)
    }

    /// The band keys of `signature` in an index of that shape (no index needed).
    static func bandKeys(_ signature: Signature, bands: Int, rows: Int) -> [UInt32] {
        (0..<bands).map { bandKey(signature, band: $0, rows: rows) }
    }

    /// Files `article` under every band key.
    public mutating func insert(_ article: UInt32, bandKeys: [UInt32]) {
        for key in bandKeys { postings.insert(article, under: key) }
    }

    /// Removes `article`, which was filed under `bandKeys`.
    public mutating func remove(_ article: UInt32, bandKeys: [UInt32]) {
        for key in bandKeys { postings.remove(article, under: key) }
    }

    /// Every article that shares at least one band key, each once.
    public func candidates(for bandKeys: [UInt32]) -> Set<UInt32> {
        var found: Set<UInt32> = []
        for key in bandKeys { postings.forEach(under: key) { found.insert($0) } }
        return found
    }
}

extension LSHIndex {
    func write(to writer: inout SnapshotWriter) throws {
        try postings.write(to: &writer)
    }

    init(bands: Int, rows: Int, from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init(bands: bands, rows: rows)
        postings = try PostingTable(from: &reader)
    }
}
