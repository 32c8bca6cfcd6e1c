/// A map keyed by 64-bit hashes that are already well mixed (term hashes): open addressing with linear
/// probing, no re-hashing.
///
/// The story step looks terms up a few thousand times per article; `Dictionary` runs SipHash on every
/// lookup, which the daemon's profile showed as a fifth of its time. Key 0 marks an empty slot, so its
/// value is kept apart. Iteration follows the slots, so it is the same in every run.
struct HashMap<Value: AdditiveArithmetic & Sendable>: Sendable {
    private var keys: [UInt64]
    /// Zero in an empty slot: the keys say which slots hold a value, so a value needs no optional (which
    /// would take a second word a slot for a `UInt64`).
    private var values: [Value]
    private var zeroValue: Value?
    private(set) var count = 0

    init(minimumCapacity: Int = 8) {
        var capacity = 16
        while capacity < minimumCapacity * 2 { capacity *= 2 }
        keys = [UInt64](repeating: 0, count: capacity)
        values = [Value](repeating: .zero, count: capacity)
    }

    /// The slot of `key`, or of the empty slot where it would go.
    @inline(__always)
    private func slot(of key: UInt64) -> Int {
        let mask = keys.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while keys[index] != 0 && keys[index] != key { index = (index + 1) & mask }
        return index
    }

    subscript(key: UInt64) -> Value? {
        if key == 0 { return zeroValue }
        let index = slot(of: key)
        return keys[index] == 0 ? nil : values[index]
    }

    subscript(key: UInt64, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set {
            if key == 0 {
                if zeroValue == nil { count += 1 }
                zeroValue = newValue
                return
            }
            var index = slot(of: key)
            if keys[index] == 0 {
                if (count + 2) * 2 > keys.count {
                    grow()
                    index = slot(of: key)
                }
                keys[index] = key
                count += 1
            }
            values[index] = newValue
        }
    }

    private mutating func grow() {
        var larger = HashMap(minimumCapacity: keys.count)
        larger.zeroValue = zeroValue
        larger.count = count
        let mask = larger.keys.count - 1
        for index in keys.indices where keys[index] != 0 {
            var slot = Int(truncatingIfNeeded: keys[index]) & mask
            while larger.keys[slot] != 0 { slot = (slot + 1) & mask }
            larger.keys[slot] = keys[index]
            larger.values[slot] = values[index]
        }
        self = larger
    }

    /// Every key and value, in slot order.
    var entries: [(key: UInt64, value: Value)] {
        var result: [(key: UInt64, value: Value)] = []
        result.reserveCapacity(count)
        if let zeroValue { result.append((0, zeroValue)) }
        for index in keys.indices where keys[index] != 0 { result.append((keys[index], values[index])) }
        return result
    }


    /// The entries that satisfy `isIncluded`, in a new map.
    func filter(_ isIncluded: (UInt64, Value) -> Bool) -> HashMap {
        var kept = HashMap(minimumCapacity: count)
        for (key, value) in entries where isIncluded(key, value) { kept[key, default: value] = value }
        return kept
    }
}

extension HashMap where Value: FixedWidthInteger {
    func write(to writer: inout SnapshotWriter) throws {
        try writer.put(keys)
        try writer.put(values)
        try writer.put(zeroValue != nil)
        try writer.put(zeroValue ?? 0)
        try writer.put(count)
    }

    init(from reader: inout SnapshotReader) throws(SnapshotError) {
        keys = try reader.get()
        let stored: [Value] = try reader.get()
        let hasZero = try reader.get(Bool.self)
        let zero: Value = try reader.get()
        count = try reader.get()
        try reader.require(keys.count == stored.count && keys.count.nonzeroBitCount == 1 && count < keys.count,
                           "a hash map of \(keys.count) slots holding \(count)")
        values = zip(keys, stored).map { key, value in key == 0 ? .zero : value }
        zeroValue = hasZero ? zero : nil
    }
}
