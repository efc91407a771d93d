/// The journal entry of one step's tool call: written before the next dependent step starts, and read on resume
/// so a finished call never runs twice.
public struct ToolCallRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// A side-effecting call about to fire (written before it fires).
        case pending
        case succeeded
        case failed
        /// Not run because a step it depends on failed.
        case skipped
    }

    public var stepID: String
    public var tool: String
    /// Arguments after references to earlier results were filled in.
    public var arguments: [String: JSONValue]
    public var status: Status
    public var output: ToolOutput?
    public var error: String?
    /// `retryable` or `final` for a failed call.
    public var errorKind: String?
    public var attempts: Int
    public var durationMs: Int
    /// `run:step`, stable across attempts and resumes.
    public var idempotencyKey: String
    /// Served from the tool's result cache.
    public var cached: Bool

    public init(
        stepID: String, tool: String, arguments: [String: JSONValue], status: Status, output: ToolOutput? = nil,
        error: String? = nil, errorKind: String? = nil, attempts: Int = 0, durationMs: Int = 0, idempotencyKey: String, cached: Bool = false
    ) {
        self.stepID = stepID
        self.tool = tool
        self.arguments = arguments
        self.status = status
        self.output = output
        self.error = error
        self.errorKind = errorKind
        self.attempts = attempts
        self.durationMs = durationMs
        self.idempotencyKey = idempotencyKey
        self.cached = cached
    }

    enum CodingKeys: String, CodingKey {
        case tool, arguments, status, output, error, attempts, cached
        case stepID = "step_id"
        case errorKind = "error_kind"
        case durationMs = "duration_ms"
        case idempotencyKey = "idempotency_key"
    }
}

/// Where the executor journals tool calls; a run store implements it per run.
public protocol RunJournal: Sendable {
    /// The calls journaled so far (on resume), by step id.
    func journaledCalls() async throws -> [String: ToolCallRecord]
    /// Writes (or replaces) the record of one step's call.
    func record(_ call: ToolCallRecord) async throws
}
