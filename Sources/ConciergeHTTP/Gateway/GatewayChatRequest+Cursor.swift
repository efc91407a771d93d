import ConciergeCore
import NIOCore

// The client's request read straight from the body's bytes (``JSONCursor``): no `JSONValue` tree and no dictionary
// per object, on every gateway call. It only ever accepts: a body it cannot read (bad JSON, a missing or null
// required field, a wrong type, anything unexpected) goes through the reference path (`JSONValue` + `JSONFields`),
// whose 400 names the problem. A test holds the two to the same results.

extension GatewayChatRequest {
    /// The request in `body`, or a 400 (`invalid_json`) saying where it stops being JSON or which field is missing or
    /// of the wrong type.
    static func decode(_ body: ByteBuffer) throws -> GatewayChatRequest {
        let read = body.readableBytesView.withUnsafeBytes { bytes in
            try? JSONCursor.read(utf8: bytes) { try GatewayChatRequest(cursor: &$0) }
        }
        if let read { return read }
        return try decode(try JSONBodyDecoder.parse(body))
    }

    /// Throws on anything ``init(json:)`` would refuse, and on nothing it accepts.
    init(cursor: inout JSONCursor) throws {
        var model: String?
        var messages: [Message]?
        var tools: [Tool]?
        var toolChoice: JSONValue?
        var responseFormat: JSONValue?
        var temperature: Double?
        var topP: Double?
        var maxTokens: Int?
        var maxCompletionTokens: Int?
        var stop: JSONValue?
        var user: String?
        var stream: Bool?
        var streamOptions: StreamOptions?
        var n: Int?
        try cursor.object { cursor, key in
            switch key {
            case "model": model = try cursor.optionalString()
            case "messages": messages = try cursor.optionalArray { try Message(cursor: &$0) }
            case "tools": tools = try cursor.optionalArray { try Tool(cursor: &$0) }
            case "tool_choice": toolChoice = try cursor.optionalValue()
            case "response_format": responseFormat = try cursor.optionalValue()
            case "temperature": temperature = try cursor.optionalDouble()
            case "top_p": topP = try cursor.optionalDouble()
            case "max_tokens": maxTokens = try cursor.optionalInt()
            case "max_completion_tokens": maxCompletionTokens = try cursor.optionalInt()
            case "stop": stop = try cursor.optionalValue()
            case "user": user = try cursor.optionalString()
            case "stream": stream = try cursor.optionalBool()
            case "stream_options":
                var includeUsage: Bool?
                let present = try cursor.optionalObject { cursor, key in
                    if key == "include_usage" { includeUsage = try cursor.optionalBool() } else { try cursor.skip() }
                }
                streamOptions = present ? StreamOptions(includeUsage: includeUsage) : nil
            case "n": n = try cursor.optionalInt()
            default: try cursor.skip()
            }
        }
        guard let model, let messages else { throw cursor.malformed }
        self.init(
            model: model, messages: messages, tools: tools, toolChoice: toolChoice, responseFormat: responseFormat,
            temperature: temperature, topP: topP, maxTokens: maxTokens, maxCompletionTokens: maxCompletionTokens,
            stop: stop, user: user, stream: stream, streamOptions: streamOptions, n: n
        )
    }
}

extension GatewayChatRequest.Message {
    init(cursor: inout JSONCursor) throws {
        var role: String?
        var content: JSONValue?
        var toolCalls: [GatewayToolCall]?
        var toolCallID: String?
        var name: String?
        try cursor.object { cursor, key in
            switch key {
            case "role": role = try cursor.optionalString()
            case "content": content = try cursor.optionalValue()
            case "tool_calls": toolCalls = try cursor.optionalArray { try GatewayToolCall(cursor: &$0) }
            case "tool_call_id": toolCallID = try cursor.optionalString()
            case "name": name = try cursor.optionalString()
            default: try cursor.skip()
            }
        }
        guard let role else { throw cursor.malformed }
        self.init(role: role, content: content, toolCalls: toolCalls, toolCallID: toolCallID, name: name)
    }
}

extension GatewayChatRequest.Tool {
    init(cursor: inout JSONCursor) throws {
        var type: String?
        var function: Function?
        try cursor.object { cursor, key in
            switch key {
            case "type": type = try cursor.optionalString()
            case "function":
                var name: String?
                var description: String?
                var parameters: JSONValue?
                var strict: Bool?
                let present = try cursor.optionalObject { cursor, key in
                    switch key {
                    case "name": name = try cursor.optionalString()
                    case "description": description = try cursor.optionalString()
                    case "parameters": parameters = try cursor.optionalValue()
                    case "strict": strict = try cursor.optionalBool()
                    default: try cursor.skip()
                    }
                }
                guard present, let name else { throw cursor.malformed }
                function = Function(name: name, description: description, parameters: parameters, strict: strict)
            default: try cursor.skip()
            }
        }
        guard let function else { throw cursor.malformed }
        self.init(type: type, function: function)
    }
}

extension GatewayToolCall {
    init(cursor: inout JSONCursor) throws {
        let fields = try ToolCallFields(cursor: &cursor)
        guard let id = fields.id, let type = fields.type, let name = fields.function?.name, let arguments = fields.function?.arguments else {
            throw cursor.malformed
        }
        self.id = id
        self.type = type
        self.function = Function(name: name, arguments: arguments)
    }
}
