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

    @Test(arguments: [
        ("Tue, 01 Dec 2026 14:02:00 GMT", "2026-12-01T14:02:00.000Z"),
        ("Tue, 1 Dec 2026 14:02:00 +0000", "2026-12-01T14:02:00.000Z"),
        ("Tuesday, 01 Dec 2026 14:02 -0500", "2026-12-01T19:02:00.000Z"),
        ("01 Dec 2026 14:02:00 +0530", "2026-12-01T08:32:00.000Z"),
        ("1 dec 2026 14:02:00 UT", "2026-12-01T14:02:00.000Z"),
        ("01 Dec 2026 14:02:00 UTC", "2026-12-01T14:02:00.000Z"),
        ("01 Dec 2026 14:02:00 Z", "2026-12-01T14:02:00.000Z"),
        ("01 Dec 2026 14:02:00 EST", "2026-12-01T19:02:00.000Z"),
        ("01 Jul 2026 14:02:00 EDT", "2026-07-01T18:02:00.000Z"),
        ("01 Dec 2026 14:02:00 CST", "2026-12-01T20:02:00.000Z"),
        ("01 Jul 2026 14:02:00 CDT", "2026-07-01T19:02:00.000Z"),
        ("01 Dec 2026 14:02:00 MST", "2026-12-01T21:02:00.000Z"),
        ("01 Jul 2026 14:02:00 MDT", "2026-07-01T20:02:00.000Z"),
        ("01 Dec 2026 14:02:00 PST", "2026-12-01T22:02:00.000Z"),
        ("01 Jul 2026 14:02:00 PDT", "2026-07-01T21:02:00.000Z"),
        ("Sun,  29 Feb 2032 23:59:60 GMT", "2032-03-01T00:00:00.000Z"),
        ("2026-12-01 14:02:00", "2026-12-01T14:02:00.000Z"),
        ("2026-12-01T14:02:00", "2026-12-01T14:02:00.000Z"),
        ("2026-12-01T14:02:00.25", "2026-12-01T14:02:00.250Z"),
        ("1796133720", "2026-12-01T14:02:00.000Z"),
        ("1796133720123", "2026-12-01T14:02:00.123Z"),
        ("0", "1970-01-01T00:00:00.000Z"),
    ])
    func parsesFeedDates(_ text: String, _ expected: String) {
        #expect(Timestamp(parsingFeedDate: text)?.description == expected)
    }

    @Test(arguments: ["", "Tue, 30 Feb 2026 14:02:00 GMT", "Tue, 01 Dec 2026 25:00:00 GMT", "01 Dec 2026 14:60:00 GMT",
                      "01 Dec 2026 14:02:00", "01 Dec 2026 14:02:00 CET", "01 Dek 2026 14:02:00 GMT",
                      "Tue, 01 Dec 26 14:02:00 GMT", "Funday, 01 Dec 2026 14:02:00 GMT", "01 Dec 2026 14:02:00 +2400",
                      "2026-02-30 10:00:00", "2026-12-01 24:00:00", "2026-12-01T14:02", "12345678901234567",
                      "-5", "1796133720 ", "next Tuesday"])
    func rejectsFeedDatesThatNameNoMoment(_ text: String) {
        #expect(Timestamp(parsingFeedDate: text) == nil)
    }

    @Test func readsEpochNumbers() {
        #expect(Timestamp(epoch: 1_796_133_720)?.description == "2026-12-01T14:02:00.000Z")
        #expect(Timestamp(epoch: 1_796_133_720_123)?.description == "2026-12-01T14:02:00.123Z")
        #expect(Timestamp(epoch: 99_999_999_999)?.description == "5138-11-16T09:46:39.000Z")
        #expect(Timestamp(epoch: 100_000_000_000)?.description == "1973-03-03T09:46:40.000Z")
        #expect(Timestamp(epoch: -1) == nil)
        #expect(Timestamp(epoch: .infinity) == nil)
        #expect(Timestamp(epoch: .nan) == nil)
        #expect(Timestamp(epoch: 1e300) == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        for milliseconds in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 123_456_789_012) {
            let time = Timestamp(millisecondsSinceEpoch: milliseconds)
            #expect(Timestamp(parsing: time.description) == time)
        }
    }
}
