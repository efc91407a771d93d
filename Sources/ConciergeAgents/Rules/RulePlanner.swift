public import ConciergeCore
import Foundation

/// The deterministic planner: cuts the task into clauses, finds one intent per clause (URL fetch, GitHub, weather,
/// unit conversion, clock, arithmetic, in that order) and extracts its slots. A clause with no intent of its own
/// (`… in London and Paris`) repeats the previous intent with its slot replaced. Used with no model, when every
/// model is down, when the LLM planner fails, or on request.
public struct RulePlanner: Sendable {
    public struct NoMatch: Error, CustomStringConvertible {
        public let task: String
        public let tools: [String]
        public var description: String {
            "the rule planner found nothing it can do in this task (its tools here: \(tools.joined(separator: ", ")))"
        }
    }

    static let intents: [(String, @Sendable (String, RuleContext) -> RuleMatch?)] = [
        ("http_fetch", FetchRule.match), ("github", GitHubRule.match), ("weather", WeatherRule.match),
        ("unit_convert", UnitConvertRule.match), ("clock", ClockRule.match), ("calculator", CalculatorRule.match),
    ]

    let toolNames: Set<String>
    let unitNames: Set<String>
    let maxSteps: Int

    /// - Parameters:
    ///   - toolNames: intents for tools not in this set are ignored.
    ///   - unitNames: the unit names `unit_convert` accepts (empty accepts any word).
    public init(toolNames: Set<String>, unitNames: Set<String> = [], maxSteps: Int = 10) {
        self.toolNames = toolNames
        self.unitNames = unitNames
        self.maxSteps = maxSteps
    }

    public func plan(_ task: String) throws -> Plan {
        var context = RuleContext(lastPlace: nil, unitNames: unitNames)
        var matches: [RuleMatch] = []
        for clause in ClauseSplitter.clauses(of: task) {
            guard let found = match(clause, context) ?? carryOver(clause, previous: matches.last) else { continue }
            if let place = found.place { context.lastPlace = place }
            let duplicate = matches.contains { $0.tool == found.tool && $0.arguments == found.arguments }
            if !duplicate { matches.append(found) }
        }
        guard !matches.isEmpty else { throw NoMatch(task: task, tools: toolNames.sorted()) }
        let steps = matches.prefix(maxSteps).enumerated().map { index, found in
            PlanStep(id: "s\(index + 1)", tool: found.tool, arguments: found.arguments, purpose: found.purpose)
        }
        return Plan(steps: Array(steps), planner: "rules")
    }

    func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        for (tool, rule) in Self.intents where toolNames.contains(tool) {
            if let found = rule(clause, context) { return found }
        }
        return nil
    }

    /// "… and Paris": a short clause that names only a slot value keeps the previous intent.
    func carryOver(_ clause: String, previous: RuleMatch?) -> RuleMatch? {
        guard let previous, let slot = previous.carrySlot else { return nil }
        var words = Slots.tokens(clause)
        while let first = words.first, ["in", "for", "at", "the", "about", "of", "what", "about"].contains(first.lowercased()) { words.removeFirst() }
        guard (1...4).contains(words.count), words.allSatisfy({ !$0.contains(where: \.isNumber) }) else { return nil }
        let value = slot == "query" ? words.joined(separator: " ") : Slots.capitalised(words.joined(separator: " "))
        var next = previous
        next.arguments[slot] = .string(value)
        next.purpose = previous.purpose.replacingOccurrences(of: previous.arguments[slot]?.stringValue ?? "", with: value)
        if slot != "query" { next.place = value }
        return next
    }
}
