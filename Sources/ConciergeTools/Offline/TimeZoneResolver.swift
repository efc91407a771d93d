import Foundation

/// Finds an IANA time zone from what people write: an identifier (`Asia/Tokyo`), an abbreviation (`UTC`, `PST`),
/// or a city that names a zone (`Tokyo`, `new york`), plus a short table of big cities that do not.
enum TimeZoneResolver {
    static let aliases: [String: String] = [
        "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles", "beijing": "Asia/Shanghai",
        "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata",
        "washington": "America/New_York", "boston": "America/New_York", "miami": "America/New_York", "austin": "America/Chicago",
        "dallas": "America/Chicago", "houston": "America/Chicago", "osaka": "Asia/Tokyo", "kyoto": "Asia/Tokyo",
        "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin", "milan": "Europe/Rome",
        "barcelona": "Europe/Madrid", "geneva": "Europe/Zurich", "manchester": "Europe/London", "edinburgh": "Europe/London",
        "melbourne": "Australia/Melbourne", "montreal": "America/Toronto", "rio de janeiro": "America/Sao_Paulo",
        "hanoi": "Asia/Bangkok", "utc": "UTC", "gmt": "GMT", "zulu": "UTC",
    ]

    /// Every known zone by its last component, lower-cased (`tokyo` → `Asia/Tokyo`), built once: scanning the ~600
    /// identifiers per call cost more than the rest of a clock call. The first identifier in the system's order wins,
    /// as the scan it replaces did.
    static let cities: [String: String] = {
        var index: [String: String] = [:]
        for identifier in TimeZone.knownTimeZoneIdentifiers {
            guard let last = identifier.split(separator: "/").last else { continue }
            let key = last.lowercased()
            if index[key] == nil { index[key] = identifier }
        }
        return index
    }()

    static func resolve(_ text: String) -> TimeZone? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        if let zone = TimeZone(identifier: trimmed) { return zone }
        let lower = trimmed.lowercased()
        if let alias = aliases[lower] { return TimeZone(identifier: alias) }
        if trimmed.count <= 5, let zone = TimeZone(abbreviation: trimmed.uppercased()) { return zone }
        let city = lower.replacingOccurrences(of: " ", with: "_")
        let match = cities[city]
        return match.flatMap(TimeZone.init(identifier:))
    }
}
