public import Foundation

/// `2026-11-22T08:23:41Z`: a date as `JSONEncoder`'s `.iso8601` strategy writes it (whole seconds, UTC), without
/// building a formatter per call.
public enum ISO8601Text {
    public static func string(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(days)
        var text = ""
        text.reserveCapacity(20)
        pad(year, 4, &text)
        text += "-"
        pad(month, 2, &text)
        text += "-"
        pad(day, 2, &text)
        text += "T"
        pad(secondOfDay / 3600, 2, &text)
        text += ":"
        pad(secondOfDay / 60 % 60, 2, &text)
        text += ":"
        pad(secondOfDay % 60, 2, &text)
        text += "Z"
        return text
    }

    private static func pad(_ value: Int64, _ width: Int, _ text: inout String) {
        let digits = String(value)
        if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
        text += digits
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
    private static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
