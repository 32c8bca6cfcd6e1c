/// Writes an engine's state as bytes, handing them on in chunks so that a large index is never held
/// twice in memory.
///
/// Values are written in the machine's byte order with no padding; arrays of fixed-width values as
/// their count and then their bytes, copied whole. A snapshot is read back only by the same build
/// format (`Engine.snapshotFormat`) on the same kind of machine.
public struct SnapshotWriter {
    private var buffer: [UInt8] = []
    private let chunkSize: Int
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var checksum = SnapshotChecksum()

    init(chunkSize: Int = 1 << 22, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.chunkSize = chunkSize
        self.sink = sink
        buffer.reserveCapacity(chunkSize)
    }

    mutating func put<Value: FixedWidthInteger>(_ value: Value) throws {
        try withUnsafeBytes(of: value) { try append($0) }
    }

    mutating func put(_ value: Float) throws { try put(value.bitPattern) }
    mutating func put(_ value: Double) throws { try put(value.bitPattern) }
    mutating func put(_ value: Bool) throws { try put(UInt8(value ? 1 : 0)) }
    mutating func put(_ value: Timestamp) throws { try put(value.millisecondsSinceEpoch) }

    mutating func put<Value: FixedWidthInteger>(_ values: [Value]) throws {
        try put(values.count)
        try values.withUnsafeBytes { try append($0) }
    }

    mutating func put(_ values: [Float]) throws {
        try put(values.count)
        try values.withUnsafeBytes { try append($0) }
    }

    mutating func put(_ value: String) throws {
        try put(Array(value.utf8))
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > chunkSize { try flush() }
        if bytes.count >= chunkSize {
            checksum.add(bytes)
            try sink(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { bytes in
            checksum.add(bytes)
            try sink(bytes)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the snapshot with the checksum of everything before it.
    mutating func finish() throws {
        try flush()
        try withUnsafeBytes(of: checksum.finalValue) { try sink($0) }
    }
}

/// Reads what `SnapshotWriter` wrote, checking every length against what is left, so a damaged file
/// fails with `SnapshotError` instead of crashing or building a wrong index.
public struct SnapshotReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// - Throws: `SnapshotError` when the bytes are too short or their checksum does not match.
    init(_ bytes: UnsafeRawBufferPointer) throws(SnapshotError) {
        let trailer = MemoryLayout<UInt64>.size
        guard bytes.count >= trailer else { throw SnapshotError("the snapshot is truncated (\(bytes.count) bytes)") }
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - trailer)])
        var checksum = SnapshotChecksum()
        checksum.add(body)
        let stored = bytes.loadUnaligned(fromByteOffset: body.count, as: UInt64.self)
        guard stored == checksum.finalValue else { throw SnapshotError("the snapshot's checksum does not match: it is damaged") }
        self.bytes = body
    }

    var isAtEnd: Bool { offset == bytes.count }

    private mutating func take(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - offset else {
            throw SnapshotError("the snapshot ends early (wanted \(count) bytes at offset \(offset) of \(bytes.count))")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    mutating func get<Value: FixedWidthInteger>(_: Value.Type = Value.self) throws(SnapshotError) -> Value {
        try take(MemoryLayout<Value>.size).loadUnaligned(as: Value.self)
    }

    mutating func get(_: Float.Type = Float.self) throws(SnapshotError) -> Float { Float(bitPattern: try get(UInt32.self)) }
    mutating func get(_: Double.Type = Double.self) throws(SnapshotError) -> Double { Double(bitPattern: try get(UInt64.self)) }
    mutating func get(_: Bool.Type = Bool.self) throws(SnapshotError) -> Bool { try get(UInt8.self) != 0 }
    mutating func get(_: Timestamp.Type = Timestamp.self) throws(SnapshotError) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: try get(Int64.self))
    }

    /// A count, checked to be one that `elementSize`-byte elements left in the snapshot could fill.
    mutating func count(of elementSize: Int) throws(SnapshotError) -> Int {
        let count = try get(Int.self)
        guard count >= 0, count <= (bytes.count - offset) / max(elementSize, 1) else {
            throw SnapshotError("the snapshot holds an impossible count (\(count)) at offset \(offset)")
        }
        return count
    }

    mutating func get<Value: FixedWidthInteger>(_: [Value].Type = [Value].self) throws(SnapshotError) -> [Value] {
        let count = try count(of: MemoryLayout<Value>.stride)
        let source = try take(count * MemoryLayout<Value>.stride)
        return [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            initialized = count
        }
    }

    mutating func get(_: [Float].Type = [Float].self) throws(SnapshotError) -> [Float] {
        try get([UInt32].self).map(Float.init(bitPattern:))
    }

    mutating func get(_: String.Type = String.self) throws(SnapshotError) -> String {
        String(decoding: try get([UInt8].self), as: UTF8.self)
    }

    /// Checks a condition that holds in every snapshot the engine writes.
    func require(_ condition: Bool, _ what: @autoclosure () -> String) throws(SnapshotError) {
        if !condition { throw SnapshotError("the snapshot is inconsistent: \(what())") }
    }
}

/// A snapshot that cannot be used: damaged, from another format, or for other settings.
public struct SnapshotError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// A 64-bit checksum over 8-byte words, fast enough to be run over a gigabyte at start-up.
struct SnapshotChecksum {
    private(set) var value: UInt64 = 0x9e37_79b9_7f4a_7c15
    private var pending: [UInt8] = []

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        // Chunks need not end on a word boundary: the few bytes left wait for the next chunk.
        if !pending.isEmpty {
            let needed = min(8 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<needed])
            start = needed
            guard pending.count == 8 else { return }
            value = Self.step(value, pending.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
            pending.removeAll(keepingCapacity: true)
        }
        let words = (bytes.count - start) / 8
        var hash = value
        for word in 0..<words {
            hash = Self.step(hash, bytes.loadUnaligned(fromByteOffset: start + word * 8, as: UInt64.self))
        }
        value = hash
        pending.append(contentsOf: bytes[(start + words * 8)...])
    }

    /// The checksum, with the bytes that did not fill a word folded in with their count.
    var finalValue: UInt64 {
        var last: UInt64 = UInt64(pending.count)
        for (index, byte) in pending.enumerated() { last |= UInt64(byte) << (8 * (index + 1)) }
        return Self.step(value, last)
    }

    @inline(__always)
    private static func step(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        (hash ^ word) &* 0xff51_afd7_ed55_8ccd &+ 0x2545_f491_4f6c_dd1d
    }
}
