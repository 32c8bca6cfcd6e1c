/// The 64-bit hashing used everywhere text is turned into numbers.
///
/// Words are hashed while they are folded: bytes are packed eight to a 64-bit lane, each full lane is
/// folded into the hash with one multiply (`WordHash`), and the result is finished with a strong mixer
/// so that every bit is usable: the MinHash bin, the slot value and the LSH band keys all take
/// different bits of one shingle hash.
enum Hashing {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let golden: UInt64 = 0x9e37_79b9_7f4a_7c15

    /// A 64-bit hash folded to 32 bits, where a table's keys are stored in 4 bytes.
    @inline(__always)
    static func fold(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash ^ (hash >> 32)) }

    /// A bijective 64-bit finaliser (the one from MurmurHash3).
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// Combines `value` into an order-sensitive running hash.
    @inline(__always)
    static func combine(_ running: UInt64, _ value: UInt64) -> UInt64 {
        let x = (running ^ value) &* golden
        return (x << 27) | (x >> 37)
    }

    /// The hash of a word as the tokenizer computes it, for building word lists (stop words, furniture).
    static func word<S: StringProtocol>(_ word: S) -> UInt64 {
        var hash = WordHash()
        for byte in word.utf8 { hash.add(byte) }
        return hash.value
    }
}

/// The running hash of one word: folded bytes packed into a lane, a multiply per eight bytes.
///
/// Folded bytes are never zero, so a partly filled lane is unambiguous.
struct WordHash {
    var state = Hashing.fnvOffset
    var lane: UInt64 = 0
    var count = 0

    @inline(__always)
    mutating func add(_ byte: UInt8) {
        lane = lane << 8 | UInt64(byte)
        count += 1
        if count & 7 == 0 {
            state = (state ^ lane) &* Hashing.golden
            lane = 0
        }
    }

    /// The finished hash.
    @inline(__always)
    var value: UInt64 { Hashing.mix((state ^ lane) &* Hashing.golden) }
}
