import ConciergeCore
import Foundation

/// The Messages API request body.
struct AnthropicRequestBody: Encodable {
    struct Message: Encodable {
        var role: String
        var content: [JSONValue]
    }

    let model: String
    let maxTokens: Int
    let system: String?
    let messages: [Message]
    var tools: [JSONValue]?
    var toolChoice: JSONValue?
    let temperature: Double?
    let topP: Double?
    let stopSequences: [String]?
    let metadata: JSONValue?
    let stream: Bool?

    enum CodingKeys: String, CodingKey {
        case model, system, messages, tools, temperature, metadata, stream
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
        case topP = "top_p"
        case stopSequences = "stop_sequences"
    }

    static let defaultMaxTokens = 4096

    init(_ request: ChatRequest, model: String, stream: Bool) {
        var systemParts = request.messages.filter { $0.role == .system }.compactMap(\.content)
        let structured = AnthropicStructuredOutput(request)
        if structured != nil {
            // The forced tool below carries the schema.
        } else if case .jsonSchema(_, let schema, _) = request.responseFormat {
            systemParts.append("Reply only with one JSON value that matches this JSON schema, with no other text: \(ToolEmulation.text(schema))")
        } else if request.responseFormat == .jsonObject {
            systemParts.append("Reply only with one JSON object, with no other text.")
        }
        self.model = model
        self.maxTokens = request.maxTokens ?? Self.defaultMaxTokens
        self.system = systemParts.isEmpty ? nil : systemParts.joined(separator: "\n\n")
        self.messages = Self.messages(request.messages.filter { $0.role != .system })
        self.tools = request.tools.isEmpty ? nil : request.tools.map {
            .object(["name": .string($0.name), "description": .string($0.description ?? ""), "input_schema": $0.parameters])
        }
        self.toolChoice = request.tools.isEmpty ? nil : request.toolChoice.map(Self.wire)
        if let structured {
            self.tools = [structured.tool]
            self.toolChoice = structured.toolChoice
        }
        self.temperature = request.temperature
        self.topP = request.topP
        self.stopSequences = request.stop.isEmpty ? nil : request.stop
        self.metadata = request.user.map { .object(["user_id": .string($0)]) }
        self.stream = stream ? true : nil
    }

    /// Tool results travel as `tool_result` blocks in a user turn; consecutive turns of one role are merged.
    static func messages(_ messages: [ChatMessage]) -> [Message] {
        var result: [Message] = []
        for message in messages {
            var blocks: [JSONValue] = []
            let role: String
            switch message.role {
            case .tool:
                role = "user"
                blocks.append(.object([
                    "type": .string("tool_result"), "tool_use_id": .string(message.toolCallID ?? ""), "content": .string(message.content ?? ""),
                ]))
            case .assistant:
                role = "assistant"
                if let text = message.content, !text.isEmpty { blocks.append(.object(["type": .string("text"), "text": .string(text)])) }
                for call in message.toolCalls {
                    let input = (try? JSONDecoder().decode(JSONValue.self, from: Data(call.arguments.utf8))) ?? .object([:])
                    blocks.append(.object(["type": .string("tool_use"), "id": .string(call.id), "name": .string(call.name), "input": input]))
                }
            default:
                role = "user"
                blocks.append(.object(["type": .string("text"), "text": .string(message.content ?? "")]))
            }
            if let last = result.last, last.role == role {
                result[result.count - 1].content += blocks
            } else {
                result.append(Message(role: role, content: blocks))
            }
        }
        return result
    }

    static func wire(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: .object(["type": .string("auto")])
        case .none: .object(["type": .string("none")])
        case .required: .object(["type": .string("any")])
        case .function(let name): .object(["type": .string("tool"), "name": .string(name)])
        }
    }

    /// Anthropic's stop reasons in OpenAI's words.
    static func finishReason(_ stopReason: String?) -> FinishReason? {
        switch stopReason {
        case nil: nil
        case "end_turn", "stop_sequence": .stop
        case "max_tokens": .length
        case "tool_use": .toolCalls
        case "refusal": .contentFilter
        case let other?: FinishReason(rawValue: other)
        }
    }
}

/// A complete Messages API response.
struct AnthropicResponseBody: Decodable {
    struct Block: Decodable {
        let type: String
        let text: String?
        let id: String?
        let name: String?
        let input: JSONValue?
    }

    let id: String?
    let model: String?
    let content: [Block]
    let stopReason: String?
    let usage: AnthropicUsage?

    enum CodingKeys: String, CodingKey {
        case id, model, content, usage
        case stopReason = "stop_reason"
    }
}

struct AnthropicUsage: Decodable {
    let inputTokens: Int?
    let outputTokens: Int?
    let cacheReadInputTokens: Int?
    let cacheCreationInputTokens: Int?

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
    }

    /// Anthropic counts cache reads and writes apart from `input_tokens`; all are prompt tokens.
    var tokenUsage: TokenUsage {
        let cached = cacheReadInputTokens ?? 0
        return TokenUsage(
            promptTokens: (inputTokens ?? 0) + cached + (cacheCreationInputTokens ?? 0),
            completionTokens: outputTokens ?? 0,
            cachedTokens: cached
        )
    }
}
