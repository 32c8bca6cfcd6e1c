import Foundation
import GRDB
import StorylineCore

/// The shingles of committed articles, read back from the state for an arrival's candidates, so the
/// engine does not hold them in memory (`Engine.releaseFingerprints(of:)`).
struct StoredFingerprints: FingerprintArchive {
    let database: any DatabaseReader

    /// The shingles stored for article `number`: found, not stored (a row from a build that kept them
    /// only in memory), or unreadable (a failed read, or bytes that are not shingles), naming the article.
    func fingerprint(ofArticle number: Int) -> ArchivedFingerprint {
        let blob: Data?
        do {
            blob = try database.read { db in
                try Data.fetchOne(db, sql: "SELECT shingles FROM articles WHERE number = ?", arguments: [number])
            }
        } catch {
            return .unreadable("article a\(number): \(error)")
        }
        guard let blob else { return .notStored }
        guard let fingerprint = Self.decode(blob) else {
            return .unreadable("article a\(number): its \(blob.count) bytes of stored shingles cannot be decoded")
        }
        return .found(fingerprint)
    }

    /// The width, then the shingles' low 32 bits in reading order (`CompactFingerprint`), native byte
    /// order: the `articles.shingles` column.
    static func encode(_ fingerprint: CompactFingerprint) -> Data {
        var data = Data(capacity: 4 * (fingerprint.sequence.count + 1))
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: fingerprint.width)) { data.append(contentsOf: $0) }
        fingerprint.sequence.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// The shingles `encode` wrote, nil for bytes it cannot have written.
    static func decode(_ data: Data) -> CompactFingerprint? {
        guard data.count >= 4, data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { bytes in
            let width = Int(bytes.loadUnaligned(as: UInt32.self))
            let sequence = (1..<bytes.count / 4).map { bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self) }
            return CompactFingerprint(sequence: sequence, width: width)
        }
    }
}
