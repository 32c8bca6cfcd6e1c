import Testing
@testable import StorylineCore

@Suite struct SimilarityTests {
    /// A random set of shingle hashes and a copy sharing `jaccard` of the union with it.
    func pair(size: Int, jaccard: Double, using random: inout SplitMix64) -> ([UInt64], [UInt64]) {
        let original = (0..<size).map { _ in random.next() }
        // |A ∩ B| = s, |A| = |B| = size: J = s / (2·size - s)  =>  s = 2·size·J / (1 + J)
        let shared = min(size, Int((2 * Double(size) * jaccard / (1 + jaccard)).rounded(.up)))
        let copy = Array(original.prefix(shared)) + (0..<(size - shared)).map { _ in random.next() }
        return (original, copy)
    }

    @Test func shingleSetsAreSortedAndUnique() {
        let set = ShingleSet([5, 3, 5, 1, 3])
        #expect(set.hashes == [1, 3, 5])
    }

    @Test func overlapMeasuresExactly() {
        // Shingles of width 1: coverage is the share of shingles found.
        let left = Fingerprint(sequence: [1, 2, 3, 4], width: 1)
        let right = Fingerprint(sequence: [3, 4, 5, 6, 7, 8, 9, 10], width: 1)
        let overlap = Overlap(left, left.set, right, right.set)
        #expect(overlap.common == 2)
        #expect(overlap.jaccard == 0.2)
        #expect(overlap.leftContainment == 0.5)
        #expect(overlap.rightContainment == 0.25)
        #expect(overlap.containmentOfShorter == 0.5)
    }

    @Test func coverageForgivesAnEditedWord() {
        // 20 words in shingles of 5; the copy changes word 10, breaking the 5 shingles that hold it.
        let words = (0..<20).map { UInt64($0) }
        func shingles(_ words: [UInt64]) -> Fingerprint {
            Fingerprint(sequence: (0...(words.count - 5)).map { Hashing.mix(words[$0..<$0 + 5].reduce(0) { $0 &* 31 &+ $1 }) }, width: 5)
        }
        var edited = words
        edited[10] = 999
        let original = shingles(words), copy = shingles(edited)
        #expect(original.set.jaccard(with: copy.set) < 0.6)
        #expect(copy.coverage(in: original.set) == 19.0 / 20.0)
    }

    @Test func shortTextsHaveOneShingle() {
        var tokenizer = Tokenizer()
        let tokens = tokenizer.tokenize("markets fall").tokens
        #expect(Shingler(size: 5).fingerprint(of: tokens).sequence.count == 1)
        #expect(Shingler(size: 5).fingerprint(of: tokens).wordCount == 2)
        #expect(Shingler(size: 5).fingerprint(of: []).sequence.isEmpty)
    }

    @Test func stopWordsAndSpellingsDoNotChangeShingles() {
        var tokenizer = Tokenizer()
        let shingler = Shingler(size: 3)
        let a = tokenizer.tokenize("Mr. Smith said on Friday the organisation would defend its colour scheme")
        let b = tokenizer.tokenize("Smith told reporters Friday the organization would defend its color scheme")
        #expect(shingler.fingerprint(of: a.tokens) == shingler.fingerprint(of: b.tokens))
    }

    @Test func estimatedJaccardTracksTheExactOne() {
        var random = SplitMix64(state: 42)
        let hasher = MinHasher(slots: 128)
        var totalError = 0.0
        var worst = 0.0
        let trials = 400
        for trial in 0..<trials {
            let target = Double(trial % 20) / 20 + 0.025
            let (a, b) = pair(size: 100 + trial % 700, jaccard: target, using: &random)
            let exact = ShingleSet(a).jaccard(with: ShingleSet(b))
            let estimate = hasher.signature(of: a).estimatedJaccard(with: hasher.signature(of: b))
            totalError += abs(estimate - exact)
            worst = max(worst, abs(estimate - exact))
        }
        // The standard error at 128 slots is at most sqrt(0.25 / 128) ≈ 0.044.
        #expect(totalError / Double(trials) < 0.04)
        #expect(worst < 0.2)
    }

    @Test func densificationFillsEverySlotConsistently() {
        let hasher = MinHasher(slots: 128)
        let few: [UInt64] = [0x1234_5678_9abc_def0, 0x0fed_cba9_8765_4321, 42 << 40]
        let signature = hasher.signature(of: few)
        #expect(!signature.values.contains(.max))
        #expect(signature == hasher.signature(of: few.reversed()))
    }

