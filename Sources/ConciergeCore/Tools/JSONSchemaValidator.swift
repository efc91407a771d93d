/// Validates a JSON value against the subset of JSON Schema that tool parameters, plans and `output_schema`
/// use: `type` (one or a list), `properties`, `required`, `additionalProperties` (bool or schema), `enum`,
/// `const`, `items`, `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `anyOf`.
/// Unknown keywords are ignored. Errors name the JSON path, so a model can repair exactly what was wrong.
public enum JSONSchemaValidator {
    /// Every violation, as `$.path: reason`; empty when the value is valid.
    public static func errors(_ value: JSONValue, against schema: JSONValue, path: String = "$") -> [String] {
        guard case .object(let rules) = schema else { return [] }
        var problems: [String] = []
        if let types = rules["type"], !matches(value, types: types) {
            return ["\(path): must be of type \(typeList(types)), got \(typeName(value))"]
        }
        if case .array(let allowed)? = rules["enum"], !allowed.contains(value) {
            problems.append("\(path): must be one of \(allowed.map(render).joined(separator: ", ")), got \(render(value))")
        }
        if let constant = rules["const"], constant != value {
            problems.append("\(path): must be \(render(constant))")
        }
        if case .array(let options)? = rules["anyOf"], !options.contains(where: { errors(value, against: $0, path: path).isEmpty }) {
            problems.append("\(path): matches none of the allowed shapes")
        }
        switch value {
        case .object(let object): problems += objectErrors(object, rules, path)
        case .array(let items): problems += arrayErrors(items, rules, path)
        case .string(let text): problems += bounds(Double(text.count), rules["minLength"], rules["maxLength"], path, "characters")
        case .number(let number): problems += bounds(number, rules["minimum"], rules["maximum"], path, nil)
        default: break
        }
        return problems
    }

    private static func objectErrors(_ object: [String: JSONValue], _ rules: [String: JSONValue], _ path: String) -> [String] {
        var problems: [String] = []
        let properties: [String: JSONValue]
        if case .object(let declared)? = rules["properties"] { properties = declared } else { properties = [:] }
        if case .array(let required)? = rules["required"] {
            for case .string(let key) in required where object[key] == nil {
                problems.append("\(path): missing required property '\(key)'")
            }
        }
        for key in object.keys.sorted() {
            let child = "\(path).\(key)"
            if let schema = properties[key] {
                problems += errors(object[key]!, against: schema, path: child)
            } else if case .bool(false)? = rules["additionalProperties"] {
                problems.append("\(path): unknown property '\(key)'")
            } else if case .object? = rules["additionalProperties"], let schema = rules["additionalProperties"] {
                problems += errors(object[key]!, against: schema, path: child)
            }
        }
        return problems
    }

    private static func arrayErrors(_ items: [JSONValue], _ rules: [String: JSONValue], _ path: String) -> [String] {
        var problems = bounds(Double(items.count), rules["minItems"], rules["maxItems"], path, "items")
        if let schema = rules["items"] {
            for (index, item) in items.enumerated() {
                problems += errors(item, against: schema, path: "\(path)[\(index)]")
            }
        }
        return problems
    }

    private static func bounds(_ value: Double, _ low: JSONValue?, _ high: JSONValue?, _ path: String, _ unit: String?) -> [String] {
        let suffix = unit.map { " \($0)" } ?? ""
        if case .number(let minimum)? = low, value < minimum { return ["\(path): must be at least \(render(.number(minimum)))\(suffix)"] }
        if case .number(let maximum)? = high, value > maximum { return ["\(path): must be at most \(render(.number(maximum)))\(suffix)"] }
        return []
    }

    private static func matches(_ value: JSONValue, types: JSONValue) -> Bool {
        switch types {
        case .string(let type): return matches(value, type: type)
        case .array(let list): return list.contains { $0.stringValue.map { matches(value, type: $0) } ?? false }
        default: return true
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("number", .number):
            return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }

    private static func typeList(_ types: JSONValue) -> String {
        switch types {
        case .string(let type): type
        case .array(let list): list.compactMap(\.stringValue).joined(separator: " or ")
        default: "any"
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): "'\(text)'"
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: String(Int64(number))
        case .number(let number): String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        default: typeName(value)
        }
    }
}
