import ConciergeCore
import Foundation

enum WeatherRule {
    static let strong = #"\b(weather|forecast)\b"#
    static let weak = #"\b(temperature|rain(?:ing|y)?|snow(?:ing|y)?|sunny|windy|humid(?:ity)?|umbrella|how (?:hot|cold|warm))\b"#

    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        let isStrong = clause.matches(strong)
        guard isStrong || clause.matches(weak) else { return nil }
        guard let place = Slots.place(in: clause, before: #"\b(?:weather|forecast)\b"#, previous: context.lastPlace) else { return nil }
        var arguments: [String: JSONValue] = ["location": .string(place)]
        if let days = clause.captures(#"\bnext\s+(\d{1,2})\s+days\b"#).flatMap({ Int($0[1]) }) {
            arguments["days"] = .number(Double(min(max(days, 1), 16)))
        } else if clause.matches(#"\b(this|next)\s+week|weekend|week ahead|7[- ]day\b"#) {
            arguments["days"] = 7
        } else if clause.matches(#"\btomorrow\b"#) {
            arguments["days"] = 2
        }
        return RuleMatch(tool: "weather", arguments: arguments, purpose: "Weather in \(place)", carrySlot: "location", place: place)
    }
}

enum ClockRule {
    static let now = #"\b(what(?:'s| is)?\s+the\s+(?:current\s+|local\s+)?time|what\s+time\s+(?:is\s+it|it\s+is)|(?:current|local)\s+time|time\s+(?:right\s+)?now|the\s+time\s+(?:in|at)|time\s+is\s+it|clock\s+(?:in|at)|what\s+day\s+is\s+it|today'?s\s+date|what(?:'s| is)\s+(?:the\s+)?date)\b"#
    static let units = #"(minute|hour|day|week|month|year)s?"#

    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        if let found = difference(clause) ?? add(clause) { return found }
        guard clause.matches(now) else { return nil }
        let place = Slots.place(in: clause, previous: context.lastPlace)
        return RuleMatch(tool: "clock", arguments: ["operation": "now", "time_zone": .string(place ?? "UTC")],
                         purpose: "Current time in \(place ?? "UTC")", carrySlot: "time_zone", place: place)
    }

    static func difference(_ clause: String) -> RuleMatch? {
        let dates = Slots.dates(in: clause)
        if clause.matches(#"\bdays?\b.*\bbetween\b"#) || clause.matches(#"\bbetween\b.*\bdays?\b"#), dates.count >= 2 {
            return RuleMatch(tool: "clock", arguments: ["operation": "difference", "date": .string(dates[0]), "end_date": .string(dates[1])],
                             purpose: "Days between \(dates[0]) and \(dates[1])")
        }
        if clause.matches(#"\b(how\s+(?:many|long)|days?\s+(?:left|remain))\b.*\b(until|till|before|to)\b"#) || clause.matches(#"\bcount\s*down\b"#),
            let end = dates.last, end != "today"
        {
            return RuleMatch(tool: "clock", arguments: ["operation": "difference", "date": "today", "end_date": .string(end)],
                             purpose: "Days from today until \(end)")
        }
        return nil
    }

    static func add(_ clause: String) -> RuleMatch? {
        let pattern = #"(\d+)\s+"# + units + #"\s+(from|after|before|ago)(?:\s+("# + Slots.datePattern + #"))?"#
        if let parts = clause.captures(pattern), let amount = Int(parts[1]) {
            let sign = parts[3].lowercased() == "before" || parts[3].lowercased() == "ago" ? -1 : 1
            let base = Slots.normalise(parts[4].lowercased()) ?? "today"
            return addition(amount * sign, unit: parts[2].lowercased(), from: base)
        }
        if clause.matches(#"\b(date|day|when)\b"#), let parts = clause.captures(#"\bin\s+(\d+)\s+"# + units), let amount = Int(parts[1]) {
            return addition(amount, unit: parts[2].lowercased(), from: "today")
        }
        return nil
    }

    static func addition(_ amount: Int, unit: String, from base: String) -> RuleMatch {
        RuleMatch(tool: "clock", arguments: ["operation": "add", "date": .string(base), "amount": .number(Double(amount)), "unit": .string(unit + "s")],
                  purpose: "The date \(amount) \(unit)s from \(base)")
    }
}
