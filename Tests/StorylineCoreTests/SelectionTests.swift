import Testing
@testable import StorylineCore

@Suite struct SelectionTests {
    @Test func moveFirstPutsWhatASortWouldPutFirst() {
        var random = SplitMix64(state: 5)
        for trial in 0..<200 {
            let values = (0..<(1 + trial % 300)).map { _ in Int(random.next() % 50) }
            let count = 1 + trial % max(1, values.count)
            var selected = values
            selected.moveFirst(count, by: <)
            #expect(selected.prefix(count).sorted() == Array(values.sorted().prefix(count)))
            #expect(selected.sorted() == values.sorted())
        }
    }

    @Test func hashMapCountsLikeADictionary() {
        var random = SplitMix64(state: 9)
        var map = HashMap<Int>()
        var reference: [UInt64: Int] = [:]
        for _ in 0..<5_000 {
            let key = random.next() % 700
            map[key, default: 0] += 1
            reference[key, default: 0] += 1
        }
        #expect(map.count == reference.count)
        for (key, value) in reference { #expect(map[key] == value) }
        #expect(map[12_345_678] == nil)
        #expect(map.filter { $1 > 8 }.count == reference.filter { $0.value > 8 }.count)
    }
}
