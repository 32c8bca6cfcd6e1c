import Foundation

/// How many stories and how many articles each term has appeared in, learned from the stream, for IDF
/// weights.
///
/// A term is as telling as the lesser of its two rarities, across stories and across articles. The
/// words of a beat (a party, a chamber, a president) appear across many stories: rare in no story's
/// favour, they weigh little even where each story holds few articles. A story's own name, in three
/// hundred headlines of one game, is common in articles but in one story only; counted over stories
/// alone it would be the rarest of evidence, and so would every word of a story that had drawn most of
/// the stream: its words would look rare because they were all in it, and it would draw the rest. Over
/// articles they are common, so no story can make its own words look rare. An article that joins a
/// story counts for the story frequency only the terms its story did not hold yet.
///
/// A young stream knows little: with five articles about one event, every word of that event looks
/// common. So both counts start from `priorDocuments` imaginary articles and stories in which no
/// content term appears; real counts take over as the stream grows.
public struct DocumentFrequencies: Sendable {
    /// Stories counted.
    public private(set) var stories = 0
    /// Articles counted.
    public private(set) var articles = 0
    /// Per term: the stories holding it in the high 32 bits, the articles in the low 32.
    private var counts = HashMap<UInt64>(minimumCapacity: 1 << 16)
    public let priorDocuments: Double
    public let capacity: Int

    public init(priorDocuments: Double = 100, capacity: Int = 2_000_000) {
        self.priorDocuments = priorDocuments
        self.capacity = capacity
    }

    /// Counts one more article holding `terms` (each once); a term counts for its story frequency too
    /// when `isNewToStory` says its story did not hold it yet. `startsStory` when the article starts one.
    public mutating func observe(_ terms: [UInt64], startsStory: Bool, isNewToStory: (UInt64) -> Bool) {
        if counts.count >= capacity { counts = counts.filter { $1 & 0xffff_ffff > 1 } }
        if startsStory { stories += 1 }
        articles += 1
        for term in terms { counts[term, default: 0] += startsStory || isNewToStory(term) ? 1 | 1 << 32 : 1 }
    }

    /// The inverse document frequency of `term`: the lesser of its rarity across stories and across
    /// articles; high for terms rare in both, low for common ones.
    public func idf(_ term: UInt64) -> Float {
        let held = counts[term] ?? 0
        let overStories = (Double(stories) + priorDocuments + 1) / (Double(held >> 32) + 1)
        let overArticles = (Double(articles) + priorDocuments + 1) / (Double(held & 0xffff_ffff) + 1)
        // The lesser of the two logarithms is the logarithm of the lesser ratio: one `log`, not two.
        return Float(log(min(overStories, overArticles)))
    }
}

/// An article's terms, weighted by (1 + ln tf) × idf and scaled to unit length; the heaviest first.
public struct TermVector: Sendable {
    public var terms: [(term: UInt64, weight: Float)]

    /// How many terms a vector keeps.
    static let maximumTerms = 100

    public init(_ bag: TermBag, frequencies: DocumentFrequencies) {
        var weighted = bag.counts.map { term, count in (term: term, weight: Self.termFrequency(count) * frequencies.idf(term)) }
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

    /// 1 + ln `count`: a count is a whole number (a title word counts `TermBag.titleWeight` times, a
    /// body word once), so the common ones come from a table rather than a `log` per term.
    static func termFrequency(_ count: Float) -> Float {
        let whole = Int(exactly: count) ?? 0
        return whole > 0 && whole < termFrequencies.count ? termFrequencies[whole] : 1 + log(count)
    }

    private static let termFrequencies: [Float] = (0..<256).map { 1 + log(Float($0)) }

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
        try writer.put(stories)
        try writer.put(articles)
        try counts.write(to: &writer)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        self.init()
        stories = try reader.get()
        articles = try reader.get()
        counts = try HashMap(from: &reader)
    }
}
