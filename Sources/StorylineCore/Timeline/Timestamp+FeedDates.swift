/// The other ways feeds and scrapers write a publication time.
///
/// RFC 3339 is what Storyline asks for, but RSS writes RFC 2822, scrapers drop the zone, and some
/// producers give seconds since the epoch. Each form names one moment; a form that names none (a zone
/// we do not know, February 30, hour 25) is not guessed at.
extension Timestamp {
    /// Latest moment a feed date may name: the end of year 9999, the last the RFC 3339 form can write.
    static let latestFeedMilliseconds: Int64 = 253_402_300_799_999

    /// An epoch number at least this large counts milliseconds, not seconds: 1e11 seconds is the year 5138,
    /// 1e11 milliseconds is March 1973.
    static let smallestEpochMilliseconds: Double = 1e11

    /// Parses the forms `init(parsing:)` does not: ISO 8601 without a zone (`2026-12-01 14:02:00`,
    /// `2026-12-01T14:02:00`, taken as UTC), RFC 2822 (`Tue, 01 Dec 2026 14:02:00 GMT`, `… +0000`, with or
    /// without the weekday) and a string of digits since the epoch (as `init(epoch:)`).
    ///
    /// The weekday of an RFC 2822 date is read but not checked against the date: feeds get it wrong more
    /// often than the date.
    public init?(parsingFeedDate text: String) {
        let bytes = Array(text.utf8)
        if !bytes.isEmpty, bytes.count <= 16, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
           let number = Int64(text) {
            self.init(epoch: Double(number))
        } else if let milliseconds = Self.millisecondsSinceEpoch(iso8601: bytes, zonelessIsUTC: true)
                    ?? Self.millisecondsSinceEpoch(rfc2822: text) {
            self.init(millisecondsSinceEpoch: milliseconds)
        } else {
            return nil
        }
    }

    /// A number since the epoch: seconds, or milliseconds when it is above 1e11. Nil when it is negative,
    /// not finite, or after the year 9999.
    public init?(epoch number: Double) {
        guard number.isFinite, number >= 0 else { return nil }
        let milliseconds = number >= Self.smallestEpochMilliseconds ? number : number * 1000
        guard milliseconds <= Double(Self.latestFeedMilliseconds) else { return nil }
        self.init(millisecondsSinceEpoch: Int64(milliseconds.rounded(.down)))
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let weekdayNames: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    /// The offsets, in minutes east of UTC, of the zone names RFC 2822 keeps as obsolete but RSS still writes.
    private static let zoneOffsets: [String: Int64] = [
        "gmt": 0, "ut": 0, "utc": 0, "z": 0,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300,
        "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    ]

    /// `[Weekday,] DD Mon YYYY HH:MM[:SS] ZONE`, ZONE being `+hhmm`, `-hhmm` or a name in `zoneOffsets`.
    static func millisecondsSinceEpoch(rfc2822 text: String) -> Int64? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        if let first = words.first, first.hasSuffix(",") || weekdayNames.contains(first) {
            guard weekdayNames.contains(first.hasSuffix(",") ? String(first.dropLast()) : first) else { return nil }
            words.removeFirst()
            if words.first == "," { words.removeFirst() }
        }
        guard words.count == 5 else { return nil }
        func digits(_ word: Substring, _ widths: ClosedRange<Int>) -> Int64? {
            guard widths.contains(word.count), word.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int64(word)
        }
        let clock = words[3].split(separator: ":", omittingEmptySubsequences: false)
        guard let day = digits(words[0][...], 1...2),
              let monthIndex = monthNames.firstIndex(of: words[1]),
              let year = digits(words[2][...], 4...4),
              clock.count == 2 || clock.count == 3,
              let hour = digits(clock[0], 2...2), let minute = digits(clock[1], 2...2),
              let second = clock.count == 3 ? digits(clock[2], 2...2) : 0,
              let offset = zoneOffset(words[4])
        else { return nil }
        let month = Int64(monthIndex + 1)
        guard (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let seconds = days(year: year, month: month, day: day) * 86_400 + (hour * 60 + minute) * 60 + second
        return (seconds - offset * 60) * 1000
    }

    /// Minutes east of UTC of an RFC 2822 zone: `+hhmm`, `-hhmm` or an obsolete name.
    private static func zoneOffset(_ word: String) -> Int64? {
        if let named = zoneOffsets[word] { return named }
        guard let sign = word.first, sign == "+" || sign == "-", word.count == 5,
              word.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int64(word.dropFirst())
        else { return nil }
        let hours = value / 100, minutes = value % 100
        guard hours < 24, minutes < 60 else { return nil }
        return (sign == "+" ? 1 : -1) * (hours * 60 + minutes)
    }
}
