import ConciergeCore

/// Token counts when a provider reports none: about four characters per token, plus a few per message.
/// Rows built from these numbers are marked `estimated`.
enum UsageEstimator {
    static func promptTokens(_ request: ChatRequest) -> Int {
        var characters = 0
        for message in request.messages {
            characters += (message.content?.count ?? 0) + 16
            for call in message.toolCalls { characters += call.name.count + call.arguments.count }
        }
        for tool in request.tools { characters += tool.name.count + (tool.description?.count ?? 0) + 64 }
        return max(1, characters / 4)
    }

    static func completionTokens(characters: Int) -> Int {
        characters == 0 ? 0 : max(1, characters / 4)
    }

    static func estimate(_ request: ChatRequest, completionCharacters: Int) -> TokenUsage {
        TokenUsage(
            promptTokens: promptTokens(request),
            completionTokens: completionTokens(characters: completionCharacters),
            estimated: true
        )
    }
}
