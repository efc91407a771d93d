public import ConciergeCore
public import Foundation
import Synchronization

/// `clock`: the time now in a time zone, date arithmetic (`add`) and the days between two dates (`difference`).
public struct ClockTool: Tool {
    public let name = "clock"
    public let description = """
        Time and dates. operation "now": the current time in time_zone (IANA id or city). "add": date (YYYY-MM-DD \
        or "today") plus amount of unit (days, weeks, months, years, hours). "difference": whole days from date to end_date.
        """
    public let parametersSchema: JSONValue = [
        "type": "object",
        "properties": [
            "operation": ["type": "string", "enum": ["now", "add", "difference"]],
            "time_zone": ["type": "string", "description": "IANA time zone or city; default UTC"],
            "date": ["type": "string", "description": "YYYY-MM-DD or today"],
            "end_date": ["type": "string", "description": "YYYY-MM-DD or today"],
            "amount": ["type": "integer"],
            "unit": ["type": "string", "enum": ["minutes", "hours", "days", "weeks", "months", "years"]],
        ],
        "required": ["operation"],
        "additionalProperties": false,
    ]
    public var timeout: Duration { .seconds(2) }
    let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        let zoneName = arguments["time_zone"]?.stringValue ?? "UTC"
        guard let zone = TimeZoneResolver.resolve(zoneName) else { throw ToolError.failed("unknown time zone '\(zoneName)'") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        switch arguments["operation"]?.stringValue ?? "now" {
        case "now": return current(zone: zone, asked: zoneName)
        case "add": return try add(arguments, calendar: calendar)
        case "difference": return try difference(arguments, calendar: calendar)
        case let other: throw ToolError.failed("unknown operation '\(other)'")
        }
    }

    private func current(zone: TimeZone, asked: String) -> ToolOutput {
        let instant = now()
        let local = Self.formatter("yyyy-MM-dd'T'HH:mm:ssXXX", zone).string(from: instant)
        let readable = Self.formatter("EEEE d MMMM yyyy, HH:mm", zone).string(from: instant)
        let offset = Self.formatter("xxx", zone).string(from: instant)
        return ToolOutput(
            text: "It is \(readable) in \(asked) (\(zone.identifier), UTC\(offset)).",
            data: ["time_zone": .string(zone.identifier), "local_time": .string(local), "utc_offset": .string(offset),
                   "unix_time": .number(instant.timeIntervalSince1970.rounded(.down))]
        )
    }

    private func add(_ arguments: ToolArguments, calendar: Calendar) throws -> ToolOutput {
        let start = try date(arguments["date"]?.stringValue ?? "today", calendar: calendar)
        guard let amount = arguments["amount"]?.numberValue.map(Int.init) else { throw ToolError.failed("add needs an integer amount") }
        let units: [String: Calendar.Component] = ["minutes": .minute, "hours": .hour, "days": .day, "weeks": .weekOfYear, "months": .month, "years": .year]
        let unitName = arguments["unit"]?.stringValue ?? "days"
        guard let unit = units[unitName], let result = calendar.date(byAdding: unit, value: amount, to: start) else {
            throw ToolError.failed("unknown unit '\(unitName)'")
        }
        let day = Self.formatter("yyyy-MM-dd", calendar.timeZone).string(from: result)
        let weekday = Self.formatter("EEEE", calendar.timeZone).string(from: result)
        return ToolOutput(text: "\(amount) \(unitName) after \(Self.formatter("yyyy-MM-dd", calendar.timeZone).string(from: start)) is \(weekday) \(day).",
                          data: ["date": .string(day), "weekday": .string(weekday)])
    }

    private func difference(_ arguments: ToolArguments, calendar: Calendar) throws -> ToolOutput {
        let start = try date(arguments["date"]?.stringValue ?? "today", calendar: calendar)
        let end = try date(arguments["end_date"]?.stringValue ?? "today", calendar: calendar)
        let days = calendar.dateComponents([.day], from: calendar.startOfDay(for: start), to: calendar.startOfDay(for: end)).day ?? 0
        let format = Self.formatter("yyyy-MM-dd", calendar.timeZone)
        return ToolOutput(text: "From \(format.string(from: start)) to \(format.string(from: end)) is \(days) days.", data: ["days": .number(Double(days))])
    }

    private func date(_ text: String, calendar: Calendar) throws -> Date {
        let lower = text.lowercased()
        if lower == "today" || lower == "now" { return now() }
        if lower == "tomorrow", let next = calendar.date(byAdding: .day, value: 1, to: now()) { return next }
        guard let parsed = Self.formatter("yyyy-MM-dd", calendar.timeZone).date(from: text) else {
            throw ToolError.failed("'\(text)' is not a date (YYYY-MM-DD or today)")
        }
        return parsed
    }

    static func formatter(_ format: String, _ zone: TimeZone) -> ZonedFormat { ZonedFormat(format: format, zone: zone) }

    /// A date format in a zone. Its ICU formatter comes from a small shared cache, since building one costs far
    /// more than using it; the cache's lock is held while one is in use.
    struct ZonedFormat: Sendable {
        let format: String
        let zone: TimeZone

        func string(from date: Date) -> String { with { $0.string(from: date) } }
        func date(from text: String) -> Date? { with { $0.date(from: text) } }

        private func with<T: Sendable>(_ body: (DateFormatter) -> T) -> T {
            ClockTool.formatters.withLock { cache in
                let key = format + "|" + zone.identifier
                if let cached = cache[key] { return body(cached) }
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.calendar = Calendar(identifier: .gregorian)
                formatter.timeZone = zone
                formatter.dateFormat = format
                if cache.count >= 512 { cache.removeAll() }
                cache[key] = formatter
                return body(formatter)
            }
        }
    }

    static let formatters = Mutex<[String: DateFormatter]>([:])
}
