/// One event of a streamed completion, in provider-neutral form.
public enum ChatStreamEvent: Sendable, Hashable {
    /// The provider accepted the call; carries its id, model and quota headers. Always first.
    case started(id: String?, model: String, provider: ProviderInfo?)
    /// A piece of the answer's text.
    case content(String)
    /// A piece of a tool call: the first piece of each call carries its id and name, later ones argument text.
    case toolCall(index: Int, id: String?, name: String?, arguments: String)
    /// Generation stopped.
    case finished(FinishReason)
    /// Tokens counted for the whole call; sent at most once, near the end.
    case usage(TokenUsage)
}

/// Builds a ``ChatResponse`` from stream events, for callers that stream but want the whole answer too.
public struct ChatStreamAccumulator: Sendable {
    public private(set) var response: ChatResponse
    private var calls: [Int: ToolCall] = [:]

    public init(model: String = "") {
        response = ChatResponse(model: model, content: nil, finishReason: nil, usage: nil)
    }

    public mutating func add(_ event: ChatStreamEvent) {
        switch event {
        case .started(let id, let model, let provider):
            response.id = id ?? response.id
            response.model = model
            response.provider = provider
        case .content(let text):
            response.content = (response.content ?? "") + text
        case .toolCall(let index, let id, let name, let arguments):
            var call = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
            if let id { call.id = id }
            if let name { call.name += name }
            call.arguments += arguments
            calls[index] = call
            response.toolCalls = calls.keys.sorted().compactMap { calls[$0] }
        case .finished(let reason):
            response.finishReason = reason
        case .usage(let usage):
            response.usage = usage
        }
    }
}