    @Test func lshFindsAtLeast99PercentOfPairsAbove085() {
        var random = SplitMix64(state: 7)
        let hasher = MinHasher(slots: 128)
        var index = LSHIndex(bands: 16, rows: 8)
        var copies: [(UInt32, Signature)] = []
        for article in UInt32(0)..<2000 {
            let jaccard = 0.85 + Double(article % 16) / 100
            let (original, copy) = pair(size: 300 + Int(article % 500), jaccard: min(jaccard, 1), using: &random)
            #expect(ShingleSet(original).jaccard(with: ShingleSet(copy)) >= 0.85)
            index.insert(article, bandKeys: index.bandKeys(hasher.signature(of: original)))
            copies.append((article, hasher.signature(of: copy)))
        }
        let found = copies.filter { article, signature in index.candidates(for: index.bandKeys(signature)).contains(article) }.count
        #expect(Double(found) / Double(copies.count) >= 0.99)
    }

    @Test func lshRarelyPairsDissimilarTexts() {
        var random = SplitMix64(state: 11)
        let hasher = MinHasher(slots: 128)
        var index = LSHIndex(bands: 16, rows: 8)
        var queries: [Signature] = []
        for article in UInt32(0)..<500 {
            let (original, copy) = pair(size: 400, jaccard: 0.2, using: &random)
            index.insert(article, bandKeys: index.bandKeys(hasher.signature(of: original)))
            queries.append(hasher.signature(of: copy))
        }
        let falseCandidates = queries.reduce(0) { $0 + index.candidates(for: index.bandKeys($1)).count }
        #expect(falseCandidates < 10)
    }

    @Test func lshRemovesWhatItInserted() {
        var index = LSHIndex(bands: 4, rows: 2)
        let signature = Signature(values: [1, 2, 3, 4, 5, 6, 7, 8])
        index.insert(9, bandKeys: index.bandKeys(signature))
        #expect(index.candidates(for: index.bandKeys(signature)) == [9])
        index.remove(9, bandKeys: index.bandKeys(signature))
        #expect(index.candidates(for: index.bandKeys(signature)).isEmpty)
        #expect(index.postingCount == 0)
    }

    /// Postings under colliding and repeated keys survive any order of removals (backward shifting).
    @Test func postingTableKeepsEveryPostingUntilItIsRemoved() {
        var random = SplitMix64(state: 5)
        var table = PostingTable()
        var expected: [UInt32: Set<UInt32>] = [:]
        // Few distinct keys, many articles each, keys 0 and 1 included: long probe runs, wrap-around.
        let keys: [UInt32] = [0, 1, 2, 17, 33, 1 << 30] + (0..<40).map { _ in UInt32(truncatingIfNeeded: random.next()) }
        for article in UInt32(0)..<3000 {
            let key = keys[Int(random.next() % UInt64(keys.count))]
            table.insert(article, under: key)
            expected[key == 0 ? 1 : key, default: []].insert(article)
        }
        for article in UInt32(0)..<3000 where article % 3 != 0 {
            for key in keys where expected[key == 0 ? 1 : key]?.contains(article) == true {
                table.remove(article, under: key)
                expected[key == 0 ? 1 : key]!.remove(article)
            }
        }
        for key in keys {
            var found: Set<UInt32> = []
            table.forEach(under: key) { found.insert($0) }
            #expect(found == expected[key == 0 ? 1 : key] ?? [])
        }
        #expect(table.count == expected.values.reduce(0) { $0 + $1.count })
    }

    @Test func postingTableStopsAKeyAtItsLimit() {
        var table = PostingTable()
        #expect((0..<5).map { table.insert(UInt32($0), under: 42, limit: 3) } == [true, true, true, false, false])
        var found: [UInt32] = []
        table.forEach(under: 42) { found.append($0) }
        #expect(found.sorted() == [0, 1, 2])
    }

    @Test func containmentIndexFindsTruncatedCopies() {
        var random = SplitMix64(state: 3)
        var index = ContainmentIndex(sampling: 16)
        let original = ShingleSet((0..<800).map { _ in random.next() })
        index.insert(1, sample: index.sample(of: original))
        let half = ShingleSet(Array(original.hashes.shuffled(using: &random).prefix(350)))
        #expect(index.candidates(for: index.sample(of: half)) == [1])
        let unrelated = ShingleSet((0..<800).map { _ in random.next() })
        #expect(index.candidates(for: index.sample(of: unrelated)).isEmpty)
    }
}
