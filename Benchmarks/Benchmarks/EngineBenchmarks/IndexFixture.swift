import NewsCorpus
import StorylineCore

/// One article as the engine keeps it for verification.
struct FingerprintedArticle: Sendable {
    let fingerprint: Fingerprint
    let shingles: ShingleSet
    let signature: Signature
}

/// Fingerprints of an indexed stream and of the articles that arrive after it.
struct IndexFixture: Sendable {
    let index: LSHIndex
    /// The indexed articles, by article number.
    let indexed: [FingerprintedArticle]
    /// What arrives next, interleaved: revisions of indexed articles (which LSH should find) with the
    /// number of their original, and unseen articles (which it should not).
    let arrivals: [(article: FingerprintedArticle, revisionOf: Int?)]

    init(indexed indexedCount: Int, revisions: Int, unseen: Int) throws {
        let engine = try Engine()
        var tokenizer = Tokenizer()
        func fingerprinted(_ text: String) -> FingerprintedArticle {
            let (fingerprint, signature) = engine.fingerprint(of: engine.content(of: tokenizer.tokenize(text)).tokens)
            return FingerprintedArticle(fingerprint: fingerprint, shingles: fingerprint.set, signature: signature)
        }

        let corpus = NewsCorpus(count: indexedCount + unseen)
        var index = LSHIndex(bands: 16, rows: 8)
        var indexed: [FingerprintedArticle] = []
        indexed.reserveCapacity(indexedCount)
        for (number, text) in corpus.texts.prefix(indexedCount).enumerated() {
            let article = fingerprinted(text)
            index.insert(UInt32(number), bandKeys: index.bandKeys(article.signature))
            indexed.append(article)
        }

        let revised = corpus.revisions(count: revisions).map { fingerprinted($0.text) }
        let fresh = corpus.texts.suffix(unseen).map { fingerprinted($0) }
        var arrivals: [(article: FingerprintedArticle, revisionOf: Int?)] = []
        for position in 0..<max(revisions, unseen) {
            if position < revised.count { arrivals.append((revised[position], position)) }
            if position < fresh.count { arrivals.append((fresh[position], nil)) }
        }
        self.index = index
        self.indexed = indexed
        self.arrivals = arrivals
    }

    /// Pairs the engine verifies: each arrival with a candidate, its original when it has one (a true
    /// near-duplicate), else an unrelated indexed article (a false candidate).
    var verificationPairs: [(arrival: FingerprintedArticle, candidate: FingerprintedArticle)] {
        arrivals.enumerated().map { position, arrival in
            (arrival.article, indexed[arrival.revisionOf ?? (position &* 7_919) % indexed.count])
        }
    }
}
