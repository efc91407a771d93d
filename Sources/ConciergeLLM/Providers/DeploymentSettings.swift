public import ConciergeCore

/// One model deployment: a provider endpoint, its key and model, its prices and limits.
public struct DeploymentSettings: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case openAICompatible = "openai-compatible"
        case anthropic
    }

    public var name: String
    public var kind: Kind
    /// Base URL including the version path (`https://api.openai.com/v1`); paths such as `/chat/completions` are appended.
    public var baseURL: String
    /// The name of the environment variable that holds the key (shown by `check-config`, never the key itself).
    public var apiKeyVariable: String?
    /// The key read from that variable; nil for local servers.
    public var apiKey: String?
    public var model: String
    public var prices: TokenPrices
    /// Bound on one attempt: until the whole answer for a complete call, until the first byte of a stream.
    public var timeout: Duration
    /// After a stream's first bytes, the longest silence between reads before the stream ends with a timeout error
    /// (by default the timeout, and at least two minutes: a model may think for a while between tokens).
    public var streamStallLimit: Duration
    /// Retries of a retryable failure on this deployment before falling back; nil uses the router's policy.
    public var maxRetries: Int?
    /// Calls to this deployment in flight at once; further calls wait.
    public var maxConcurrency: Int
    /// False for servers that do not return `tool_calls` (small local models): tools are emulated with `json_schema`.
    public var nativeTools: Bool
    /// Ask for usage in the final chunk of a stream (`stream_options.include_usage`).
    public var streamUsage: Bool

    public init(
        name: String, kind: Kind = .openAICompatible, baseURL: String, apiKeyVariable: String? = nil, apiKey: String? = nil,
        model: String, prices: TokenPrices = .free, timeout: Duration = .seconds(60), maxConcurrency: Int = 64,
        nativeTools: Bool = true, streamUsage: Bool = true, maxRetries: Int? = nil, streamStallLimit: Duration? = nil
    ) {
        self.name = name
        self.kind = kind
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKeyVariable = apiKeyVariable
        self.apiKey = apiKey
        self.model = model
        self.prices = prices
        self.timeout = timeout
        self.streamStallLimit = streamStallLimit ?? max(timeout, .seconds(120))
        self.maxRetries = maxRetries
        self.maxConcurrency = maxConcurrency
        self.nativeTools = nativeTools
        self.streamUsage = streamUsage
    }
}

/// Known providers: base URL, kind and the usual key variable, so a config only names the preset and the model.
public enum ProviderPreset: String, Sendable, CaseIterable {
    case openai, zai, gemini, ollama, vllm, llamacpp, anthropic

    public var baseURL: String {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .zai: "https://api.z.ai/api/paas/v4"
        case .gemini: "https://generativelanguage.googleapis.com/v1beta/openai"
        case .ollama: "http://127.0.0.1:11434/v1"
        case .vllm: "http://127.0.0.1:8000/v1"
        case .llamacpp: "http://127.0.0.1:8081/v1"
        case .anthropic: "https://api.anthropic.com/v1"
        }
    }

    public var kind: DeploymentSettings.Kind { self == .anthropic ? .anthropic : .openAICompatible }

    public var apiKeyVariable: String? {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .zai: "ZAI_API_KEY"
        case .gemini: "GEMINI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        case .ollama, .vllm, .llamacpp: nil
        }
    }

    /// Local servers built on small models usually lack native tool calls.
    public var nativeTools: Bool {
        switch self {
        case .llamacpp, .ollama: false
        default: true
        }
    }
}
