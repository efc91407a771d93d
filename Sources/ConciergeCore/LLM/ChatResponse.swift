/// The answer to a complete call.
public struct ChatResponse: Sendable, Hashable, Codable {
    /// The provider's id for the completion, when it gave one.
    public var id: String?
    /// The model that answered, as the provider names it.
    public var model: String
    public var content: String?
    public var toolCalls: [ToolCall]
    public var finishReason: FinishReason?
    public var usage: TokenUsage?
    /// Facts about the provider's answer that are not part of the completion (quota headers).
    public var provider: ProviderInfo?
    /// What the call cost in the ledger, all attempts included; set by the router, nil from a bare provider client.
    public var charge: CallCharge?

    public init(
        id: String? = nil, model: String, content: String?, toolCalls: [ToolCall] = [], finishReason: FinishReason?,
        usage: TokenUsage?, provider: ProviderInfo? = nil, charge: CallCharge? = nil
    ) {
        self.id = id
        self.model = model
        self.content = content
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.usage = usage
        self.provider = provider
        self.charge = charge
    }
}

/// Why generation stopped, in OpenAI's vocabulary.
public struct FinishReason: RawRepresentable, Sendable, Hashable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let stop = Self(rawValue: "stop")
    public static let length = Self(rawValue: "length")
    public static let toolCalls = Self(rawValue: "tool_calls")
    public static let contentFilter = Self(rawValue: "content_filter")
}

/// Tokens counted by the provider (or estimated, when `estimated`).
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens served from the provider's prompt cache (billed at the cached price).
    public var cachedTokens: Int
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.estimated = estimated
    }

    public var totalTokens: Int { promptTokens + completionTokens }
    public static let zero = TokenUsage(promptTokens: 0, completionTokens: 0)
}

/// What the provider's response headers say beyond the completion.
public struct ProviderInfo: Sendable, Hashable, Codable {
    /// Requests left in the current window (`x-ratelimit-remaining-requests`).
    public var remainingRequests: Int?
    /// Tokens left in the current window (`x-ratelimit-remaining-tokens`).
    public var remainingTokens: Int?

    public init(remainingRequests: Int? = nil, remainingTokens: Int? = nil) {
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
    }
}
