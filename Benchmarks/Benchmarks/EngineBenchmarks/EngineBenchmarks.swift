import Benchmark
import StorylineCore

/// Rates computed from the benchmark's own clock over one pass, so the report reads in the units the
/// performance targets are written in.
enum EngineMetric {
    /// Article text (UTF-8 bytes, 1 MB = 10⁶ bytes) processed per second.
    static let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
    static let articlesPerSecond = BenchmarkMetric.custom("articles/s", polarity: .prefersLarger, useScalingFactor: false)
    static let queriesPerSecond = BenchmarkMetric.custom("queries/s", polarity: .prefersLarger, useScalingFactor: false)
    static let verificationsPerSecond = BenchmarkMetric.custom(
        "verifications/s", polarity: .prefersLarger, useScalingFactor: false)
}

/// Runs `body` once and returns how long it took, in seconds.
func secondsTaken(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

extension Benchmark {
    /// Records `amount / seconds` under a custom rate metric, rounded to a whole number.
    func record(_ metric: BenchmarkMetric, _ amount: Double, per seconds: Double) {
        measurement(metric, Int((amount / seconds).rounded()))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock],
        warmupIterations: 3,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    // About 5.8 MB of text a pass: long enough to time, short enough for a hundred passes.
    let articleCount = 1_000
    let textMetrics: [BenchmarkMetric] = [
        .wallClock, .mallocCountTotal, EngineMetric.megabytesPerSecond, EngineMetric.articlesPerSecond,
    ]

    /// A pass over every article of the text fixture with one tokenizer, reused as the daemon does,
    /// reporting MB/s and articles/s; `work` returns a number folded into a checksum so that nothing is
    /// optimised away.
    func textBenchmark(_ name: String, _ work: @escaping @Sendable (Engine, inout Tokenizer, String) -> UInt64) {
        Benchmark(name, configuration: .init(metrics: textMetrics)) { benchmark, fixture in
            var checksum: UInt64 = 0
            let seconds = secondsTaken {
                var tokenizer = Tokenizer()
                for text in fixture.texts { checksum &+= work(fixture.engine, &tokenizer, text) }
            }
            benchmark.record(EngineMetric.megabytesPerSecond, Double(fixture.totalBytes) / 1e6, per: seconds)
            benchmark.record(EngineMetric.articlesPerSecond, Double(fixture.texts.count), per: seconds)
            blackHole(checksum)
        } setup: {
            try TextFixture(articles: articleCount)
        }
    }

    // What the throughput target is about.
    textBenchmark("normalise+shingle+signature") { engine, tokenizer, text in
        let (tokens, _) = engine.content(of: tokenizer.tokenize(text))
        let (fingerprint, signature) = engine.fingerprint(of: tokens)
        return UInt64(fingerprint.sequence.count) &+ UInt64(signature.values[0])
    }

    // The same, plus the sorted shingle set that `Engine.judge(_:)` builds next for verification.
    textBenchmark("normalise+shingle+signature+set") { engine, tokenizer, text in
        let (tokens, _) = engine.content(of: tokenizer.tokenize(text))
        let (fingerprint, signature) = engine.fingerprint(of: tokens)
        return UInt64(fingerprint.set.count) &+ UInt64(signature.values[0])
    }

    // The first stage alone, to show where the time of the whole goes.
    textBenchmark("normalise only") { _, tokenizer, text in
        UInt64(tokenizer.tokenize(text).tokens.count)
    }

    // Half the queries are revisions of indexed articles, half are unseen articles.
    Benchmark(
        "LSH candidates(for:), 10,000 indexed",
        configuration: .init(metrics: [.wallClock, EngineMetric.queriesPerSecond], maxDuration: .seconds(2))
    ) { benchmark, fixture in
        var found = 0
        let seconds = secondsTaken {
            for arrival in fixture.arrivals { found &+= fixture.index.candidates(for: fixture.index.bandKeys(arrival.article.signature)).count }
        }
        benchmark.record(EngineMetric.queriesPerSecond, Double(fixture.arrivals.count), per: seconds)
        blackHole(found)
    } setup: {
        try IndexFixture(indexed: 10_000, revisions: 1_000, unseen: 1_000)
    }

    // The shared-shingle count alone: a merge of two sorted sets, the Jaccard half of verification.
    Benchmark(
        "exact verification, ShingleSet.intersectionCount(with:)",
        configuration: .init(metrics: [.wallClock, EngineMetric.verificationsPerSecond], maxDuration: .seconds(2))
    ) { benchmark, pairs in
        var common = 0
        let seconds = secondsTaken {
            for (arrival, candidate) in pairs { common &+= arrival.shingles.intersectionCount(with: candidate.shingles) }
        }
        benchmark.record(EngineMetric.verificationsPerSecond, Double(pairs.count), per: seconds)
        blackHole(common)
    } setup: {
        try IndexFixture(indexed: 2_000, revisions: 1_000, unseen: 1_000).verificationPairs
    }

    // Exact verification of one candidate with both shingle sets at hand, as `Overlap` measures it:
    // shared shingles, and word coverage both ways.
    Benchmark(
        "exact verification, Overlap(_:_:_:_:)",
        configuration: .init(metrics: [.wallClock, EngineMetric.verificationsPerSecond], maxDuration: .seconds(2))
    ) { benchmark, pairs in
        var common = 0
        let seconds = secondsTaken {
            for (arrival, candidate) in pairs {
                common &+= Overlap(arrival.fingerprint, arrival.shingles, candidate.fingerprint, candidate.shingles).common
            }
        }
        benchmark.record(EngineMetric.verificationsPerSecond, Double(pairs.count), per: seconds)
        blackHole(common)
    } setup: {
        try IndexFixture(indexed: 2_000, revisions: 1_000, unseen: 1_000).verificationPairs
    }

    // Verification as `Engine.judge(_:)` does it today: the candidate's set is rebuilt from its
    // fingerprint for every comparison.
    Benchmark(
        "exact verification, candidate set rebuilt",
        configuration: .init(metrics: [.wallClock, EngineMetric.verificationsPerSecond], maxDuration: .seconds(2))
    ) { benchmark, pairs in
        var common = 0
        let seconds = secondsTaken {
            for (arrival, candidate) in pairs {
                common &+= Overlap(
                    arrival.fingerprint, arrival.shingles, candidate.fingerprint, candidate.fingerprint.set).common
            }
        }
        benchmark.record(EngineMetric.verificationsPerSecond, Double(pairs.count), per: seconds)
        blackHole(common)
    } setup: {
        try IndexFixture(indexed: 2_000, revisions: 1_000, unseen: 1_000).verificationPairs
    }
}
