/// Densified one-permutation MinHash: one hash per shingle, a fixed number of slots.
///
/// Each shingle hash picks a slot from its high bits and offers its low 32 bits as that slot's value;
/// a slot keeps the smallest. Slots that no shingle reached borrow the value of a filled slot chosen
/// by a hash of the slot number and an attempt counter (optimal densification, Shrivastava 2017), so
/// two texts fill their empty slots from the same places and the estimate stays unbiased.
public struct MinHasher: Sendable {
    public let slots: Int

    public init(slots: Int) {
        precondition(slots >= 1, "slot count is validated by EngineConfiguration")
        self.slots = slots
    }

    /// The signature of a non-empty set of shingle hashes (repeats do not matter).
    public func signature(of shingleHashes: [UInt64]) -> Signature {
        var values = [UInt32](repeating: .max, count: slots)
        var filled = [Bool](repeating: false, count: slots)
        let slotCount = UInt64(slots)
        values.withUnsafeMutableBufferPointer { values in
            filled.withUnsafeMutableBufferPointer { filled in
                for hash in shingleHashes {
                    let slot = Int(((hash >> 32) &* slotCount) >> 32)
                    let value = UInt32(truncatingIfNeeded: hash)
                    if value <= values[slot] {
                        values[slot] = value
                        filled[slot] = true
                    }
                }
            }
        }
        guard filled.contains(true) else { return Signature(values: values) }
        var densified = values
        for slot in 0..<slots where !filled[slot] {
            var attempt: UInt64 = 0
            while true {
                let probe = Hashing.mix((UInt64(slot) << 32) | attempt)
                let donor = Int(((probe >> 32) &* slotCount) >> 32)
                if filled[donor] {
                    densified[slot] = values[donor]
                    break
                }
                attempt += 1
            }
        }
        return Signature(values: densified)
    }
}

/// A MinHash signature: one 32-bit value per slot.
public struct Signature: Sendable, Hashable {
    public let values: [UInt32]

    public init(values: [UInt32]) { self.values = values }

    /// The share of slots that agree: an unbiased estimate of the Jaccard similarity.
    public func estimatedJaccard(with other: Signature) -> Double {
        guard values.count == other.values.count, !values.isEmpty else { return 0 }
        var equal = 0
        for index in values.indices where values[index] == other.values[index] { equal += 1 }
        return Double(equal) / Double(values.count)
    }
}
