public import ConciergeCore

/// `"${s1}"` (a step's text) and `"${s1.field.0.name}"` (a path into its data) inside step arguments.
public enum StepReferences {
    /// `${step}` or `${step.path}`: the step id, then the path with its leading dot (empty for the step's text).
    /// Built once: a regex literal is parsed and compiled again every time it is evaluated. `Regex` is not marked
    /// Sendable, but a built regex is never mutated (as in ``ClauseSplitter``).
    nonisolated(unsafe) static let pattern: Regex<(Substring, Substring, Substring)> = /\$\{([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+)*)\}/

    /// The step ids an argument value refers to.
    public static func referencedSteps(in value: JSONValue) -> Set<String> {
        switch value {
        case .string(let text): Set(text.matches(of: pattern).map { String($0.output.1) })
        case .array(let items): items.reduce(into: Set()) { $0.formUnion(referencedSteps(in: $1)) }
        case .object(let object): object.values.reduce(into: Set()) { $0.formUnion(referencedSteps(in: $1)) }
        default: []
        }
    }

    /// Fills references from finished outputs. A string that is only a reference takes the referenced JSON value.
    public static func resolve(_ value: JSONValue, outputs: [String: ToolOutput]) throws -> JSONValue {
        switch value {
        case .string(let text):
            let matches = text.matches(of: pattern)
            guard !matches.isEmpty else { return value }
            if matches.count == 1, matches[0].range == text.startIndex..<text.endIndex {
                return try lookup(String(matches[0].output.1), path: String(matches[0].output.2), outputs)
            }
            var result = text
            for match in matches.reversed() {
                let replacement = try lookup(String(match.output.1), path: String(match.output.2), outputs)
                result.replaceSubrange(match.range, with: replacement.stringValue ?? replacement.jsonText)
            }
            return .string(result)
        case .array(let items): return .array(try items.map { try resolve($0, outputs: outputs) })
        case .object(let object): return .object(try object.mapValues { try resolve($0, outputs: outputs) })
        default: return value
        }
    }

    static func lookup(_ step: String, path: String, _ outputs: [String: ToolOutput]) throws -> JSONValue {
        guard let output = outputs[step] else { throw ToolError.failed("step '\(step)' has no result to refer to") }
        guard !path.isEmpty else { return .string(output.text) }
        var current = output.data
        for component in path.split(separator: ".").map(String.init) {
            if let index = Int(component), case .array(let items) = current, items.indices.contains(index) {
                current = items[index]
            } else if let next = current[component] {
                current = next
            } else {
                throw ToolError.failed("step '\(step)' has no field '\(path.dropFirst())'")
            }
        }
        return current
    }
}
