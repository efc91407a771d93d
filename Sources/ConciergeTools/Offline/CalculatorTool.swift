public import ConciergeCore
import Foundation

/// `calculator`: exact decimal arithmetic from its own parser (``DecimalExpression``); no code is evaluated.
public struct CalculatorTool: Tool {
    public let name = "calculator"
    public let description = """
        Exact decimal arithmetic. Accepts + - * / ^, parentheses, sqrt, thousands separators and percentages \
        ("17.5% of 2,340", "200 + 10%"). Give one expression.
        """
    public let parametersSchema: JSONValue = .object([
        "type": "object",
        "properties": .object([
            "expression": .object(["type": "string", "minLength": 1, "maxLength": 500, "description": "The arithmetic to evaluate"]),
        ]),
        "required": ["expression"],
        "additionalProperties": false,
    ])
    public var timeout: Duration { .seconds(2) }

    public init() {}

    public func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        guard let expression = arguments["expression"]?.stringValue else { throw ToolError.failed("expression must be a string") }
        let value: Decimal
        do {
            value = try DecimalExpression.evaluate(expression)
        } catch let failure as DecimalExpression.Failure {
            throw ToolError.failed(failure.description)
        }
        let text = Self.format(value)
        return ToolOutput(
            text: "\(expression.trimmingCharacters(in: .whitespaces)) = \(text)",
            data: .object(["expression": .string(expression), "value": .string(text), "number": .number(NSDecimalNumber(decimal: value).doubleValue)])
        )
    }

    /// Plain digits, at most 20 decimal places, no trailing zeros, no exponent.
    static func format(_ value: Decimal) -> String {
        let rounded = value.rounded(20)
        return rounded.description
    }
}
