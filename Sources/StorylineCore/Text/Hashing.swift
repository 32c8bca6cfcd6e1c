/// The 64-bit hashing used everywhere text is turned into numbers.
///
/// Tokens are hashed byte by byte while they are folded (FNV-1a), then finished with a strong mixer so
/// that every bit of the result is usable: the MinHash bin, the slot value and the LSH band keys all
/// take different bits of one shingle hash.
enum Hashing {
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let golden: UInt64 = 0x9e37_79b9_7f4a_7c15

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
        var hash = fnvOffset
        for byte in word.utf8 {
            hash = (hash ^ UInt64(byte)) &* fnvPrime
        }
        return mix(hash)
    }
}
