import ConciergeCore
import Foundation

enum UnitConvertRule {
    static let number = #"(-?\d[\d,]*(?:\.\d+)?)"#
    static let unit = #"(°?\s?[a-z²/]+(?:\s[a-z]+){0,2})"#

    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        let lower = clause.lowercased()
        if let parts = lower.captures(number + #"\s*"# + unit + #"\s+(?:to|in|into|as|in terms of)\s+"# + unit),
            let found = build(parts[1], parts[2], parts[3], context)
        {
            return found
        }
        let howMany = #"how\s+many\s+"# + unit + #"\s+(?:are\s+in|is\s+in|in|makes?|equals?|is|are|to)\s+(?:a\s+|an\s+|one\s+)?"# + number + #"?\s*"# + unit
        if let parts = lower.captures(howMany) {
            return build(parts[2].isEmpty ? "1" : parts[2], parts[3], parts[1], context)
        }
        return nil
    }

    /// Units are matched longest-first against the known names (`fl oz` before `oz`), dropping trailing words.
    static func build(_ rawValue: String, _ rawFrom: String, _ rawTo: String, _ context: RuleContext) -> RuleMatch? {
        guard let value = Double(rawValue.replacingOccurrences(of: ",", with: "")),
            let from = known(rawFrom, context), let to = known(rawTo, context)
        else { return nil }
        return RuleMatch(tool: "unit_convert", arguments: ["value": .number(value), "from": .string(from), "to": .string(to)],
                         purpose: "Convert \(rawValue) \(from) to \(to)")
    }

    static func known(_ raw: String, _ context: RuleContext) -> String? {
        var words = raw.trimmingCharacters(in: .whitespaces).split(separator: " ").map(String.init)
        if words.first == "degrees", words.count > 1 { words.removeFirst() }
        while !words.isEmpty {
            let candidate = words.joined(separator: " ")
            if context.unitNames.isEmpty || context.unitNames.contains(candidate)
                || (candidate.hasSuffix("s") && context.unitNames.contains(String(candidate.dropLast())))
            {
                return candidate
            }
            words.removeLast()
        }
        return nil
    }
}

enum CalculatorRule {
    static let atom = #"(?:[$€£]?\d[\d,]*(?:\.\d+)?|\*\*|[-+*/^×÷()%]|\b(?:plus|minus|times|multiplied by|divided by|over|of|percent|squared|cubed|sqrt|square root of|to the power of|x)\b)"#
    static let operators = #"[-+*/^×÷%]|\b(plus|minus|times|multiplied|divided|over|percent|squared|cubed|sqrt|root|power|x)\b"#

    static func match(_ clause: String, _ context: RuleContext) -> RuleMatch? {
        let lower = clause.lowercased()
        if let parts = lower.captures(#"(\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:tip|tax|discount|off|service charge|vat)?\s*(?:on|of|for|from)\s+[$€£]?(\d[\d,]*(?:\.\d+)?)"#) {
            return expression("\(parts[1])% of \(parts[2])")
        }
        if let parts = lower.captures(#"split\s+(?:a\s+)?[$€£]?(\d[\d,]*(?:\.\d+)?)\s*(?:[a-z]+\s+)?(?:bill\s+)?(?:between|among|by|across|into)\s+(\d+)"#) {
            return expression("\(parts[1]) / \(parts[2])")
        }
        guard let regex = PatternCache.regex("\(atom)(?:\\s*\(atom))*") else { return nil }
        let candidates = regex.matches(in: lower, range: NSRange(lower.startIndex..., in: lower)).compactMap { Range($0.range, in: lower).map { String(lower[$0]) } }
        let usable = candidates.map(trim).filter { $0.contains(where: \.isNumber) && $0.matches(operators) }
        guard let best = usable.max(by: { $0.count < $1.count }) else { return nil }
        return expression(best)
    }

    /// Drops dangling words and operators at the ends ("of 3 +" → "3").
    static func trim(_ text: String) -> String {
        var words = text.split(separator: " ").map(String.init)
        let dangling: Set<String> = ["of", "plus", "minus", "times", "over", "x", "+", "-", "*", "/", "^", "×", "÷"]
        while let first = words.first, dangling.contains(first) { words.removeFirst() }
        while let last = words.last, dangling.contains(last) || last == "by" { words.removeLast() }
        return words.joined(separator: " ")
    }

    static func expression(_ text: String) -> RuleMatch {
        RuleMatch(tool: "calculator", arguments: ["expression": .string(text)], purpose: "Calculate \(text)")
    }
}
