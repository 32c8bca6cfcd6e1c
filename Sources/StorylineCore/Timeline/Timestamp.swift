/// A moment in UTC, to the millisecond.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public static let millisecondsPerDay: Int64 = 86_400_000

    /// The same moment `days` later.
    public func adding(days: Double) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + Int64(days * Double(Self.millisecondsPerDay)))
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T04:33:10.123Z`.
    public var description: String {
        let days = millisecondsSinceEpoch >= 0
            ? millisecondsSinceEpoch / Self.millisecondsPerDay
            : (millisecondsSinceEpoch - Self.millisecondsPerDay + 1) / Self.millisecondsPerDay
        let withinDay = millisecondsSinceEpoch - days * Self.millisecondsPerDay
        let (year, month, day) = Self.civilDate(fromDays: days)
        let hour = withinDay / 3_600_000, minute = withinDay / 60_000 % 60
        let second = withinDay / 1000 % 60, millisecond = withinDay % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):"
            + "\(pad(second, 2)).\(pad(millisecond, 3))Z"
    }

    /// Parses RFC 3339 (`2019-01-23T20:28:44Z`, `…T20:28:44.5+02:00`) or a date alone (`2019-01-23`,
    /// taken as midnight UTC). Returns nil for anything else.
    public init?(parsing text: String) {
        guard let milliseconds = Self.millisecondsSinceEpoch(iso8601: Array(text.utf8), zonelessIsUTC: false)
        else { return nil }
        self.init(millisecondsSinceEpoch: milliseconds)
    }

    /// RFC 3339 or a date alone; with `zonelessIsUTC`, also a date and time without a zone, taken as UTC.
    static func millisecondsSinceEpoch(iso8601 bytes: [UInt8], zonelessIsUTC: Bool) -> Int64? {
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<position + width] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            position += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var milliseconds = Self.days(year: year, month: month, day: day) * Self.millisecondsPerDay
        if position == bytes.count { return milliseconds }
        guard expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2), hour < 24, minute < 60, second < 61
        else { return nil }
        milliseconds += ((hour * 60 + minute) * 60 + second) * 1000
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            var scale: Int64 = 100
            var digits = 0
            while position < bytes.count, bytes[position] >= 0x30 && bytes[position] <= 0x39 {
                milliseconds += Int64(bytes[position] - 0x30) * scale
                scale /= 10
                position += 1
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        if position == bytes.count && zonelessIsUTC {
            return milliseconds
        } else if expect("Zz") {
            // UTC
        } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[position] == UInt8(ascii: "+") ? 1 : -1
            position += 1
            guard let offsetHours = number(2), expect(":"), let offsetMinutes = number(2),
                  offsetHours < 24, offsetMinutes < 60
            else { return nil }
            milliseconds -= sign * (offsetHours * 60 + offsetMinutes) * 60_000
        } else {
            return nil
        }
        guard position == bytes.count else { return nil }
        return milliseconds
    }

    static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
