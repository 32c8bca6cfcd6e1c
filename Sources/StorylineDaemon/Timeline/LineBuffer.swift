/// Cuts a stream of bytes into whole lines, keeping a line that has not yet ended until it does.
///
/// A writer appends a line with one `write`, but a reader can see any prefix of it: the bytes that have
/// reached the file when it looks, or what one `read` from a pipe returned. A reader that printed those
/// prefixes would print torn lines; this holds them until their newline arrives.
struct LineBuffer {
    /// The start of a line whose newline has not arrived yet.
    private(set) var partial: [UInt8] = []
    /// Bytes handed out as whole lines so far, newlines included.
    private(set) var completedByteCount = 0

    /// Adds `chunk` and hands every line it completes to `line`, newline included, in order.
    mutating func append<Bytes: Collection<UInt8>>(
        _ chunk: Bytes, line: (ArraySlice<UInt8>) throws -> Void
    ) rethrows where Bytes.Index == Int {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if partial.isEmpty {
                let whole = Array(chunk[start...newline])
                completedByteCount += whole.count
                try line(whole[...])
            } else {
                partial.append(contentsOf: chunk[start...newline])
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                completedByteCount += whole.count
                try line(whole[...])
            }
            start = newline + 1
        }
        partial.append(contentsOf: chunk[start...])
    }

    /// Forgets the line not yet ended, as when its file was cut back or it will be read again.
    mutating func discardPartial() {
        partial.removeAll(keepingCapacity: true)
    }
}
