import ConciergeCore

/// `response_format: json_schema` on Anthropic, which has no such parameter: the schema becomes the input schema of one
/// tool the model is forced to call (`tool_choice: {"type":"tool","name":…}`), and that call's input is the answer.
/// Anthropic documents this as its way to get JSON that follows a schema. Used only when the caller sent no tools of
/// its own (forcing ours would take theirs away) and the schema is an object schema (the only kind a tool input can
/// be); otherwise the schema is asked for in the system prompt, as before.
struct AnthropicStructuredOutput: Sendable, Hashable {
    /// The forced tool's name.
    let toolName: String
    let schema: JSONValue

    static let fallbackName = "json_output"

    init?(_ request: ChatRequest) {
        guard case .jsonSchema(let name, let schema, _) = request.responseFormat, request.tools.isEmpty,
            case .object(let fields) = schema, fields["type"] == .string("object")
        else { return nil }
        self.toolName = Self.isValidToolName(name) ? name : Self.fallbackName
        self.schema = schema
    }

    /// Anthropic's tool names: 1–64 of `a-z A-Z 0-9 _ -`.
    static func isValidToolName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 || $0 == 45 }
    }

    var tool: JSONValue {
        .object([
            "name": .string(toolName), "description": .string("Reply with the answer as this tool's input."), "input_schema": schema,
        ])
    }

    var toolChoice: JSONValue { .object(["type": .string("tool"), "name": .string(toolName)]) }

    /// The forced call becomes the answer's content; the call itself and the `tool_use` stop reason disappear.
    func mapBack(_ response: ChatResponse) -> ChatResponse {
        guard let call = response.toolCalls.first(where: { $0.name == toolName }) else { return response }
        var response = response
        let text = response.content ?? ""
        response.content = text + call.arguments
        response.toolCalls.removeAll { $0.name == toolName }
        if response.finishReason == .toolCalls { response.finishReason = .stop }
        return response
    }
}
