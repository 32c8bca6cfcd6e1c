import Testing
@testable import StorylineCore

@Suite struct TimestampTests {
    @Test func formatsRFC3339WithMilliseconds() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).description == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_763_785_990_123).description == "2025-11-22T04:33:10.123Z")
    }

    @Test(arguments: [
        ("2019-01-23T20:28:44Z", "2019-01-23T20:28:44.000Z"),
        ("2019-01-23t20:28:44.5z", "2019-01-23T20:28:44.500Z"),
        ("2019-01-23T20:28:44.123456+02:00", "2019-01-23T18:28:44.123Z"),
        ("2019-01-23T20:28:44-05:30", "2019-01-24T01:58:44.000Z"),
        ("2019-01-23", "2019-01-23T00:00:00.000Z"),
        ("2024-02-29", "2024-02-29T00:00:00.000Z"),
    ])
    func parses(_ text: String, _ expected: String) {
        #expect(Timestamp(parsing: text)?.description == expected)
    }

    @Test(arguments: ["", "2019-1-23", "2019-02-30", "2023-02-29", "2019-01-23T25:00:00Z", "2019-01-23T20:28:44",
                      "yesterday", "2019-01-23T20:28:44Z junk", "2019-13-01"])
    func rejects(_ text: String) {
        #expect(Timestamp(parsing: text) == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        for milliseconds in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 123_456_789_012) {
            let time = Timestamp(millisecondsSinceEpoch: milliseconds)
            #expect(Timestamp(parsing: time.description) == time)
        }
    }
}
