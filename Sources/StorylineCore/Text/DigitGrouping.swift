/// Counts written for people, 1204 as "1,204": the status line, the journal, generated text.
///
/// (Foundation's `formatted()` starts a worker thread that the daemon's sandbox refuses a priority to.)
public enum DigitGrouping {
    public static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
