public import Foundation

/// One row of the usage and cost ledger: one provider attempt (failed ones included) or one cache hit.
public struct UsageRecord: Sendable, Hashable, Codable {
    public var id: String
    public var time: Date
    /// `chat`, `chat.stream`, `embeddings` …
    public var operation: String
    public var requestID: String?
    public var runID: String?
    public var callerID: String?
    /// The alias the caller asked for.
    public var alias: String?
    public var deployment: String
    public var model: String
    /// 1 for the first attempt of a call; counts across fallbacks.
    public var attempt: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int
    public var cost: MicroUSD
    public var latencyMilliseconds: Int
    public var timeToFirstTokenMilliseconds: Int?
    public var outcome: UsageOutcome
    /// The token counts are Concierge's estimate because the provider reported none.
    public var estimated: Bool
    /// Short error class for failed attempts (`rateLimited`, `server` …), never a provider message.
    public var errorKind: String?

    public init(
        id: String = UUIDText.timeOrdered(), time: Date, operation: String, requestID: String?, runID: String? = nil,
        callerID: String?, alias: String?, deployment: String, model: String, attempt: Int, usage: TokenUsage, cost: MicroUSD,
        latencyMilliseconds: Int, timeToFirstTokenMilliseconds: Int?, outcome: UsageOutcome, errorKind: String? = nil
    ) {
        self.id = id
        self.time = time
        self.operation = operation
        self.requestID = requestID
        self.runID = runID
        self.callerID = callerID
        self.alias = alias
        self.deployment = deployment
        self.model = model
        self.attempt = attempt
        self.promptTokens = usage.promptTokens
        self.completionTokens = usage.completionTokens
        self.cachedTokens = usage.cachedTokens
        self.cost = cost
        self.latencyMilliseconds = latencyMilliseconds
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.outcome = outcome
        self.estimated = usage.estimated
        self.errorKind = errorKind
    }
}

public enum UsageOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case success
    case cacheHit = "cache_hit"
    /// The caller's request was refused by the provider (4xx).
    case requestError = "request_error"
    case rateLimited = "rate_limited"
    case timeout
    case error
    case cancelled
    /// Skipped because the deployment's circuit was open; costs nothing.
    case circuitOpen = "circuit_open"
}

/// Which ledger rows to read.
public struct UsageQuery: Sendable, Hashable {
    public var requestID: String?
    public var since: Date?
    public var limit: Int

    public init(requestID: String? = nil, since: Date? = nil, limit: Int = 1000) {
        self.requestID = requestID
        self.since = since
        self.limit = limit
    }
}

/// Sums over ledger rows.
public struct UsageTotals: Sendable, Hashable {
    public var rows: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int
    public var cost: MicroUSD

    public init(rows: Int, promptTokens: Int, completionTokens: Int, cachedTokens: Int, cost: MicroUSD) {
        self.rows = rows
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.cost = cost
    }
}

/// The durable usage and cost ledger.
public protocol UsageLedger: Sendable {
    /// Writes rows durably, all or none (one transaction).
    func record(_ records: [UsageRecord]) async throws
    /// Newest first.
    func records(_ query: UsageQuery) async throws -> [UsageRecord]
    func totals(since: Date?) async throws -> UsageTotals
}

extension UsageLedger {
    public func record(_ record: UsageRecord) async throws {
        try await self.record([record])
    }
}
