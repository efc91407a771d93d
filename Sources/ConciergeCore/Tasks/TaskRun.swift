public import Foundation

/// Where a run is in its life.
public enum RunStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case queued, planning, running, verifying, succeeded, failed, cancelled

    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// Why a failed run failed, for machines; `error` says it for people.
public struct RunErrorCode: RawRepresentable, Sendable, Hashable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A side-effecting call may have taken effect before a crash and its tool could not tell: a person must check
    /// the outside system (the step and its idempotency key are in `error` and the journal) before anything is redone.
    public static let needsAttention = Self(rawValue: "needs_attention")
}

/// The verifier's verdict and why.
public struct Verification: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable { case pass, fail }
    public var verdict: Verdict
    /// `schema` (output_schema), `llm` (the judge) or `steps` (every step succeeded; no model to judge).
    public var method: String
    public var reasons: [String]

    public init(verdict: Verdict, method: String, reasons: [String]) {
        self.verdict = verdict
        self.method = method
        self.reasons = reasons
    }
}

/// Tokens and money a run spent.
public struct RunUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var costMicroUSD: Int64
    public var llmCalls: Int
    public var toolCalls: Int

    public init(promptTokens: Int = 0, completionTokens: Int = 0, costMicroUSD: Int64 = 0, llmCalls: Int = 0, toolCalls: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.costMicroUSD = costMicroUSD
        self.llmCalls = llmCalls
        self.toolCalls = toolCalls
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case costMicroUSD = "cost_micro_usd"
        case llmCalls = "llm_calls"
        case toolCalls = "tool_calls"
    }
}

/// The answer: text for people, a structured result, and the tool calls it rests on.
public struct TaskAnswer: Sendable, Hashable, Codable {
    public var text: String
    public var result: JSONValue
    /// Step ids (and URLs the tools reported).
    public var sources: [String]

    public init(text: String, result: JSONValue, sources: [String]) {
        self.text = text
        self.result = result
        self.sources = sources
    }
}

/// What a caller asked for.
public struct TaskRequest: Sendable, Hashable, Codable {
    public enum PlannerChoice: String, Sendable, Hashable, Codable { case auto, llm, rules }
    public var task: String
    public var outputSchema: JSONValue?
    public var planner: PlannerChoice
    public var metadata: JSONValue?
    /// Who submitted the run (the caller's principal id); nil for in-process runs (`concierge ask`).
    public var owner: String?

    public init(
        task: String, outputSchema: JSONValue? = nil, planner: PlannerChoice = .auto, metadata: JSONValue? = nil, owner: String? = nil
    ) {
        self.task = task
        self.outputSchema = outputSchema
        self.planner = planner
        self.metadata = metadata
        self.owner = owner
    }

    enum CodingKeys: String, CodingKey {
        case task, planner, metadata, owner
        case outputSchema = "output_schema"
    }
}

/// One run of a task, as stored and as returned by the API.
public struct TaskRun: Sendable, Hashable, Codable {
    public var id: String
    public var request: TaskRequest
    public var status: RunStatus
    public var plan: Plan?
    public var steps: [ToolCallRecord]
    public var answer: TaskAnswer?
    public var verification: Verification?
    public var usage: RunUsage
    public var error: String?
    /// A machine-readable reason next to `error` when a failed run needs more than a retry (``RunErrorCode``).
    public var errorCode: RunErrorCode?
    public var replans: Int
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(id: String, request: TaskRequest, status: RunStatus = .queued, createdAt: Date) {
        self.id = id
        self.request = request
        self.status = status
        self.steps = []
        self.usage = RunUsage()
        self.replans = 0
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, request, status, plan, steps, answer, verification, usage, error, replans
        case errorCode = "error_code"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
