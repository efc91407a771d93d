/// One message of a conversation, in the shape every provider shares.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// Text content; nil for an assistant message that only calls tools.
    public var content: String?
    /// Calls the assistant asked for (assistant messages only).
    public var toolCalls: [ToolCall]
    /// The call this message answers (tool messages only).
    public var toolCallID: String?
    /// Optional participant name.
    public var name: String?

    public init(role: Role, content: String?, toolCalls: [ToolCall] = [], toolCallID: String? = nil, name: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    public static func system(_ text: String) -> Self { .init(role: .system, content: text) }
    public static func user(_ text: String) -> Self { .init(role: .user, content: text) }
    public static func assistant(_ text: String?, toolCalls: [ToolCall] = []) -> Self {
        .init(role: .assistant, content: text, toolCalls: toolCalls)
    }
    public static func tool(callID: String, _ text: String) -> Self { .init(role: .tool, content: text, toolCallID: callID) }
}

/// A function call requested by the model. `arguments` is the JSON text exactly as the model wrote it.
public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A function the model may call, described by a JSON schema of its parameters.
public struct ToolDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}
