import ConciergeCore
import NIOCore

/// Chat Completions chunks → stream events. `[DONE]` or a finish reason marks the end; an `error` object is an error.
struct OpenAIStreamTranslator: StreamTranslator {
    private(set) var isComplete = false
    private var sawFinish = false

    mutating func translate(_ event: SSEEventView, into events: inout [ChatStreamEvent]) throws {
        if event.dataIs("[DONE]") {
            isComplete = true
            return
        }
        if event.event == "error" {
            throw Self.streamError(event.text)
        }
        let chunk: OpenAIChunk
        do {
            chunk = try OpenAIChunk(utf8: event.data)
        } catch {
            throw LLMError(.streamInterrupted, "provider sent a malformed stream chunk")
        }
        if let error = chunk.error {
            throw LLMError(.streamInterrupted, error.message ?? "provider reported an error mid-stream", providerType: error.type, code: error.codeText)
        }
        if let choice = chunk.choice {
            if let content = choice.delta?.content, !content.isEmpty { events.append(.content(content)) }
            for (position, call) in (choice.delta?.toolCalls ?? []).enumerated() {
                events.append(.toolCall(index: call.index ?? position, id: call.id, name: call.function?.name, arguments: call.function?.arguments ?? ""))
            }
            if let reason = choice.finishReason {
                sawFinish = true
                events.append(.finished(FinishReason(rawValue: reason)))
            }
        }
        if let usage = chunk.usage { events.append(.usage(usage.tokenUsage)) }
    }

    /// A finish reason without `[DONE]` still counts as complete when the body then ends.
    var endedCleanly: Bool { isComplete || sawFinish }

    static func streamError(_ data: String) -> LLMError {
        let detail = ProviderTransport.decodeErrorDetail(.init(string: data))
        return LLMError(.streamInterrupted, detail?.message ?? "provider reported an error mid-stream", providerType: detail?.type, code: detail?.codeText)
    }
}
