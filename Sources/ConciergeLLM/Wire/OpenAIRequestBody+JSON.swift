import ConciergeCore

// The request body written straight into bytes instead of through `JSONEncoder` (1.9 % of the gateway's CPU in a
// profile), as `GatewayJSONWriter` writes the gateway's answers. The `Encodable` conformance stays the reference:
// a test compares the two documents.

extension OpenAIRequestBody {
    /// The JSON object `JSONEncoder` would write for this body (schemas and other passed-through values with sorted keys).
    var jsonBytes: [UInt8] {
        var json = JSONBytes()
        json.bytes.reserveCapacity(1024)
        json.raw(#"{"model":"#)
        json.string(model)
        json.raw(#","messages":["#)
        for (index, message) in messages.enumerated() {
            if index > 0 { json.raw(",") }
            message.write(to: &json)
        }
        json.raw("]")
        if let tools {
            json.raw(#","tools":["#)
            for (index, tool) in tools.enumerated() {
                if index > 0 { json.raw(",") }
                tool.write(to: &json)
            }
            json.raw("]")
        }
        json.field(#","tool_choice":"#, toolChoice) { $0.value($1) }
        json.field(#","response_format":"#, responseFormat) { $0.value($1) }
        json.field(#","temperature":"#, temperature) { $0.value(.number($1)) }
        json.field(#","top_p":"#, topP) { $0.value(.number($1)) }
        json.field(#","max_tokens":"#, maxTokens) { $0.int($1) }
        json.field(#","stop":"#, stop) { $0.value(.array($1.map(JSONValue.string))) }
        json.field(#","user":"#, user) { $0.string($1) }
        json.field(#","stream":"#, stream) { $0.value(.bool($1)) }
        json.field(#","stream_options":"#, streamOptions) { $0.value(.object(["include_usage": .bool($1.includeUsage)])) }
        json.raw("}")
        return json.bytes
    }
}

extension OpenAIRequestBody.Message {
    func write(to json: inout JSONBytes) {
        json.raw(#"{"role":"#)
        json.string(role)
        json.raw(#","content":"#)
        if let content { json.string(content) } else { json.raw("null") }
        if let toolCalls {
            json.raw(#","tool_calls":["#)
            for (index, call) in toolCalls.enumerated() {
                if index > 0 { json.raw(",") }
                JSONValue.writeToolCall(
                    id: call.id, type: call.type, name: call.function.name, arguments: call.function.arguments, into: &json.bytes
                )
            }
            json.raw("]")
        }
        json.field(#","tool_call_id":"#, toolCallID) { $0.string($1) }
        json.field(#","name":"#, name) { $0.string($1) }
        json.raw("}")
    }
}

extension OpenAIRequestBody.Tool {
    func write(to json: inout JSONBytes) {
        json.raw(#"{"type":"#)
        json.string(type)
        json.raw(#","function":{"name":"#)
        json.string(function.name)
        json.field(#","description":"#, function.description) { $0.string($1) }
        json.raw(#","parameters":"#)
        json.value(function.parameters)
        json.field(#","strict":"#, function.strict) { $0.value(.bool($1)) }
        json.raw("}}")
    }
}
