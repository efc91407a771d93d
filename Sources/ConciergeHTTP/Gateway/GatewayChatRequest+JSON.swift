import ConciergeCore

// The client's request read from a parsed document instead of through `JSONDecoder` (2.7 % of the gateway's CPU
// in a profile). Same rules as the `Decodable` conformance, which stays the reference (a test compares the two):
// required fields, optional fields that may be null, a field of the wrong type is a 400 that names it, unknown
// fields are ignored.

extension GatewayChatRequest {
    /// The request in `body`, or a 400 (`invalid_json`) saying which field is missing or of the wrong type.
    static func decode(_ body: JSONValue) throws -> GatewayChatRequest {
        try JSONBodyDecoder.fields(of: body, GatewayChatRequest.init(json:))
    }

    init(json: JSONFields) throws(JSONShapeError) {
        self.model = try json.string("model")
        self.messages = try json.objects("messages", Message.init(json:))
        self.tools = try json.optionalObjects("tools", Tool.init(json:))
        self.toolChoice = json.value("tool_choice")
        self.responseFormat = json.value("response_format")
        self.temperature = try json.optionalDouble("temperature")
        self.topP = try json.optionalDouble("top_p")
        self.maxTokens = try json.optionalInt("max_tokens")
        self.maxCompletionTokens = try json.optionalInt("max_completion_tokens")
        self.stop = json.value("stop")
        self.user = try json.optionalString("user")
        self.stream = try json.optionalBool("stream")
        self.streamOptions = try json.optionalFields("stream_options").map { options throws(JSONShapeError) in
            StreamOptions(includeUsage: try options.optionalBool("include_usage"))
        }
        self.n = try json.optionalInt("n")
    }
}

extension GatewayChatRequest.Message {
    init(json: JSONFields) throws(JSONShapeError) {
        self.role = try json.string("role")
        self.content = json.value("content")
        self.toolCalls = try json.optionalObjects("tool_calls", GatewayToolCall.init(json:))
        self.toolCallID = try json.optionalString("tool_call_id")
        self.name = try json.optionalString("name")
    }
}

extension GatewayChatRequest.Tool {
    init(json: JSONFields) throws(JSONShapeError) {
        let function = try json.fields("function")
        self.type = try json.optionalString("type")
        self.function = Function(
            name: try function.string("name"), description: try function.optionalString("description"),
            parameters: function.value("parameters"), strict: try function.optionalBool("strict")
        )
    }
}

extension GatewayToolCall {
    init(json: JSONFields) throws(JSONShapeError) {
        let function = try json.fields("function")
        self.id = try json.string("id")
        // Required, as the synthesized `Decodable` of a `var` with a default requires it.
        self.type = try json.string("type")
        self.function = Function(name: try function.string("name"), arguments: try function.string("arguments"))
    }
}
