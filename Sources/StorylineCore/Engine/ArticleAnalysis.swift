/// What an article's words come to before anything the stream has taught is consulted: its shingles,
/// the keys the indexes file it under, and its story terms, over the body less its built-in furniture.
///
/// It needs only the engine's configuration, so a daemon computes it as it reads, on both cores
/// (`ArticleAnalyzer`), and the engine, which must judge one article after another, takes it as it
/// is. Only a line the stream has taught to be furniture (`Boilerplate`) can make it wrong; the engine
/// then leaves that line out and analyses the article again, so a judgement never depends on where
/// the analysis was made.
public struct ArticleAnalysis: Sendable {
    /// The configuration it was made under.
    let shape: ArticleAnalyzer.Shape
    /// The token ranges of the body judged: its lines that are not built-in furniture, or none when the
    /// title stands in for a body of furniture (`Engine.judgedWords(title:body:)`).
    let contentRanges: [Range<Int>]
    /// Words judged.
    let words: Int
    let fingerprint: CompactFingerprint
    /// The distinct shingles of `fingerprint`, as comparisons see them.
    let shingles: ShingleSet
    let bandKeys: [UInt32]
    let sample: [UInt32]
    let bag: TermBag
}

/// Folds and analyses articles with the buffers and stems of one thread: what `Engine.judge` would
/// compute first, made ahead of it (`ArticleAnalysis`). A value per thread; copies share nothing that
/// changes.
public struct ArticleAnalyzer: Sendable {
    /// The settings an analysis depends on.
    struct Shape: Sendable, Hashable {
        var shingleSize: Int
        var signatureSlots: Int
        var bands: Int
        var rows: Int
        var containmentSampling: Int

        init(_ configuration: EngineConfiguration) {
            shingleSize = configuration.shingleSize
            signatureSlots = configuration.signatureSlots
            bands = configuration.bands
            rows = configuration.rows
            containmentSampling = configuration.containmentSampling
        }
    }

    let shape: Shape
    let shingler: Shingler
    let minHasher: MinHasher
    var stems = StemCache()
    /// Folds the text of the files read (its buffers are reused from file to file).
    public var tokenizer = Tokenizer()

    /// - Parameter configuration: the engine's, already validated (`Engine.init(configuration:)`).
    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        shape = Shape(configuration)
        shingler = Shingler(size: max(configuration.shingleSize, 1))
        minHasher = MinHasher(slots: max(configuration.signatureSlots, 1))
    }

    /// The analysis of a folded title and body over the body's lines that are not built-in furniture;
    /// nil when neither holds a word to judge (the engine rejects it as `empty`).
    public mutating func analyze(title: TokenizedText, body: TokenizedText) -> ArticleAnalysis? {
        let ranges = body.lineStarts.indices.compactMap { line -> Range<Int>? in
            let range = body.tokenRange(ofLine: line)
            return Boilerplate.isBuiltInFurniture(body.tokens[range]) ? nil : range
        }
        var tokens: [Token]
        if ranges.count == body.lineStarts.count {
            tokens = body.tokens
        } else {
            tokens = []
            tokens.reserveCapacity(body.tokens.count)
            for range in ranges { tokens.append(contentsOf: body.tokens[range]) }
        }
        if !tokens.isEmpty { return analyze(title: title, body: body, tokens: tokens, ranges: ranges) }
        guard !title.tokens.isEmpty else { return nil }
        return analyze(title: title, body: body, tokens: title.tokens, ranges: [])
    }

    /// The shingles and signature of a list of words.
    func fingerprint(of tokens: [Token]) -> (fingerprint: Fingerprint, signature: Signature) {
        let fingerprint = shingler.fingerprint(of: tokens)
        return (fingerprint, minHasher.signature(of: fingerprint.sequence))
    }

    /// The analysis of the words judged, `tokens`, found at `ranges` of the body.
    mutating func analyze(title: TokenizedText, body: TokenizedText, tokens: [Token], ranges: [Range<Int>]) -> ArticleAnalysis {
        let (full, signature) = fingerprint(of: tokens)
        let fingerprint = CompactFingerprint(full)
        return ArticleAnalysis(
            shape: shape, contentRanges: ranges, words: tokens.count, fingerprint: fingerprint,
            shingles: fingerprint.fingerprint.set,
            bandKeys: LSHIndex.bandKeys(signature, bands: shape.bands, rows: shape.rows),
            sample: ContainmentIndex.sample(of: full.set, sampling: UInt64(shape.containmentSampling)),
            bag: TermBag(title: title, body: body, bodyRanges: ranges, stems: &stems))
    }
}
