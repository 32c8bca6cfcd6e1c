/// A story's summed term weights, as two arrays sorted by term: 8 bytes a term.
///
/// A profile holds at most a few hundred terms and most stories hold one article's hundred, so a
/// sorted list costs a tenth of a hash table sized for the worst case, and a lookup is a binary search
/// over a few hundred entries. Terms are kept as their hash folded to 32 bits: two of a profile's few
/// hundred terms folding alike is a chance of about one in a hundred thousand per profile, and only
/// blurs their two weights.
struct TermWeights: Sendable {
    private(set) var terms: [UInt32] = []
    private(set) var weights: [Float] = []

    var count: Int { terms.count }

    /// The weight of `term`, if the profile holds it.
    func weight(of term: UInt64) -> Float? {
        let term = Hashing.fold(term)
        var low = 0, high = terms.count
        while low < high {
            let middle = (low + high) / 2
            if terms[middle] < term { low = middle + 1 } else { high = middle }
        }
        return low < terms.count && terms[low] == term ? weights[low] : nil
    }

    /// Adds each weight to its term's, inserting the terms not held yet.
    mutating func add(_ vector: [(term: UInt64, weight: Float)]) {
        let added = vector.map { (term: Hashing.fold($0.term), weight: $0.weight) }.sorted { $0.term < $1.term }
        var mergedTerms: [UInt32] = []
        var mergedWeights: [Float] = []
        mergedTerms.reserveCapacity(terms.count + added.count)
        mergedWeights.reserveCapacity(terms.count + added.count)
        var i = 0, j = 0
        while i < terms.count || j < added.count {
            if j == added.count || (i < terms.count && terms[i] < added[j].term) {
                mergedTerms.append(terms[i]); mergedWeights.append(weights[i]); i += 1
            } else if i == terms.count || added[j].term < terms[i] {
                mergedTerms.append(added[j].term); mergedWeights.append(added[j].weight); j += 1
            } else {
                mergedTerms.append(terms[i]); mergedWeights.append(weights[i] + added[j].weight); i += 1; j += 1
            }
        }
        terms = mergedTerms
        weights = mergedWeights
    }

    /// Keeps the `count` heaviest terms (ties by term, so the same in every run).
    mutating func keepHeaviest(_ count: Int) {
        guard terms.count > count else { return }
        let kept = terms.indices.sorted { weights[$0] > weights[$1] || (weights[$0] == weights[$1] && terms[$0] < terms[$1]) }
            .prefix(count).sorted()
        terms = kept.map { terms[$0] }
        weights = kept.map { weights[$0] }
    }

    /// The Euclidean length of the weights.
    var norm: Float { weights.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }
}

extension TermWeights {
    func write(to writer: inout SnapshotWriter) throws {
        try writer.put(terms)
        try writer.put(weights)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        terms = try reader.get()
        weights = try reader.get()
        try reader.require(terms.count == weights.count, "a story profile's terms and weights")
    }
}
