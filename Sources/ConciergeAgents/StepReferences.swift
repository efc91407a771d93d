public import ConciergeCore

/// `"${s1}"` (a step's text) and `"${s1.field.0.name}"` (a path into its data) inside step arguments.
public enum StepReferences {
    /// One `${step.path}` in a string; `path` keeps its leading dot (empty for the step's text).
    struct Match {
        let range: Range<String.Index>
        let step: Substring
        let path: Substring
    }

    /// The references in `text`, left to right: `\$\{([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+)*)\}`, scanned by hand
    /// because a `Regex` is parsed again each time it is built, which cost more than the rest of planning.
    static func matches(in text: String) -> [Match] {
        let bytes = text.utf8
        guard bytes.contains(UInt8(ascii: "$")) else { return [] }
        func isName(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "_"), UInt8(ascii: "-"): true
            default: false
            }
        }
        func skipName(from index: String.Index) -> String.Index {
            var index = index
            while index != bytes.endIndex, isName(bytes[index]) { index = bytes.index(after: index) }
            return index
        }
        var found: [Match] = []
        var index = bytes.startIndex
        while let dollar = bytes[index...].firstIndex(of: UInt8(ascii: "$")) {
            index = bytes.index(after: dollar)
            guard index != bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { continue }
            let nameStart = bytes.index(after: index)
            let nameEnd = skipName(from: nameStart)
            guard nameEnd != nameStart else { continue }
            var pathEnd = nameEnd
            while pathEnd != bytes.endIndex, bytes[pathEnd] == UInt8(ascii: ".") {
                let segmentStart = bytes.index(after: pathEnd)
                let segmentEnd = skipName(from: segmentStart)
                guard segmentEnd != segmentStart else { break }
                pathEnd = segmentEnd
            }
            guard pathEnd != bytes.endIndex, bytes[pathEnd] == UInt8(ascii: "}") else { continue }
            index = bytes.index(after: pathEnd)
            found.append(Match(range: dollar..<index, step: text[nameStart..<nameEnd], path: text[nameEnd..<pathEnd]))
        }
        return found
    }

    /// The step ids an argument value refers to.
    public static func referencedSteps(in value: JSONValue) -> Set<String> {
        switch value {
        case .string(let text): Set(matches(in: text).map { String($0.step) })
        case .array(let items): items.reduce(into: Set()) { $0.formUnion(referencedSteps(in: $1)) }
        case .object(let object): object.values.reduce(into: Set()) { $0.formUnion(referencedSteps(in: $1)) }
        default: []
        }
    }

    /// Fills references from finished outputs. A string that is only a reference takes the referenced JSON value.
    public static func resolve(_ value: JSONValue, outputs: [String: ToolOutput]) throws -> JSONValue {
        switch value {
        case .string(let text):
            let matches = matches(in: text)
            guard !matches.isEmpty else { return value }
            if matches.count == 1, matches[0].range == text.startIndex..<text.endIndex {
                return try lookup(String(matches[0].step), path: String(matches[0].path), outputs)
            }
            var result = text
            for match in matches.reversed() {
                let replacement = try lookup(String(match.step), path: String(match.path), outputs)
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
