/// What one call cost, exactly as the usage ledger recorded it: the tokens and micro-USD of every ledger row the
/// call wrote (each attempt, failed ones and fallbacks included; a cache hit is zero). The router sets it on the
/// answer (``ChatResponse/charge``) and on the error (``LLMError/charge``) so callers that account for a run can
/// sum what the ledger holds for it without knowing which deployment served each attempt or its prices.
public struct CallCharge: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int
    public var cost: MicroUSD
    /// Ledger rows written for the call (attempts sent to a provider, or 1 for a cache hit).
    public var attempts: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, cachedTokens: Int = 0, cost: MicroUSD = .zero, attempts: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.cost = cost
        self.attempts = attempts
    }

    public static let zero = CallCharge()

    /// Adds one ledger row's tokens and cost.
    public mutating func add(_ usage: TokenUsage, cost: MicroUSD) {
        promptTokens += usage.promptTokens
        completionTokens += usage.completionTokens
        cachedTokens += usage.cachedTokens
        self.cost = self.cost + cost
        attempts += 1
    }
}
