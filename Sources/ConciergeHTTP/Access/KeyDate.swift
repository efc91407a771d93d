public import Foundation

/// Parses the expiry dates `keys create --expires` and `/admin/keys` accept.
public enum KeyDate {
    /// `2027-01-31T12:00:00Z` or `2027-01-31` (midnight UTC); nil when neither.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let strategy = Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day()
        return try? Date(text, strategy: strategy)
    }
}
