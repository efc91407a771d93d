import ConciergeCore
import NIOCore

/// Writes the gateway's hot response shapes (``GatewayChunk``, ``GatewayChatResponse``) straight into a buffer,
/// the same JSON objects their `Encodable` conformances give (keys in declaration order), without `JSONEncoder`'s per-call boxing (a profile showed it
/// at 5–9 % of the gateway's CPU). Their `Encodable` conformances stay the reference; a test compares the two.
struct GatewayJSONWriter {
    var buffer: ByteBuffer

    init(into buffer: ByteBuffer = ByteBuffer()) {
        self.buffer = buffer
    }

    /// Punctuation and keys, written as they are: `raw("{\"id\":")`.
    mutating func raw(_ text: StaticString) {
        buffer.writeStaticString(text)
    }

    mutating func int(_ value: Int) {
        buffer.writeString(String(value))
    }

    mutating func string(_ value: String?) {
        guard let value else { return raw("null") }
        JSONValue.writeString(value) { buffer.writeBytes($0) }
    }
}

extension GatewayUsage {
    func write(to json: inout GatewayJSONWriter) {
        json.raw(#"{"prompt_tokens":"#)
        json.int(promptTokens)
        json.raw(#","completion_tokens":"#)
        json.int(completionTokens)
        json.raw(#","total_tokens":"#)
        json.int(totalTokens)
        json.raw(#","prompt_tokens_details":{"cached_tokens":"#)
        json.int(promptTokensDetails.cachedTokens)
        json.raw("}}")
    }
}

extension GatewayChunk {
    /// `{"id":…,"object":"chat.completion.chunk",…}`, as `JSONEncoder` would write it.
    func write(to json: inout GatewayJSONWriter) {
        Self.writeHead(id: id, created: created, model: model, to: &json)
        for (position, choice) in choices.enumerated() {
            if position > 0 { json.raw(",") }
            choice.write(to: &json)
        }
        Self.writeTail(usage: usage, to: &json)
    }

    /// What every chunk of a stream starts with: `{"id":…,"object":…,"created":…,"model":…,"choices":[`.
    static func writeHead(id: String, created: Int, model: String, to json: inout GatewayJSONWriter) {
        json.raw(#"{"id":"#)
        json.string(id)
        json.raw(#","object":"chat.completion.chunk","created":"#)
        json.int(created)
        json.raw(#","model":"#)
        json.string(model)
        json.raw(#","choices":["#)
    }

    /// What follows the choices: `]`, the usage when there is one, `}`.
    static func writeTail(usage: GatewayUsage?, to json: inout GatewayJSONWriter) {
        json.raw("]")
        if let usage {
            json.raw(#","usage":"#)
            usage.write(to: &json)
        }
        json.raw("}")
    }
}

extension GatewayChunk.Choice {
    /// `{"index":0,"delta":{…},"finish_reason":…}`.
    func write(to json: inout GatewayJSONWriter) {
        json.raw(#"{"index":0,"delta":{"#)
        var needsComma = false
        if let role = delta.role {
            json.raw(#""role":"#)
            json.string(role)
            needsComma = true
        }
        if let content = delta.content {
            json.raw(needsComma ? #","content":"# : #""content":"#)
            json.string(content)
            needsComma = true
        }
        if let calls = delta.toolCalls {
            json.raw(needsComma ? #","tool_calls":["# : #""tool_calls":["#)
            for (index, call) in calls.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw(#"{"index":"#)
                json.int(call.index)
                if let id = call.id {
                    json.raw(#","id":"#)
                    json.string(id)
                }
                if let type = call.type {
                    json.raw(#","type":"#)
                    json.string(type)
                }
                json.raw(#","function":{"#)
                if let name = call.function.name {
                    json.raw(#""name":"#)
                    json.string(name)
                    json.raw(",")
                }
                json.raw(#""arguments":"#)
                json.string(call.function.arguments)
                json.raw("}}")
            }
            json.raw("]")
        }
        json.raw(#"},"finish_reason":"#)
        json.string(finishReason)
        json.raw("}")
    }
}

extension GatewayChatResponse {
    /// `{"id":…,"object":"chat.completion",…}`, as `JSONEncoder` would write it.
    func write(to json: inout GatewayJSONWriter) {
        json.raw(#"{"id":"#)
        json.string(id)
        json.raw(#","object":"chat.completion","created":"#)
        json.int(created)
        json.raw(#","model":"#)
        json.string(model)
        json.raw(#","choices":["#)
        for (position, choice) in choices.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw(#"{"index":0,"message":{"role":"assistant","content":"#)
            json.string(choice.message.content)
            if let calls = choice.message.toolCalls {
                json.raw(#","tool_calls":["#)
                for (index, call) in calls.enumerated() {
                    if index > 0 { json.raw(",") }
                    var bytes: [UInt8] = []
                    JSONValue.writeToolCall(
                        id: call.id, type: call.type, name: call.function.name, arguments: call.function.arguments, into: &bytes
                    )
                    json.buffer.writeBytes(bytes)
                }
                json.raw("]")
            }
            json.raw(#"},"finish_reason":"#)
            json.string(choice.finishReason)
            json.raw("}")
        }
        json.raw("]")
        if let usage {
            json.raw(#","usage":"#)
            usage.write(to: &json)
        }
        json.raw("}")
    }
}
