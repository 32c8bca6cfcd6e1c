/// Words that carry no content: function words, reporting verbs and news filler.
///
/// They are skipped both when shingling and when weighing terms. For shingles this is what makes
/// copy-edited copies match: editors change "said on Friday" to "told reporters Friday", drop "Mr.",
/// swap "nearly" for "almost"; with these words skipped such edits leave the shingles untouched.
enum StopWords {
    static let hashes = words.split(separator: " ").map { Hashing.word($0) }

    private static let words = """
    a about above after again against all almost also although am among an and another any are around as \
    at be because been before being below between both but by can cannot could did do does doing done down \
    during each either else even ever every few for from further get gets got had has have having he her \
    here hers herself him himself his how however i if in into is it its itself just least less like made \
    make many may me might more most much must my myself neither no nor not now of off often on once one \
    only or other others our ours ourselves out over own per perhaps quite rather really s same say says \
    said she should since so some such t than that the their theirs them themselves then there these they \
    this those though through thus to too toward towards under until up upon us very via was we well were \
    what when where whether which while who whom whose why will with within without would yet you your \
    yours yourself yourselves mr mrs ms dr told reporters according including also nearly roughly \
    approximately following added noted stated explained informed several numerous u percent cent re ve ll d m don didn doesn isn \
    wasn aren weren won wouldn couldn shouldn hasn haven hadn
    """
}

/// What each word hash stands for when weighing content: nothing (a stop word), or its canonical
/// spelling. One open-addressing table, a few instructions per lookup, for the per-word hot paths.
enum Lexicon {
    private static let table = WordTable(
        StopWords.hashes.map { ($0, 0) } + Spelling.canonical.map { ($0.key, $0.value) })

    /// The word's canonical hash, or nil for a stop word.
    @inline(__always)
    static func content(_ hash: UInt64) -> UInt64? {
        switch table.value(for: hash) {
        case nil: return hash
        case 0?: return nil
        case let canonical?: return canonical
        }
    }

    /// Whether a word hash is a stop word.
    @inline(__always)
    static func isStopWord(_ hash: UInt64) -> Bool { table.value(for: hash) == 0 }
}

/// A fixed map from word hashes to values: open addressing, linear probing.
struct WordTable: Sendable {
    private let keys: [UInt64]
    private let values: [UInt64]
    private let mask: Int

    init(_ entries: [(UInt64, UInt64)]) {
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [UInt64](repeating: 0, count: capacity)
        for (key, value) in entries where key != 0 {
            var index = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[index] != 0 && keys[index] != key { index = (index + 1) & (capacity - 1) }
            if keys[index] == 0 {
                keys[index] = key
                values[index] = value
            }
        }
        self.keys = keys
        self.values = values
        mask = capacity - 1
    }

    @inline(__always)
    func value(for key: UInt64) -> UInt64? {
        keys.withUnsafeBufferPointer { keys in
            var index = Int(truncatingIfNeeded: key) & mask
            while true {
                let slot = keys[index]
                if slot == key { return values[index] }
                if slot == 0 { return nil }
                index = (index + 1) & mask
            }
        }
    }
}
