public import ConciergeCore
public import Logging

/// The loop of one task: plan (LLM, repaired once, else rules) → execute → compose → verify, with one re-plan
/// when verification fails and a model can re-plan. Every change of the run is handed to `save` and every step of
/// progress to `events`; a run that crashed resumes from its journal without calling finished steps again.
public struct AgentRunner: Sendable {
    public struct Settings: Sendable {
        public var maxSteps: Int
        public var executor: Executor.Settings
        public var modelAlias: String

        public init(maxSteps: Int = 8, executor: Executor.Settings = .init(), modelAlias: String = "default") {
            self.maxSteps = maxSteps
            self.executor = executor
            self.modelAlias = modelAlias
        }
    }

    let model: (any ChatModel)?
    let tools: [String: any Tool]
    let unitNames: Set<String>
    let settings: Settings
    let prices: TokenPrices
    let metrics: AgentMetrics?
    let logger: Logger

    public init(
        model: (any ChatModel)?, tools: [any Tool], unitNames: Set<String> = [], settings: Settings = .init(), prices: TokenPrices = .free,
        metrics: AgentMetrics? = nil, logger: Logger
    ) {
        self.model = model
        self.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.unitNames = unitNames
        self.settings = settings
        self.prices = prices
        self.metrics = metrics
        self.logger = logger
    }

    /// Runs (or resumes) `run` to a finished state. Throws only `CancellationError` and storage errors.
    public func run(
        _ initial: TaskRun, journal: any RunJournal, events: any RunEventSink, save: @Sendable (TaskRun) async throws -> Void
    ) async throws -> TaskRun {
        var run = initial
        let started = ContinuousClock.now
        let meter = UsageMeter(prices: prices, starting: run.usage)
        do {
            try await attempt(&run, journal: journal, events: events, meter: meter, save: save)
        } catch let error as Executor.PendingSideEffect {
            run.status = .failed
            run.error = error.description
        }
        run.usage = meter.usage
        // An event is emitted before the write it describes, so a journal that batches events writes them together.
        await events.emit("done", ["status": .string(run.status.rawValue), "error": run.error.map(JSONValue.string) ?? .null])
        try await save(run)
        metrics?.task(outcome: run.status.rawValue, duration: ContinuousClock.now - started, costMicroUSD: run.usage.costMicroUSD)
        return run
    }

    private func attempt(
        _ run: inout TaskRun, journal: any RunJournal, events: any RunEventSink, meter: UsageMeter, save: @Sendable (TaskRun) async throws -> Void
    ) async throws {
        var feedback: [String] = []
        while true {
            let generation = run.replans
            if run.plan == nil || run.status == .planning {
                // Saved only when a model call makes planning take a while: a rule plan is ready at once.
                try await transition(&run, to: .planning, events: events, save: save, durable: usesModel(toPlan: run))
                do {
                    run.plan = try await makePlan(run, feedback: feedback, meter: meter, events: events)
                } catch {
                    run.status = .failed
                    run.error = "\(error)"
                    return
                }
                run.usage = meter.usage
                await events.emit("plan", planEvent(run.plan!))
            }
            try await transition(&run, to: .running, events: events, save: save)
            let scoped = ScopedJournal(inner: journal, prefix: generation == 0 ? "" : "r\(generation)/")
            let runScope = generation == 0 ? run.id : "\(run.id)/r\(generation)"
            let executor = Executor(tools: tools, settings: settings.executor, metrics: metrics, logger: logger)
            let records = try await executor.execute(run.plan!, runID: runScope, journal: scoped, events: events)
            meter.addToolCalls(records.filter { $0.attempts > 0 }.count)
            run.steps = records
            try await transition(&run, to: .verifying, events: events, save: save, durable: model != nil)
            let composer = AnswerComposer(model: model, alias: settings.modelAlias)
            run.answer = await composer.compose(task: run.request.task, outputSchema: run.request.outputSchema, steps: records, runID: run.id, meter: meter)
            let verifier = Verifier(model: model, alias: settings.modelAlias)
            let verdict = await verifier.verify(
                task: run.request.task, outputSchema: run.request.outputSchema, answer: run.answer!, steps: records, runID: run.id, meter: meter
            )
            run.verification = verdict
            run.usage = meter.usage
            await events.emit("verification", ["verdict": .string(verdict.verdict.rawValue), "method": .string(verdict.method),
                                               "reasons": .array(verdict.reasons.map(JSONValue.string))])
            if verdict.verdict == .pass {
                run.status = .succeeded
                return
            }
            guard canReplan(run) else {
                run.status = .failed
                run.error = "verification failed: " + verdict.reasons.joined(separator: "; ")
                return
            }
            feedback = verdict.reasons
            run.replans += 1
            run.plan = nil
            run.status = .planning
            logger.debug("Run re-planned", metadata: ["run.id": .string(run.id)])
        }
    }

    private func canReplan(_ run: TaskRun) -> Bool {
        run.replans == 0 && model != nil && run.request.planner != .rules
    }

    private func usesModel(toPlan run: TaskRun) -> Bool {
        model != nil && run.request.planner != .rules
    }

    /// Emits the new status, and saves it when `durable` (a status passed through at once is not worth a write of
    /// its own: the next save carries it, and a crash before then resumes the same way).
    private func transition(
        _ run: inout TaskRun, to status: RunStatus, events: any RunEventSink, save: @Sendable (TaskRun) async throws -> Void, durable: Bool = true
    ) async throws {
        run.status = status
        await events.emit("status", ["status": .string(status.rawValue)])
        if durable { try await save(run) }
    }

    func makePlan(_ run: TaskRun, feedback: [String], meter: UsageMeter, events: any RunEventSink) async throws -> Plan {
        let rules = RulePlanner(toolNames: Set(tools.keys), unitNames: unitNames, maxSteps: settings.maxSteps)
        guard let model, run.request.planner != .rules else { return try rules.plan(run.request.task) }
        let planner = LLMPlanner(model: model, alias: settings.modelAlias, tools: Array(tools.values), maxSteps: settings.maxSteps)
        do {
            return try await planner.plan(run.request.task, runID: run.id, feedback: feedback, meter: meter)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.debug("LLM planner failed; trying rules", metadata: ["run.id": .string(run.id), "error.type": .string("\(type(of: error))")])
            await events.emit("planner_fallback", ["reason": .string("\(error)")])
            do {
                return try rules.plan(run.request.task)
            } catch {
                throw PlanningFailed(reason: "the model could not make a valid plan and \(error)")
            }
        }
    }

    func planEvent(_ plan: Plan) -> JSONValue {
        ["planner": .string(plan.planner), "steps": .array(plan.steps.map { step in
            ["id": .string(step.id), "tool": .string(step.tool), "arguments": .object(step.arguments),
             "depends_on": .array(step.dependsOn.map(JSONValue.string)), "purpose": .string(step.purpose)]
        })]
    }
}

/// Neither planner could make a plan.
public struct PlanningFailed: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
