/// Words that carry no content: function words, reporting verbs and news filler.
///
/// They are skipped both when shingling and when weighing terms. For shingles this is what makes
/// copy-edited copies match: editors change "said on Friday" to "told reporters Friday", drop "Mr.",
/// swap "nearly" for "almost"; with these words skipped such edits leave the shingles untouched.
enum StopWords {
    static let set = WordSet(words.split(separator: " ").map { Hashing.word($0) })

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

/// A fixed set of word hashes with a lookup of a few instructions: open addressing, linear probing.
struct WordSet: Sendable {
    private let slots: [UInt64]
    private let mask: Int

    init(_ hashes: [UInt64]) {
        var capacity = 16
        while capacity < hashes.count * 4 { capacity *= 2 }
        var slots = [UInt64](repeating: 0, count: capacity)
        for hash in hashes where hash != 0 {
            var index = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[index] != 0 && slots[index] != hash { index = (index + 1) & (capacity - 1) }
            slots[index] = hash
        }
        self.slots = slots
        mask = capacity - 1
    }

    @inline(__always)
    func contains(_ hash: UInt64) -> Bool {
        var index = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[index]
            if slot == hash { return true }
            if slot == 0 { return false }
            index = (index + 1) & mask
        }
    }
}
