/// One chat call: the same value drives a complete call and a streaming call.
public struct ChatRequest: Sendable, Hashable, Codable {
    /// The alias (or deployment name) asked for. Clients bound to one deployment ignore it.
    public var model: String
    public var messages: [ChatMessage]
    public var tools: [ToolDefinition]
    public var toolChoice: ToolChoice?
    public var responseFormat: ResponseFormat?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stop: [String]
    /// The end user, forwarded to providers that use it for abuse tracking.
    public var user: String?
    /// Who asked and how the answer may be cached; never sent to a provider.
    public var attribution: CallAttribution
    public var cachePolicy: CachePolicy

    public init(
        model: String = "default", messages: [ChatMessage], tools: [ToolDefinition] = [], toolChoice: ToolChoice? = nil,
        responseFormat: ResponseFormat? = nil, temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil,
        stop: [String] = [], user: String? = nil, attribution: CallAttribution = .init(), cachePolicy: CachePolicy = .automatic
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.responseFormat = responseFormat
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop
        self.user = user
        self.attribution = attribution
        self.cachePolicy = cachePolicy
    }
}

/// How the model must use the tools.
public enum ToolChoice: Sendable, Hashable, Codable {
    case auto
    case none
    case required
    case function(String)
}

/// The shape the answer must take.
public enum ResponseFormat: Sendable, Hashable, Codable {
    case text
    case jsonObject
    case jsonSchema(name: String, schema: JSONValue, strict: Bool?)
}

/// Which request, run and caller a call belongs to, for the ledger.
public struct CallAttribution: Sendable, Hashable, Codable {
    public var requestID: String?
    public var runID: String?
    public var callerID: String?
    /// What the call is for (`chat`, `chat.stream`, `embeddings`, `agent.plan` …).
    public var operation: String?

    public init(requestID: String? = nil, runID: String? = nil, callerID: String? = nil, operation: String? = nil) {
        self.requestID = requestID
        self.runID = runID
        self.callerID = callerID
        self.operation = operation
    }
}

/// Whether the response cache may answer.
public enum CachePolicy: String, Sendable, Hashable, Codable {
    /// Cached when the temperature is 0.
    case automatic
    /// The caller opts in whatever the temperature.
    case preferCached
    /// Never read nor written (`Cache-Control: no-cache`).
    case bypass
}
