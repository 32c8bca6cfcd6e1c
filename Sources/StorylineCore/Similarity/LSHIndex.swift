/// Banded locality-sensitive hashing over MinHash signatures.
///
/// The signature is cut into `bands` bands of `rows` slots; two texts become candidates when all
/// slots of at least one band agree. With 16 bands of 8 rows a pair at Jaccard 0.85 is found with
/// probability 1 - (1 - 0.85⁸)¹⁶ ≈ 0.994, and a pair at 0.3 with probability 0.001.
public struct LSHIndex: Sendable {
    public let bands: Int
    public let rows: Int
    private var buckets: [UInt64: [UInt32]] = [:]

    public init(bands: Int, rows: Int) {
        precondition(bands >= 1 && rows >= 1, "LSH shape is validated by EngineConfiguration")
        self.bands = bands
        self.rows = rows
    }

    /// Number of distinct band keys held.
    public var bucketCount: Int { buckets.count }

    /// The key of band `band` of `signature`.
    @inline(__always)
    func bandKey(_ signature: Signature, band: Int) -> UInt64 {
        var hash = Hashing.mix(UInt64(band) &+ 1)
        let first = band * rows
        for slot in first..<first + rows { hash = Hashing.combine(hash, UInt64(signature.values[slot])) }
        return Hashing.mix(hash)
    }

    /// Files `article` under every band of `signature`.
    public mutating func insert(_ article: UInt32, signature: Signature) {
        for band in 0..<bands {
            buckets[bandKey(signature, band: band), default: []].append(article)
        }
    }

    /// Removes `article`, which was inserted with `signature`.
    public mutating func remove(_ article: UInt32, signature: Signature) {
        for band in 0..<bands {
            let key = bandKey(signature, band: band)
            guard var members = buckets[key] else { continue }
            members.removeAll { $0 == article }
            buckets[key] = members.isEmpty ? nil : members
        }
    }

    /// Every article that shares at least one band with `signature`, each once.
    public func candidates(for signature: Signature) -> Set<UInt32> {
        var found: Set<UInt32> = []
        for band in 0..<bands {
            if let members = buckets[bandKey(signature, band: band)] { found.formUnion(members) }
        }
        return found
    }
}
