public import Logging

/// Arguments of a tool call, as the plan wrote them (a JSON object).
public typealias ToolArguments = [String: JSONValue]

/// A capability the planner may use: a name and description shown to the model, a strict JSON schema for its
/// arguments, and `invoke`. Tools are `Sendable` structs that receive clients and settings through `init`.
public protocol Tool: Sendable {
    var name: String { get }
    var description: String { get }
    /// A strict JSON schema (`type: object`, `additionalProperties: false`) of the arguments.
    var parametersSchema: JSONValue { get }
    /// True when a call changes the world (sends, writes, pays): journaled as pending before it fires, never cached.
    var hasSideEffects: Bool { get }
    /// How long one call may take before it fails as a retryable timeout.
    var timeout: Duration { get }
    /// How long a result may be reused for the same arguments; nil never caches.
    var cacheTTL: Duration? { get }
    /// Runs the call. Throws ``ToolError`` for outcomes the planner should see; anything else fails the run.
    func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput
    /// Decides what became of a side-effecting call that was journaled *pending* and never committed (the process
    /// died while it was in flight), usually by asking the API what it did with `idempotencyKey`. Called on resume
    /// instead of firing the call again blindly. The default cannot tell (``ToolReconciliation/unknown``).
    func reconcile(idempotencyKey: String, arguments: ToolArguments) async throws -> ToolReconciliation
}

/// What a tool's reconcile hook found out about a pending call.
public enum ToolReconciliation: Sendable, Hashable {
    /// The call took effect; this is its result. It is committed without firing again.
    case committed(ToolOutput)
    /// The call did not take effect (or the API deduplicates by idempotency key): firing it again is safe.
    case safeToRetry
    /// The tool cannot tell: the run stops for a person to check.
    case unknown
}

extension Tool {
    public var hasSideEffects: Bool { false }
    public var timeout: Duration { .seconds(10) }
    public var cacheTTL: Duration? { nil }
    public func reconcile(idempotencyKey: String, arguments: ToolArguments) async throws -> ToolReconciliation { .unknown }

    /// The definition a model sees.
    public var definition: ToolDefinition {
        ToolDefinition(name: name, description: description, parameters: parametersSchema, strict: true)
    }
}

/// What a call gets besides its arguments; never shown to the model.
public struct ToolContext: Sendable {
    public var logger: Logger
    public var runID: String
    public var stepID: String
    /// Stable per run and step (never per attempt): sent as `Idempotency-Key` by side-effecting tools.
    public var idempotencyKey: String

    public init(logger: Logger, runID: String = "test", stepID: String = "s1", idempotencyKey: String? = nil) {
        self.logger = logger
        self.runID = runID
        self.stepID = stepID
        self.idempotencyKey = idempotencyKey ?? "\(runID):\(stepID)"
    }
}

/// A tool's answer: readable text for people and the model, plus structured JSON for the result.
public struct ToolOutput: Sendable, Hashable, Codable {
    public var text: String
    public var data: JSONValue
    /// Where the data came from (URLs), for the answer's sources.
    public var sources: [String]

    public init(text: String, data: JSONValue, sources: [String] = []) {
        self.text = text
        self.data = data
        self.sources = sources
    }
}
