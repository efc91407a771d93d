import ConciergeCore
import Foundation

/// Messages API stream events → stream events. `message_stop` marks the end; an `error` event is an error.
struct AnthropicStreamTranslator: StreamTranslator {
    private struct Event: Decodable {
        struct Message: Decodable {
            let id: String?
            let model: String?
            let usage: AnthropicUsage?
        }

        struct Block: Decodable {
            let type: String
            let id: String?
            let name: String?
        }

        struct Delta: Decodable {
            let type: String?
            let text: String?
            let partialJSON: String?
            let stopReason: String?
            enum CodingKeys: String, CodingKey {
                case type, text
                case partialJSON = "partial_json"
                case stopReason = "stop_reason"
            }
        }

        struct ErrorDetail: Decodable {
            let type: String?
            let message: String?
        }

        let type: String
        let message: Message?
        let index: Int?
        let contentBlock: Block?
        let delta: Delta?
        let usage: AnthropicUsage?
        let error: ErrorDetail?

        enum CodingKeys: String, CodingKey {
            case type, message, index, delta, usage, error
            case contentBlock = "content_block"
        }
    }

    /// The forced tool of ``AnthropicStructuredOutput``: its input streams out as content, not as a tool call.
    let structuredToolName: String?
    private(set) var isComplete = false
    /// Content block index of the structured answer.
    private var structuredIndex: Int?

    init(structuredToolName: String? = nil) {
        self.structuredToolName = structuredToolName
    }

    private var promptUsage: AnthropicUsage?
    /// Content block index → tool call index.
    private var toolIndexes: [Int: Int] = [:]

    mutating func translate(_ sse: SSEEventView, into events: inout [ChatStreamEvent]) throws {
        events.append(contentsOf: try translate(sse.decoded))
    }

    private mutating func translate(_ sse: SSEEvent) throws -> [ChatStreamEvent] {
        let event: Event
        do {
            event = try JSONDecoder().decode(Event.self, from: Data(sse.data.utf8))
        } catch {
            throw LLMError(.streamInterrupted, "provider sent a malformed stream event")
        }
        switch event.type {
        case "message_start":
            promptUsage = event.message?.usage
            return []
        case "content_block_start":
            guard let block = event.contentBlock, block.type == "tool_use", let index = event.index else { return [] }
            if let structuredToolName, block.name == structuredToolName {
                structuredIndex = index
                return []
            }
            let toolIndex = toolIndexes.count
            toolIndexes[index] = toolIndex
            return [.toolCall(index: toolIndex, id: block.id, name: block.name, arguments: "")]
        case "content_block_delta":
            guard let delta = event.delta else { return [] }
            if let text = delta.text, !text.isEmpty { return [.content(text)] }
            if let json = delta.partialJSON, event.index != nil, event.index == structuredIndex {
                return json.isEmpty ? [] : [.content(json)]
            }
            if let json = delta.partialJSON, let index = event.index, let toolIndex = toolIndexes[index], !json.isEmpty {
                return [.toolCall(index: toolIndex, id: nil, name: nil, arguments: json)]
            }
            return []
        case "message_delta":
            var events: [ChatStreamEvent] = []
            if var reason = AnthropicRequestBody.finishReason(event.delta?.stopReason) {
                if reason == .toolCalls, structuredIndex != nil, toolIndexes.isEmpty { reason = .stop }
                events.append(.finished(reason))
            }
            if let final = event.usage {
                let merged = AnthropicUsage(
                    inputTokens: final.inputTokens ?? promptUsage?.inputTokens,
                    outputTokens: final.outputTokens,
                    cacheReadInputTokens: final.cacheReadInputTokens ?? promptUsage?.cacheReadInputTokens,
                    cacheCreationInputTokens: final.cacheCreationInputTokens ?? promptUsage?.cacheCreationInputTokens
                )
                events.append(.usage(merged.tokenUsage))
            }
            return events
        case "message_stop":
            isComplete = true
            return []
        case "error":
            throw LLMError(
                .streamInterrupted, event.error?.message ?? "provider reported an error mid-stream", providerType: event.error?.type
            )
        default:
            return []  // ping, content_block_stop, unknown future events
        }
    }
}
