import ConciergeCore
import Foundation

/// Tool calling for servers whose models do not return `tool_calls`: the tools become one `json_schema` response
/// format (grammar-constrained on llama.cpp), and the JSON answer is mapped back to a tool call or plain text.
struct ToolEmulation: Sendable {
    let tools: [ToolDefinition]
    let rewrittenRequest: ChatRequest

    /// Nil when the deployment calls tools natively, the request has no tools, or tools are switched off.
    init?(request: ChatRequest, deployment: DeploymentSettings) {
        guard !deployment.nativeTools, !request.tools.isEmpty, request.toolChoice != ToolChoice.none else { return nil }
        var offered = request.tools
        if case .function(let name) = request.toolChoice { offered = offered.filter { $0.name == name } }
        let mayAnswer = request.toolChoice == nil || request.toolChoice == .auto
        var rewritten = request
        rewritten.tools = []
        rewritten.toolChoice = nil
        rewritten.responseFormat = .jsonSchema(name: "tool_call", schema: Self.schema(offered, mayAnswer: mayAnswer), strict: true)
        rewritten.messages.insert(.system(Self.instructions(offered, mayAnswer: mayAnswer)), at: 0)
        self.tools = offered
        self.rewrittenRequest = rewritten
    }

    static func schema(_ tools: [ToolDefinition], mayAnswer: Bool) -> JSONValue {
        var options: [JSONValue] = tools.map { tool in
            .object([
                "type": .string("object"),
                "properties": .object(["tool": .object(["const": .string(tool.name)]), "arguments": tool.parameters]),
                "required": .array([.string("tool"), .string("arguments")]),
            ])
        }
        if mayAnswer {
            options.append(.object([
                "type": .string("object"),
                "properties": .object(["answer": .object(["type": .string("string")])]),
                "required": .array([.string("answer")]),
            ]))
        }
        return options.count == 1 ? options[0] : .object(["anyOf": .array(options)])
    }

    static func instructions(_ tools: [ToolDefinition], mayAnswer: Bool) -> String {
        let list = tools.map { "- \($0.name): \($0.description ?? "")" }.joined(separator: "\n")
        let answer = mayAnswer ? " If no tool is needed, reply {\"answer\": \"<your reply>\"}." : ""
        return "You can call these tools:\n\(list)\nTo call one, reply only with JSON {\"tool\": \"<name>\", \"arguments\": {…}}.\(answer)"
    }

    /// Maps the JSON answer back to a tool call, or to plain content for `{"answer": …}`.
    func mapBack(_ response: ChatResponse) -> ChatResponse {
        guard let content = response.content, let object = Self.jsonObject(in: content) else {
            return Self.recoverToolCall(in: response, tools: tools)
        }
        var mapped = response
        if let name = (object["tool"] ?? object["name"])?.stringValue, tools.contains(where: { $0.name == name }) {
            mapped.content = nil
            mapped.toolCalls = [ToolCall(id: Self.newCallID(), name: name, arguments: Self.text(object["arguments"] ?? .object([:])))]
            mapped.finishReason = .toolCalls
        } else if let answer = object["answer"]?.stringValue {
            mapped.content = answer
        }
        return mapped
    }

    /// Accepts a tool call the model wrote into its content (bare JSON, a ```json fence or `<tool_call>` tags)
    /// when it names one of the offered tools.
    static func recoverToolCall(in response: ChatResponse, tools: [ToolDefinition]) -> ChatResponse {
        guard !tools.isEmpty, response.toolCalls.isEmpty, let content = response.content, let object = jsonObject(in: content),
            let name = (object["name"] ?? object["tool"])?.stringValue, tools.contains(where: { $0.name == name })
        else { return response }
        var mapped = response
        let arguments = object["arguments"] ?? object["parameters"] ?? .object([:])
        mapped.content = nil
        mapped.toolCalls = [ToolCall(id: newCallID(), name: name, arguments: arguments.stringValue ?? text(arguments))]
        mapped.finishReason = .toolCalls
        return mapped
    }

    static func jsonObject(in content: String) -> [String: JSONValue]? {
        var text = content.trimmingCharacters(in: .whitespacesAndNewlines)
        for (open, close) in [("<tool_call>", "</tool_call>"), ("```json", "```"), ("```", "```")] where text.hasPrefix(open) {
            text = String(text.dropFirst(open.count))
            if let end = text.range(of: close, options: .backwards) { text = String(text[..<end.lowerBound]) }
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard text.hasPrefix("{"), let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
            case .object(let object) = value
        else { return nil }
        return object
    }

    static func text(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func newCallID() -> String { "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24).lowercased() }

    /// A whole answer as the stream events that would have carried it, for callers that asked to stream an emulated
    /// call (or a cached answer).
    static func events(replaying response: ChatResponse) -> [ChatStreamEvent] {
        var events: [ChatStreamEvent] = [.started(id: response.id, model: response.model, provider: response.provider)]
        if let content = response.content { events.append(.content(content)) }
        for (index, call) in response.toolCalls.enumerated() {
            events.append(.toolCall(index: index, id: call.id, name: call.name, arguments: call.arguments))
        }
        events.append(.finished(response.finishReason ?? .stop))
        if let usage = response.usage { events.append(.usage(usage)) }
        return events
    }
}
