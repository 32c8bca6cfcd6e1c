/// A multimap from hash keys to article numbers, in two flat arrays: 8 bytes a posting.
///
/// The LSH and containment indexes file every article under a few dozen keys, and most keys hold
/// one article; a dictionary of arrays would pay a heap allocation and its header for each. Here a
/// posting is a slot of an open-addressing table (linear probing, keys repeated once per article),
/// and removal shifts the probe run back, so no slot is ever a tombstone. Key 0 marks an empty slot,
/// so a key of 0 is filed as 1.
///
/// Keys are 32-bit: the indexes fold their 64-bit hashes (`Hashing.fold(_:)`). Two hashes that fold alike
/// only add a candidate, and every candidate is verified against its shingles; at a million articles
/// (48 million postings) that is a few spurious candidates per hundred arrivals, for a third less
/// memory.
struct PostingTable: Sendable {
    private var keys: [UInt32]
    private var articles: [UInt32]
    private(set) var count = 0

    init() {
        keys = [UInt32](repeating: 0, count: 16)
        articles = [UInt32](repeating: 0, count: 16)
    }

    @inline(__always)
    private static func stored(_ key: UInt32) -> UInt32 { key == 0 ? 1 : key }

    @inline(__always)
    private func home(of key: UInt32) -> Int { Int(truncatingIfNeeded: key) & (keys.count - 1) }

    /// Files `article` under `key` unless `key` already holds `limit` articles; says whether it did.
    @discardableResult
    mutating func insert(_ article: UInt32, under key: UInt32, limit: Int = .max) -> Bool {
        insertCounting(article, under: key, limit: limit) != nil
    }

    /// `insert(_:under:limit:)`, returning how many articles `key` holds with this one, or nil when it
    /// already held `limit` (the probe run is walked once either way).
    @discardableResult
    mutating func insertCounting(_ article: UInt32, under key: UInt32, limit: Int = .max) -> Int? {
        let key = Self.stored(key)
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let mask = keys.count - 1
        var index = home(of: key)
        var held = 0
        while keys[index] != 0 {
            if keys[index] == key {
                held += 1
                if held >= limit { return nil }
            }
            index = (index + 1) & mask
        }
        keys[index] = key
        articles[index] = article
        count += 1
        return held + 1
    }

    /// Removes the posting of `article` under `key`, if there is one.
    mutating func remove(_ article: UInt32, under key: UInt32) {
        let key = Self.stored(key)
        let mask = keys.count - 1
        var index = home(of: key)
        while keys[index] != 0 && !(keys[index] == key && articles[index] == article) { index = (index + 1) & mask }
        guard keys[index] != 0 else { return }
        // Backward shift: move later members of the probe run into the hole while their home allows it.
        var hole = index
        var next = (hole + 1) & mask
        while keys[next] != 0 {
            let distanceFromHome = (next - home(of: keys[next])) & mask
            let distanceFromHole = (next - hole) & mask
            if distanceFromHome >= distanceFromHole {
                keys[hole] = keys[next]
                articles[hole] = articles[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        keys[hole] = 0
        count -= 1
    }

    /// Calls `body` with every article filed under `key`.
    @inline(__always)
    func forEach(under key: UInt32, _ body: (UInt32) -> Void) {
        let key = Self.stored(key)
        let mask = keys.count - 1
        var index = home(of: key)
        while keys[index] != 0 {
            if keys[index] == key { body(articles[index]) }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldArticles = articles
        keys = [UInt32](repeating: 0, count: oldKeys.count * 2)
        articles = [UInt32](repeating: 0, count: oldKeys.count * 2)
        count = 0
        for index in oldKeys.indices where oldKeys[index] != 0 { insert(oldArticles[index], under: oldKeys[index]) }
    }
}

extension PostingTable {
    func write(to writer: inout SnapshotWriter) throws {
        try writer.put(keys)
        try writer.put(articles)
        try writer.put(count)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        keys = try reader.get()
        articles = try reader.get()
        count = try reader.get()
        try reader.require(keys.count == articles.count && keys.count.nonzeroBitCount == 1 && (0..<keys.count).contains(count),
                           "a posting table of \(keys.count) slots holding \(count)")
    }
}
