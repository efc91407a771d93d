import ConciergeCore

/// A stream chunk read straight from its bytes (``JSONCursor``): one per streamed event, the gateway's hottest parse.
/// Same result as `OpenAIChunk(json: JSONFields(JSONValue(jsonText:)))`, which the tests compare it with.
extension OpenAIChunk {
    /// A chunk read from its bytes as they arrived; bytes that are not valid UTF-8 are read as text with the invalid
    /// bytes replaced, as a stream's text always was.
    init(utf8 bytes: UnsafeRawBufferPointer) throws {
        do {
            self = try JSONCursor.read(utf8: bytes) { try Self(cursor: &$0) }
        } catch {
            self = try Self(jsonText: String(decoding: bytes, as: UTF8.self))
        }
    }

    init(jsonText: String) throws {
        self = try JSONCursor.read(jsonText) { try Self(cursor: &$0) }
    }

    init(cursor: inout JSONCursor) throws {
        var id: String?
        var model: String?
        var choice: Choice?
        var usage: OpenAIUsage?
        var error: OpenAIErrorBody.Detail?
        try cursor.object { cursor, key in
            switch key {
            case "id": id = try cursor.optionalString()
            case "model": model = try cursor.optionalString()
            case "choices":
                // Every element is read (and so checked); only the first is kept.
                choice = nil
                try cursor.optionalEach { cursor in
                    let read = try Choice(cursor: &cursor)
                    if choice == nil { choice = read }
                }
            case "usage": usage = try OpenAIUsage(cursor: &cursor)
            case "error":
                let value = try cursor.value()
                error = value == .null ? nil : try OpenAIErrorBody.Detail(json: JSONFields(value, path: "error"))
            default: try cursor.skip()
            }
        }
        self.init(id: id, model: model, choice: choice, usage: usage, error: error)
    }
}

extension OpenAIChunk.Choice {
    init(cursor: inout JSONCursor) throws {
        var delta: Delta?
        var finishReason: String?
        try cursor.object { cursor, key in
            switch key {
            case "delta": delta = try Delta(cursor: &cursor)
            case "finish_reason": finishReason = try cursor.optionalString()
            default: try cursor.skip()
            }
        }
        self.init(delta: delta, finishReason: finishReason)
    }
}

extension OpenAIChunk.Choice.Delta {
    /// Nil for null.
    init?(cursor: inout JSONCursor) throws {
        var content: String?
        var toolCalls: [ToolCallDelta]?
        let present = try cursor.optionalObject { cursor, key in
            switch key {
            case "content": content = try cursor.optionalString()
            case "tool_calls": toolCalls = try cursor.optionalArray { try ToolCallDelta(cursor: &$0) }
            default: try cursor.skip()
            }
        }
        guard present else { return nil }
        self.init(content: content, toolCalls: toolCalls)
    }
}

extension OpenAIChunk.Choice.Delta.ToolCallDelta {
    init(cursor: inout JSONCursor) throws {
        var index: Int?
        var id: String?
        var function: Function?
        try cursor.object { cursor, key in
            switch key {
            case "index": index = try cursor.optionalInt()
            case "id": id = try cursor.optionalString()
            case "function": function = try FunctionCallFields(cursor: &cursor).map { Function(name: $0.name, arguments: $0.arguments) }
            default: try cursor.skip()
            }
        }
        self.init(index: index, id: id, function: function)
    }
}

extension OpenAIUsage {
    /// Nil for null.
    init?(cursor: inout JSONCursor) throws {
        var prompt: Int?
        var completion: Int?
        var details: PromptDetails?
        let present = try cursor.optionalObject { cursor, key in
            switch key {
            case "prompt_tokens": prompt = try cursor.optionalInt()
            case "completion_tokens": completion = try cursor.optionalInt()
            case "prompt_tokens_details":
                var cached: Int?
                let present = try cursor.optionalObject { cursor, key in
                    if key == "cached_tokens" { cached = try cursor.optionalInt() } else { try cursor.skip() }
                }
                details = present ? PromptDetails(cachedTokens: cached) : nil
            default: try cursor.skip()
            }
        }
        guard present else { return nil }
        self.init(promptTokens: prompt, completionTokens: completion, promptTokensDetails: details)
    }
}
