import ConciergeCore

/// The Chat Completions request body, as sent to an OpenAI-compatible server.
struct OpenAIRequestBody: Encodable {
    struct Message: Encodable {
        let role: String
        let content: String?
        let toolCalls: [OpenAIToolCall]?
        let toolCallID: String?
        let name: String?

        enum CodingKeys: String, CodingKey {
            case role, content, name
            case toolCalls = "tool_calls"
            case toolCallID = "tool_call_id"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            // Assistant messages that only call tools carry `"content": null`, which every server accepts.
            try container.encode(content, forKey: .content)
            try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
            try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
            try container.encodeIfPresent(name, forKey: .name)
        }
    }

    struct Tool: Encodable {
        struct Function: Encodable {
            let name: String
            let description: String?
            let parameters: JSONValue
            let strict: Bool?
        }

        let type = "function"
        let function: Function
    }

    struct StreamOptions: Encodable {
        let includeUsage: Bool
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
    let stop: [String]?
    let user: String?
    let stream: Bool?
    let streamOptions: StreamOptions?

    enum CodingKeys: String, CodingKey {
        case model, messages, tools, temperature, stop, user, stream
        case toolChoice = "tool_choice"
        case responseFormat = "response_format"
        case topP = "top_p"
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
    }

    init(_ request: ChatRequest, model: String, stream: Bool, includeUsage: Bool) {
        self.model = model
        self.messages = request.messages.map {
            Message(
                role: $0.role.rawValue,
                content: $0.content,
                toolCalls: $0.toolCalls.isEmpty ? nil : $0.toolCalls.map(OpenAIToolCall.init),
                toolCallID: $0.toolCallID,
                name: $0.name
            )
        }
        self.tools = request.tools.isEmpty
            ? nil
            : request.tools.map { Tool(function: .init(name: $0.name, description: $0.description, parameters: $0.parameters, strict: $0.strict)) }
        self.toolChoice = request.toolChoice.map(Self.wire)
        self.responseFormat = request.responseFormat.map(Self.wire)
        self.temperature = request.temperature
        self.topP = request.topP
        self.maxTokens = request.maxTokens
        self.stop = request.stop.isEmpty ? nil : request.stop
        self.user = request.user
        self.stream = stream ? true : nil
        self.streamOptions = stream && includeUsage ? StreamOptions(includeUsage: true) : nil
    }

    static func wire(_ choice: ToolChoice) -> JSONValue {
        switch choice {
        case .auto: .string("auto")
        case .none: .string("none")
        case .required: .string("required")
        case .function(let name): .object(["type": .string("function"), "function": .object(["name": .string(name)])])
        }
    }

    static func wire(_ format: ResponseFormat) -> JSONValue {
        switch format {
        case .text: return .object(["type": .string("text")])
        case .jsonObject: return .object(["type": .string("json_object")])
        case .jsonSchema(let name, let schema, let strict):
            var inner: [String: JSONValue] = ["name": .string(name), "schema": schema]
            if let strict { inner["strict"] = .bool(strict) }
            return .object(["type": .string("json_schema"), "json_schema": .object(inner)])
        }
    }
}

/// A tool call on the wire (requests and complete responses).
struct OpenAIToolCall: Codable, Equatable {
    struct Function: Codable, Equatable {
        let name: String
        let arguments: String
    }

    let id: String
    let type: String?
    let function: Function

    init(_ call: ToolCall) {
        self.id = call.id
        self.type = "function"
        self.function = .init(name: call.name, arguments: call.arguments)
    }

    var toolCall: ToolCall { ToolCall(id: id, name: function.name, arguments: function.arguments) }
}
