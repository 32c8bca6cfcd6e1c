import Foundation

/// How many stories each term has appeared in, learned from the stream, for IDF weights.
///
/// A term counts once per story, not once per article: a story that draws three hundred headlines
/// about one game makes the game's name common in articles, yet it is the rarest of evidence for any
/// other story; the words of a beat (a party, a chamber, a president) appear across many stories and
/// weigh little. So the "documents" are stories, and an article that joins a story adds only the
/// terms its story did not hold yet.
///
/// A young stream knows little: with five articles about one event, every word of that event looks
/// common. So the counts start from `priorDocuments` imaginary stories in which no content term
/// appears; real counts take over as the stream grows.
public struct DocumentFrequencies: Sendable {
    /// Stories counted.
    public private(set) var documents = 0
    private var counts = HashMap<UInt32>(minimumCapacity: 1 << 16)
    public let priorDocuments: Double
    public let capacity: Int

    public init(priorDocuments: Double = 100, capacity: Int = 2_000_000) {
        self.priorDocuments = priorDocuments
        self.capacity = capacity
    }

    /// Counts `terms` (each once) as appearing in one more story; `newStory` when they start one.
    public mutating func observe<Terms: Sequence<UInt64>>(_ terms: Terms, newStory: Bool) {
        if counts.count >= capacity { counts = counts.filter { $1 > 1 } }
        if newStory { documents += 1 }
        for term in terms { counts[term, default: 0] += 1 }
    }

    /// The inverse document frequency of `term`: high for rare terms, low for common ones.
    public func idf(_ term: UInt64) -> Float {
        let frequency = Double(counts[term] ?? 0)
        return Float(log((Double(documents) + priorDocuments + 1) / (frequency + 1)))
    }
}

/// An article's terms, weighted by (1 + ln tf) × idf and scaled to unit length; the heaviest first.
public struct TermVector: Sendable {
    public var terms: [(term: UInt64, weight: Float)]

    /// How many terms a vector keeps.
    static let maximumTerms = 100

    public init(_ bag: TermBag, frequencies: DocumentFrequencies) {
        var weighted = bag.counts.entries.map { term, count in (term: term, weight: (1 + log(count)) * frequencies.idf(term)) }
        // The heaviest first, ties by term: a strict order, so the terms kept are the same in every run.
        let heavier = { (a: (term: UInt64, weight: Float), b: (term: UInt64, weight: Float)) in
            a.weight > b.weight || (a.weight == b.weight && a.term < b.term)
        }
        if weighted.count > Self.maximumTerms {
            weighted.moveFirst(Self.maximumTerms, by: heavier)
            weighted.removeLast(weighted.count - Self.maximumTerms)
        }
        weighted.sort(by: heavier)
        let norm = weighted.reduce(Float(0)) { $0 + $1.weight * $1.weight }.squareRoot()
        terms = norm > 0 ? weighted.map { ($0.term, $0.weight / norm) } : []
    }

    /// Cosine similarity with another unit vector.
    public func cosine(with other: TermVector) -> Double {
        let lookup = Dictionary(other.terms.map { ($0.term, $0.weight) }, uniquingKeysWith: +)
        return Double(terms.reduce(Float(0)) { $0 + $1.weight * (lookup[$1.term] ?? 0) })
    }
}

extension Array {
    /// Moves the `count` first elements in `areInIncreasingOrder` to the front, in no particular order
    /// (quickselect): what a full sort would put there, at a fraction of its cost.
    mutating func moveFirst(_ count: Int, by areInIncreasingOrder: (Element, Element) -> Bool) {
        guard count > 0, count < self.count else { return }
        let target = count - 1
        var low = 0, high = self.count - 1
        while low < high {
            let pivot = self[low + (high - low) / 2]
            var i = low, j = high
            while i <= j {
                while areInIncreasingOrder(self[i], pivot) { i += 1 }
                while areInIncreasingOrder(pivot, self[j]) { j -= 1 }
                if i <= j {
                    swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                return
            }
        }
    }
}

extension DocumentFrequencies {
    func write(to writer: inout SnapshotWriter) throws {
        try writer.put(documents)
        try counts.write(to: &writer)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        documents = try reader.get()
        counts = try HashMap(from: &reader)
    }
}
