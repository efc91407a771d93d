import ConciergeCore
import NIOCore

// A completion body read straight from its bytes (``JSONCursor``): no `JSONValue` tree and no dictionary per object,
// on every plain call. It only ever accepts: a body it cannot read goes through the reference path (`JSONValue` +
// `JSONFields`), whose error names the problem. A test holds the two to the same results.

extension OpenAIResponseBody {
    /// A completion body, or ``LLMError/Kind/malformedResponse`` naming what is wrong with it.
    static func decode(_ buffer: ByteBuffer) throws -> OpenAIResponseBody {
        let read = buffer.readableBytesView.withUnsafeBytes { bytes in
            try? JSONCursor.read(utf8: bytes) { try OpenAIResponseBody(cursor: &$0) }
        }
        if let read { return read }
        let json = try ProviderTransport.object(from: buffer, what: "completion")
        do {
            return try OpenAIResponseBody(json: json)
        } catch {
            throw LLMError(.malformedResponse, "provider sent malformed completion (\(error))")
        }
    }

    /// Throws on anything ``init(json:)`` would refuse, and on nothing it accepts.
    init(cursor: inout JSONCursor) throws {
        var id: String?
        var model: String?
        var choices: [Choice]?
        var usage: OpenAIUsage?
        try cursor.object { cursor, key in
            switch key {
            case "id": id = try cursor.optionalString()
            case "model": model = try cursor.optionalString()
            case "choices": choices = try cursor.optionalArray { try Choice(cursor: &$0) }
            case "usage": usage = try OpenAIUsage(cursor: &cursor)
            default: try cursor.skip()
            }
        }
        guard let choices else { throw cursor.malformed }
        self.init(id: id, model: model, choices: choices, usage: usage)
    }
}

extension OpenAIResponseBody.Choice {
    init(cursor: inout JSONCursor) throws {
        var message: Message?
        var finishReason: String?
        try cursor.object { cursor, key in
            switch key {
            case "message":
                var content: String?
                var toolCalls: [OpenAIToolCall]?
                let present = try cursor.optionalObject { cursor, key in
                    switch key {
                    case "content": content = try cursor.optionalString()
                    case "tool_calls": toolCalls = try cursor.optionalArray { try OpenAIToolCall(cursor: &$0) }
                    default: try cursor.skip()
                    }
                }
                guard present else { throw cursor.malformed }
                message = Message(content: content, toolCalls: toolCalls)
            case "finish_reason": finishReason = try cursor.optionalString()
            default: try cursor.skip()
            }
        }
        guard let message else { throw cursor.malformed }
        self.init(message: message, finishReason: finishReason)
    }
}

extension OpenAIToolCall {
    init(cursor: inout JSONCursor) throws {
        let fields = try ToolCallFields(cursor: &cursor)
        guard let id = fields.id, let name = fields.function?.name, let arguments = fields.function?.arguments else { throw cursor.malformed }
        self.id = id
        self.type = fields.type
        self.function = Function(name: name, arguments: arguments)
    }
}
