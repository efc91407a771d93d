public import ConciergeCore
import Synchronization

/// A `ChatModel` that plays a script: each call takes the next step. A call with no step left fails the call
/// (and shows in ``unexpectedCalls``); ``remainingSteps`` shows steps never used.
public final class ScriptedChatModel: ChatModel, EmbeddingModel {
    public enum Step: Sendable {
        case respond(ChatResponse)
        case fail(LLMError)
        /// Stream these events, then end cleanly.
        case stream([ChatStreamEvent])
        /// Stream these events, then fail.
        case streamThenFail([ChatStreamEvent], LLMError)
        /// Never answer until cancelled.
        case hang
        case embed(EmbeddingResponse)
    }

    private struct State {
        var steps: [Step]
        var requests: [ChatRequest] = []
        var unexpectedCalls = 0
    }

    public let name: String
    private let state: Mutex<State>

    public init(_ name: String = "scripted", steps: [Step]) {
        self.name = name
        self.state = Mutex(State(steps: steps))
    }

    public var requests: [ChatRequest] { state.withLock { $0.requests } }
    public var callCount: Int { state.withLock { $0.requests.count } }
    public var remainingSteps: Int { state.withLock { $0.steps.count } }
    public var unexpectedCalls: Int { state.withLock { $0.unexpectedCalls } }

    public func append(_ steps: [Step]) {
        state.withLock { $0.steps += steps }
    }

    private func next(_ request: ChatRequest) throws -> Step {
        try state.withLock { state in
            state.requests.append(request)
            guard !state.steps.isEmpty else {
                state.unexpectedCalls += 1
                throw LLMError(.request, "ScriptedChatModel \(name): unexpected call \(state.requests.count)")
            }
            return state.steps.removeFirst()
        }
    }

    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        switch try next(request) {
        case .respond(let response): return response
        case .fail(let error): throw error
        case .hang:
            try await Self.hang()
            throw CancellationError()
        case .stream(let events), .streamThenFail(let events, _):
            var accumulator = ChatStreamAccumulator(model: name)
            for event in events { accumulator.add(event) }
            return accumulator.response
        case .embed: throw LLMError(.request, "ScriptedChatModel \(name): embed step used for a chat call")
        }
    }

    public func stream(_ request: ChatRequest, onEvent: (ChatStreamEvent) async throws -> Void) async throws {
        switch try next(request) {
        case .respond(let response):
            try await onEvent(.started(id: response.id, model: response.model, provider: response.provider))
            if let content = response.content { try await onEvent(.content(content)) }
            try await onEvent(.finished(response.finishReason ?? .stop))
            if let usage = response.usage { try await onEvent(.usage(usage)) }
        case .fail(let error): throw error
        case .hang: try await Self.hang()
        case .stream(let events):
            for event in events { try await onEvent(event) }
        case .streamThenFail(let events, let error):
            for event in events { try await onEvent(event) }
            throw error
        case .embed: throw LLMError(.request, "ScriptedChatModel \(name): embed step used for a chat call")
        }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let asChat = ChatRequest(model: request.model, messages: request.inputs.map(ChatMessage.user))
        switch try next(asChat) {
        case .embed(let response): return response
        case .fail(let error): throw error
        default: throw LLMError(.request, "ScriptedChatModel \(name): chat step used for an embed call")
        }
    }

    private static func hang() async throws {
        // A provider that never answers: only cancellation (a timeout, a client leaving) ends it.
        try await Task.sleep(for: .seconds(365 * 86_400))
    }
}

extension ChatResponse {
    /// A plain answer with usage, for scripts.
    public static func text(_ content: String, model: String = "scripted", prompt: Int = 10, completion: Int = 5) -> ChatResponse {
        ChatResponse(model: model, content: content, finishReason: .stop, usage: TokenUsage(promptTokens: prompt, completionTokens: completion))
    }
}
