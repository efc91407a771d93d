import ConciergeCore
import Foundation
import NIOCore

/// OpenAI's `usage` object.
struct GatewayUsage: Encodable {
    struct PromptDetails: Encodable {
        let cachedTokens: Int
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    let promptTokens: Int
    let completionTokens: Int
    let totalTokens: Int
    let promptTokensDetails: PromptDetails

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case promptTokensDetails = "prompt_tokens_details"
    }

    init(_ usage: TokenUsage) {
        promptTokens = usage.promptTokens
        completionTokens = usage.completionTokens
        totalTokens = usage.totalTokens
        promptTokensDetails = .init(cachedTokens: usage.cachedTokens)
    }
}

/// A `chat.completion` object.
struct GatewayChatResponse: Encodable {
    struct Choice: Encodable {
        struct Message: Encodable {
            let role = "assistant"
            let content: String?
            let toolCalls: [GatewayToolCall]?

            enum CodingKeys: String, CodingKey {
                case role, content
                case toolCalls = "tool_calls"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(role, forKey: .role)
                try container.encode(content, forKey: .content)
                try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
            }
        }

        let index = 0
        let message: Message
        let finishReason: String

        enum CodingKeys: String, CodingKey {
            case index, message
            case finishReason = "finish_reason"
        }
    }

    let id: String
    let object = "chat.completion"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: GatewayUsage?

    init(_ response: ChatResponse, id: String, created: Int) {
        self.id = id
        self.created = created
        self.model = response.model
        let calls = response.toolCalls.map(GatewayToolCall.init)
        self.choices = [
            Choice(
                message: .init(content: response.content, toolCalls: calls.isEmpty ? nil : calls),
                finishReason: (response.finishReason ?? (calls.isEmpty ? .stop : .toolCalls)).rawValue
            )
        ]
        self.usage = response.usage.map(GatewayUsage.init)
    }
}

/// A `chat.completion.chunk` object.
struct GatewayChunk: Encodable {
    struct Choice: Encodable {
        struct Delta: Encodable {
            struct ToolCallDelta: Encodable {
                struct Function: Encodable {
                    let name: String?
                    let arguments: String
                }

                let index: Int
                let id: String?
                let type: String?
                let function: Function
            }

            var role: String?
            var content: String?
            var toolCalls: [ToolCallDelta]?

            enum CodingKeys: String, CodingKey {
                case role, content
                case toolCalls = "tool_calls"
            }
        }

        let index = 0
        let delta: Delta
        let finishReason: String?

        enum CodingKeys: String, CodingKey {
            case index, delta
            case finishReason = "finish_reason"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finishReason, forKey: .finishReason)
        }
    }

    let id: String
    let object = "chat.completion.chunk"
    let created: Int
    let model: String
    let choices: [Choice]
    let usage: GatewayUsage?

    /// The chunk for one stream event; nil for events that have no chunk of their own. The gateway writes its streams
    /// through ``GatewayChunkStream``; this whole chunk, with ``writeSSE(_:to:)``, is what its tests compare it with.
    static func chunk(for event: ChatStreamEvent, id: String, created: Int, model: String, includeUsage: Bool) -> GatewayChunk? {
        guard let parts = parts(for: event, includeUsage: includeUsage) else { return nil }
        return GatewayChunk(id: id, created: created, model: model, choices: parts.choice.map { [$0] } ?? [], usage: parts.usage)
    }

    /// What one stream event's chunk holds besides the stream's id, time and model: one choice, or (the usage event,
    /// when the client asked for it) none and the usage. Nil for events that have no chunk of their own.
    static func parts(for event: ChatStreamEvent, includeUsage: Bool) -> (choice: Choice?, usage: GatewayUsage?)? {
        switch event {
        case .started:
            return (Choice(delta: .init(role: "assistant", content: ""), finishReason: nil), nil)
        case .content(let text):
            return (Choice(delta: .init(content: text), finishReason: nil), nil)
        case .toolCall(let index, let callID, let name, let arguments):
            let call = Choice.Delta.ToolCallDelta(
                index: index, id: callID, type: callID == nil ? nil : "function", function: .init(name: name, arguments: arguments)
            )
            return (Choice(delta: .init(toolCalls: [call]), finishReason: nil), nil)
        case .finished(let reason):
            return (Choice(delta: .init(), finishReason: reason.rawValue), nil)
        case .usage(let usage):
            guard includeUsage else { return nil }
            return (nil, GatewayUsage(usage))
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    /// `data: {…}\n\n`.
    static func sse(_ value: some Encodable) -> ByteBuffer {
        var buffer = ByteBuffer()
        writeSSE(value, to: &buffer)
        return buffer
    }

    /// Appends `data: {…}\n\n` for this chunk to `buffer`, without `JSONEncoder` (``GatewayJSONWriter``).
    static func writeSSE(_ chunk: GatewayChunk, to buffer: inout ByteBuffer) {
        var json = GatewayJSONWriter(into: buffer)
        buffer = ByteBuffer()  // one owner of the storage while it is written, so no copy
        json.raw("data: ")
        chunk.write(to: &json)
        json.raw("\n\n")
        buffer = json.buffer
    }

    /// Appends `data: {…}\n\n` to `buffer`.
    static func writeSSE(_ value: some Encodable, to buffer: inout ByteBuffer) {
        buffer.writeString("data: ")
        buffer.writeBytes((try? encoder.encode(value)) ?? Data("{}".utf8))
        buffer.writeString("\n\n")
    }

    static let done = ByteBuffer(string: "data: [DONE]\n\n")
}
