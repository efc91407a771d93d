import ConciergeCore
import Foundation

/// The OpenAI Chat Completions request body as clients send it.
struct GatewayChatRequest: Decodable, Equatable {
    struct Message: Decodable, Equatable {
        let role: String
        let content: JSONValue?
        let toolCalls: [GatewayToolCall]?
        let toolCallID: String?
        let name: String?

        enum CodingKeys: String, CodingKey {
            case role, content, name
            case toolCalls = "tool_calls"
            case toolCallID = "tool_call_id"
        }
    }

    struct Tool: Decodable, Equatable {
        struct Function: Decodable, Equatable {
            let name: String
            let description: String?
            let parameters: JSONValue?
            let strict: Bool?
        }

        let type: String?
        let function: Function
    }

    struct StreamOptions: Decodable, Equatable {
        let includeUsage: Bool?
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    let model: String
    let messages: [Message]
    let tools: [Tool]?
    let toolChoice: JSONValue?
    let responseFormat: JSONValue?
    let temperature: Double?
    let topP: Double?
    let maxTokens: Int?
    let maxCompletionTokens: Int?
    let stop: JSONValue?
    let user: String?
    let stream: Bool?
    let streamOptions: StreamOptions?
    let n: Int?

    enum CodingKeys: String, CodingKey {
        case model, messages, tools, temperature, stop, user, stream, n
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
        case streamOptions = "stream_options"
    }

    /// The provider-neutral request, or a message naming the offending parameter.
    func chatRequest() throws -> ChatRequest {
        if let n, n != 1 { throw GatewayError.invalid("Only n=1 is supported.", param: "n") }
        guard !messages.isEmpty else { throw GatewayError.invalid("messages must not be empty.", param: "messages") }
        return ChatRequest(
            model: model,
            messages: try messages.enumerated().map { try Self.message($1, index: $0) },
            tools: (tools ?? []).map {
                ToolDefinition(name: $0.function.name, description: $0.function.description,
                               parameters: $0.function.parameters ?? .object(["type": .string("object"), "properties": .object([:])]),
                               strict: $0.function.strict)
            },
            toolChoice: try toolChoice.map(Self.toolChoice),
            responseFormat: try responseFormat.map(Self.responseFormat),
            temperature: temperature,
            topP: topP,
            maxTokens: maxCompletionTokens ?? maxTokens,
            stop: Self.stop(stop),
            user: user
        )
    }

    static func message(_ message: Message, index: Int) throws -> ChatMessage {
        let role: ChatMessage.Role
        switch message.role {
        case "system", "developer": role = .system
        case "user": role = .user
        case "assistant": role = .assistant
        case "tool": role = .tool
        default: throw GatewayError.invalid("Unknown role '\(message.role)'.", param: "messages[\(index)].role")
        }
        let text: String?
        switch message.content {
        case nil, .null?: text = nil
        case .string(let value)?: text = value
        case .array(let parts)?:
            var joined = ""
            for part in parts {
                guard part["type"]?.stringValue == "text", let value = part["text"]?.stringValue else {
                    throw GatewayError.invalid("Only text content parts are supported.", param: "messages[\(index)].content")
                }
                joined += value
            }
            text = joined
        default: throw GatewayError.invalid("content must be a string or an array of text parts.", param: "messages[\(index)].content")
        }
        let calls = (message.toolCalls ?? []).map { ToolCall(id: $0.id, name: $0.function.name, arguments: $0.function.arguments) }
        return ChatMessage(role: role, content: text, toolCalls: calls, toolCallID: message.toolCallID, name: message.name)
    }

    static func toolChoice(_ value: JSONValue) throws -> ToolChoice {
        switch value {
        case .string("auto"): return .auto
        case .string("none"): return .none
        case .string("required"): return .required
        default:
            if let name = value["function"]?["name"]?.stringValue { return .function(name) }
            throw GatewayError.invalid("tool_choice must be auto, none, required or a function.", param: "tool_choice")
        }
    }

    static func responseFormat(_ value: JSONValue) throws -> ResponseFormat {
        switch value["type"]?.stringValue {
        case "text": return .text
        case "json_object": return .jsonObject
        case "json_schema":
            guard let spec = value["json_schema"], let name = spec["name"]?.stringValue, let schema = spec["schema"] else {
                throw GatewayError.invalid("json_schema needs a name and a schema.", param: "response_format.json_schema")
            }
            var strict: Bool?
            if case .bool(let flag)? = spec["strict"] { strict = flag }
            return .jsonSchema(name: name, schema: schema, strict: strict)
        default:
            throw GatewayError.invalid("response_format.type must be text, json_object or json_schema.", param: "response_format")
        }
    }

    static func stop(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .array(let items)?: items.compactMap(\.stringValue)
        default: []
        }
    }
}

/// A tool call as OpenAI writes it.
struct GatewayToolCall: Codable, Equatable {
    struct Function: Codable, Equatable {
        let name: String
        let arguments: String
    }

    let id: String
    var type = "function"
    let function: Function

    init(_ call: ToolCall) {
        self.id = call.id
        self.function = .init(name: call.name, arguments: call.arguments)
    }
}
