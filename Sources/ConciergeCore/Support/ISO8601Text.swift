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
        // Digits written in place: a padded string per field was about twenty allocations per log line.
        return String(unsafeUninitializedCapacity: 28) { buffer in
            var index = 0
            func put(_ value: Int, _ width: Int) {
                var value = value
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[index + offset] = 0x30 + UInt8(value % 10)
                    value /= 10
                }
                index += width
            }
            func put(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            put(Int(parts.tm_year) + 1900, 4)
            put(0x2D)
            put(Int(parts.tm_mon) + 1, 2)
            put(0x2D)
            put(Int(parts.tm_mday), 2)
            put(0x54)
            put(Int(parts.tm_hour), 2)
            put(0x3A)
            put(Int(parts.tm_min), 2)
            put(0x3A)
            put(Int(parts.tm_sec), 2)
            if let milliseconds {
                put(0x2E)
                put(milliseconds, 3)
            }
            put(0x5A)
            return index
        }
    }
}
