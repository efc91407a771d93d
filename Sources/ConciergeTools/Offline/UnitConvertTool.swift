public import ConciergeCore
import Foundation

/// `unit_convert`: converts a value between units of one dimension (length, mass, volume, time, speed, data, area,
/// temperature) with exact decimal factors.
public struct UnitConvertTool: Tool {
    public let name = "unit_convert"
    public let description = "Converts value from one unit to another of the same kind (km to mi, kg to lb, C to F, GB to MiB …)."
    public let parametersSchema: JSONValue = [
        "type": "object",
        "properties": [
            "value": ["type": "number"],
            "from": ["type": "string", "minLength": 1],
            "to": ["type": "string", "minLength": 1],
        ],
        "required": ["value", "from", "to"],
        "additionalProperties": false,
    ]
    public var timeout: Duration { .seconds(2) }

    public init() {}

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        guard let number = arguments["value"]?.numberValue, let from = arguments["from"]?.stringValue, let to = arguments["to"]?.stringValue else {
            throw ToolError.failed("value (number), from and to (units) are required")
        }
        let value = Decimal(string: String(number)) ?? Decimal(number)
        let (result, fromName, toName) = try convert(value, from: from, to: to)
        let text = CalculatorTool.format(result.rounded(10))
        let input = CalculatorTool.format(value)
        return ToolOutput(
            text: "\(input) \(fromName) = \(text) \(toName)",
            data: ["value": .number(NSDecimalNumber(decimal: result.rounded(10)).doubleValue), "text": .string(text),
                   "from": .string(fromName), "to": .string(toName)]
        )
    }

    func convert(_ value: Decimal, from: String, to: String) throws -> (Decimal, String, String) {
        if let source = UnitTable.temperature(from), let target = UnitTable.temperature(to) {
            return (UnitTable.convertTemperature(value, from: source, to: target), "°" + source, "°" + target)
        }
        guard let source = UnitTable.unit(from) else { throw ToolError.failed("unknown unit '\(from)'") }
        guard let target = UnitTable.unit(to) else { throw ToolError.failed("unknown unit '\(to)'") }
        guard source.dimension == target.dimension else {
            throw ToolError.failed("cannot convert \(source.dimension) (\(source.canonical)) to \(target.dimension) (\(target.canonical))")
        }
        return (value * source.factor / target.factor, source.canonical, target.canonical)
    }
}

extension UnitConvertTool {
    /// Every unit name the tool accepts, for the rule planner's slot extraction.
    public static var unitNames: Set<String> { Set(UnitTable.allNames) }
}
