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
    /// The stream's tool call index of each of `response.toolCalls`, ascending.
    private var callIndexes: [Int] = []

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
            // Appended in place: the answer is not copied once per piece.
            if response.content == nil { response.content = text } else { response.content!.append(text) }
        case .toolCall(let index, let id, let name, let arguments):
            let position: Int
            if let known = callIndexes.firstIndex(of: index) {
                position = known
            } else {
                position = callIndexes.firstIndex { $0 > index } ?? callIndexes.count
                callIndexes.insert(index, at: position)
                response.toolCalls.insert(ToolCall(id: "", name: "", arguments: ""), at: position)
            }
            if let id { response.toolCalls[position].id = id }
            if let name { response.toolCalls[position].name += name }
            response.toolCalls[position].arguments += arguments
        case .finished(let reason):
            response.finishReason = reason
        case .usage(let usage):
            response.usage = usage
        }
    }
}
