public import ConciergeCore
public import Logging

/// Runs a plan's steps in dependency order, independent ones concurrently (at most `maxConcurrency`), each with
/// the tool's timeout and retries of retryable errors. Every call is journaled before any step that depends on it
/// starts. On resume, journaled successes are reused and never called again, and a side-effecting call left pending
/// is settled by its tool's reconcile hook, never fired again blindly (``reconcilePending(_:journal:events:)``).
public struct Executor: Sendable {
    public struct Settings: Sendable {
        public var maxConcurrency: Int
        /// Attempts per step, the first included.
        public var maxAttempts: Int
        public var backoff: Duration

        public init(maxConcurrency: Int = 4, maxAttempts: Int = 3, backoff: Duration = .milliseconds(200)) {
            self.maxConcurrency = max(1, maxConcurrency)
            self.maxAttempts = max(1, maxAttempts)
            self.backoff = backoff
        }
    }

    let tools: [String: any Tool]
    let settings: Settings
    let metrics: AgentMetrics?
    let logger: Logger

    public init(tools: [String: any Tool], settings: Settings = .init(), metrics: AgentMetrics? = nil, logger: Logger) {
        self.tools = tools
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs `plan`; returns every step's record, in plan order.
    public func execute(_ plan: Plan, runID: String, journal: any RunJournal, events: any RunEventSink) async throws -> [ToolCallRecord] {
        var records = try await reconcilePending(try await journal.journaledCalls(), journal: journal, events: events)
        records = records.filter { $0.value.status == .succeeded }
        var remaining = plan.steps.filter { records[$0.id] == nil }
        try await withThrowingTaskGroup(of: ToolCallRecord.self) { group in
            var running = Set<String>()
            while !remaining.isEmpty || !running.isEmpty {
                try Task.checkCancellation()
                for step in remaining where running.count < settings.maxConcurrency {
                    let finished = step.dependsOn.allSatisfy { records[$0] != nil }
                    guard finished else { continue }
                    remaining.removeAll { $0.id == step.id }
                    let blocked = step.dependsOn.first { records[$0]?.status != .succeeded }
                    if let blocked {
                        let skipped = ToolCallRecord(stepID: step.id, tool: step.tool, arguments: step.arguments, status: .skipped,
                                                     error: "step '\(blocked)' did not succeed", idempotencyKey: Self.key(runID, step.id))
                        try await journal.record(skipped)
                        records[step.id] = skipped
                        continue
                    }
                    running.insert(step.id)
                    let outputs = records.compactMapValues(\.output)
                    group.addTask { try await self.run(step, runID: runID, outputs: outputs, journal: journal, events: events) }
                }
                guard let record = try await group.next() else {
                    if remaining.isEmpty { break }
                    continue
                }
                running.remove(record.stepID)
                records[record.stepID] = record
            }
        }
        return plan.steps.compactMap { records[$0.id] }
    }

    static func key(_ runID: String, _ stepID: String) -> String { "\(runID):\(stepID)" }

    private func run(_ step: PlanStep, runID: String, outputs: [String: ToolOutput], journal: any RunJournal, events: any RunEventSink) async throws -> ToolCallRecord {
        let key = Self.key(runID, step.id)
        await events.emit("step_started", ["step_id": .string(step.id), "tool": .string(step.tool), "purpose": .string(step.purpose)])
        var record = ToolCallRecord(stepID: step.id, tool: step.tool, arguments: step.arguments, status: .failed, idempotencyKey: key)
        let started = ContinuousClock.now
        do {
            guard let tool = tools[step.tool] else { throw ToolError.failed("unknown tool '\(step.tool)'") }
            guard case .object(let arguments) = try StepReferences.resolve(.object(step.arguments), outputs: outputs) else {
                throw ToolError.failed("arguments must be an object")
            }
            record.arguments = arguments
            let errors = JSONSchemaValidator.errors(.object(arguments), against: tool.parametersSchema, path: "arguments")
            guard errors.isEmpty else { throw ToolError.failed(errors.joined(separator: "; ")) }
            // `step_started` is progress: a pending record carries it, else the next write or the sink's bound on
            // how long progress waits (a slow tool shows as started while it runs, a fast one costs no write of its own).
            if tool.hasSideEffects {
                record.status = .pending
                try await journal.record(record)
            }
            let context = ToolContext(logger: logger, runID: runID, stepID: step.id, idempotencyKey: key)
            record.output = try await invokeWithRetries(tool, arguments, context: context, attempts: &record.attempts)
            record.status = .succeeded
        } catch let error as ToolError {
            record.status = .failed
            record.error = error.message
            record.errorKind = error.kind.rawValue
        }
        record.durationMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        metrics?.toolCall(tool: tools[step.tool] == nil ? "unknown" : step.tool, outcome: record.status.rawValue, duration: ContinuousClock.now - started)
        await events.emit("step_finished", [
            "step_id": .string(step.id), "tool": .string(step.tool), "status": .string(record.status.rawValue),
            "duration_ms": .number(Double(record.durationMs)), "text": record.output.map { .string($0.text) } ?? .null,
            "error": record.error.map(JSONValue.string) ?? .null,
        ])
        try await journal.record(record)  // with the event above, in one write when the journal batches events
        return record
    }

    private func invokeWithRetries(_ tool: any Tool, _ arguments: ToolArguments, context: ToolContext, attempts: inout Int) async throws -> ToolOutput {
        while true {
            attempts += 1
            do {
                return try await Self.withTimeout(tool.timeout, toolName: tool.name) { try await tool.invoke(arguments, context: context) }
            } catch let error as ToolError where error.isRetryable && attempts < settings.maxAttempts {
                logger.debug("Tool call retried", metadata: ["tool.name": .string(tool.name), "agent.step": .string(context.stepID)])
                let delay = min(error.retryAfter ?? settings.backoff * (1 << (attempts - 1)), .seconds(5))
                try await Task.sleep(for: delay)
            }
        }
    }

    static func withTimeout<T: Sendable>(_ timeout: Duration, toolName: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withDeadline(timeout, operation: body)
        } catch is DeadlineExceeded {
            throw ToolError.retry("\(toolName) timed out after \(timeout)")
        }
    }
}
