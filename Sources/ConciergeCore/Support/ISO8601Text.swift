public import Foundation

/// ISO 8601 UTC timestamps written without a date formatter (building one per call was a measurable cost):
/// `2026-11-22T08:23:41Z` as `JSONEncoder`'s `.iso8601` strategy writes a date (whole seconds), and
/// `2026-11-22T08:23:41.123Z` for log lines.
public enum ISO8601Text {
    public static func string(_ date: Date) -> String {
        string(seconds: Int(date.timeIntervalSince1970.rounded(.down)), milliseconds: nil)
    }

    /// The time now with milliseconds, for log lines.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return string(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    static func string(seconds: Int, milliseconds: Int?) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text = "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
        text += "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
        if let milliseconds { text += ".\(pad(milliseconds, 3))" }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
