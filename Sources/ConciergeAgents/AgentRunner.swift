public import ConciergeCore
public import Logging

/// The loop of one task: plan (LLM, repaired once, else rules) → execute → compose → verify, with one re-plan
/// when verification fails and a model can re-plan. Status changes and every step of progress go to `events` (which
/// makes them durable with the next journaled call or save), the finished run to `save`; a run that crashed resumes
/// from its journal without calling finished steps again.
public struct AgentRunner: Sendable {
    public struct Settings: Sendable {
        public var maxSteps: Int
        public var executor: Executor.Settings
        public var modelAlias: String
        /// `max_tokens` of a planner (and answer-shaping) call: a plan of `maxSteps` steps fits well within it, and a
        /// model that rambles is cut off (its plan then fails validation) instead of running to the timeout.
        public var planMaxTokens: Int
        /// `max_tokens` of a judge call (a verdict and a few short reasons).
        public var judgeMaxTokens: Int
        /// Bound on the model's whole planning (first answer and repair round together); past it the rule planner plans.
        public var planTimeout: Duration

        public init(
            maxSteps: Int = 8, executor: Executor.Settings = .init(), modelAlias: String = "default", planMaxTokens: Int = 512,
            judgeMaxTokens: Int = 192, planTimeout: Duration = .seconds(30)
        ) {
            self.maxSteps = maxSteps
            self.executor = executor
            self.modelAlias = modelAlias
            self.planMaxTokens = planMaxTokens
            self.judgeMaxTokens = judgeMaxTokens
            self.planTimeout = planTimeout
        }
    }

    let model: (any ChatModel)?
    let tools: [String: any Tool]
    let unitNames: Set<String>
    let settings: Settings
    let metrics: AgentMetrics?
    let logger: Logger
    /// Built once (the LLM planner's prompt carries every tool's schema), not per run.
    let llmPlanner: LLMPlanner?
    let rulePlanner: RulePlanner

    public init(
        model: (any ChatModel)?, tools: [any Tool], unitNames: Set<String> = [], settings: Settings = .init(),
        metrics: AgentMetrics? = nil, logger: Logger
    ) {
        self.model = model
        self.tools = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.unitNames = unitNames
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        let byName = self.tools
        self.llmPlanner = model.map { model in
            LLMPlanner(model: model, alias: settings.modelAlias, tools: Array(byName.values), maxSteps: settings.maxSteps, maxTokens: settings.planMaxTokens)
        }
        self.rulePlanner = RulePlanner(toolNames: Set(byName.keys), unitNames: unitNames, maxSteps: settings.maxSteps)
    }

    /// Runs (or resumes) `run` to a finished state. Throws only `CancellationError` and storage errors.
    public func run(
        _ initial: TaskRun, journal: any RunJournal, events: any RunEventSink, save: @Sendable (TaskRun) async throws -> Void
    ) async throws -> TaskRun {
        var run = initial
        let started = ContinuousClock.now
        let meter = UsageMeter(starting: run.usage)
        do {
            try await attempt(&run, journal: journal, events: events, meter: meter)
        } catch let error as Executor.PendingSideEffect {
            run.status = .failed
            run.error = error.description
            run.errorCode = .needsAttention
        }
        run.usage = meter.usage
        // An event is emitted before the write it describes, so a journal that batches events writes them together.
        var done: [String: JSONValue] = ["status": .string(run.status.rawValue), "error": run.error.map(JSONValue.string) ?? .null]
        if let code = run.errorCode { done["error_code"] = .string(code.rawValue) }
        await events.emit("done", .object(done))
        try await save(run)
        metrics?.task(outcome: run.status.rawValue, duration: ContinuousClock.now - started, costMicroUSD: run.usage.costMicroUSD)
        return run
    }

    private func attempt(
        _ run: inout TaskRun, journal: any RunJournal, events: any RunEventSink, meter: UsageMeter
    ) async throws {
        var feedback: [String] = []
        // Once the model could not plan in this run (down, past its timeout, or invalid after the repair round), the rule
        // planner's plan is checked by its steps: the judge, answer shaping and any re-plan go without that model, which
        // would only delay the answer or reject a deterministic plan it could not have made itself.
        var model = self.model
        while true {
            let generation = run.replans
            if run.plan == nil || run.status == .planning {
                await transition(&run, to: .planning, events: events)
                do {
                    let made = try await makePlan(run, feedback: feedback, meter: meter, events: events)
                    run.plan = made.plan
                    if made.fellBack { model = nil }
                } catch {
                    run.status = .failed
                    run.error = "\(error)"
                    return
                }
                run.usage = meter.usage
                await events.emit("plan", planEvent(run.plan!))
            }
            await transition(&run, to: .running, events: events)
            let scoped = ScopedJournal(inner: journal, prefix: generation == 0 ? "" : "r\(generation)/")
            let runScope = generation == 0 ? run.id : "\(run.id)/r\(generation)"
            let executor = Executor(tools: tools, settings: settings.executor, metrics: metrics, logger: logger)
            let records = try await executor.execute(run.plan!, runID: runScope, journal: scoped, events: events)
            meter.addToolCalls(records.filter { $0.attempts > 0 }.count)
            run.steps = records
            await transition(&run, to: .verifying, events: events)
            let composer = AnswerComposer(model: model, alias: settings.modelAlias, maxTokens: settings.planMaxTokens)
            run.answer = await composer.compose(task: run.request.task, outputSchema: run.request.outputSchema, steps: records, runID: run.id, meter: meter)
            let verifier = Verifier(model: model, alias: settings.modelAlias, maxTokens: settings.judgeMaxTokens)
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
            guard canReplan(run, model: model) else {
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

    private func canReplan(_ run: TaskRun, model: (any ChatModel)?) -> Bool {
        run.replans == 0 && model != nil && run.request.planner != .rules
    }

    /// Emits the new status and reports the run as progress: it becomes durable with the run's next durable write
    /// (its first journaled call, or its final save), so a status passed through at once costs no write of its own, and
    /// a crash before then resumes the same way.
    private func transition(_ run: inout TaskRun, to status: RunStatus, events: any RunEventSink) async {
        run.status = status
        await events.emit("status", ["status": .string(status.rawValue)])
        await events.progress(run)
    }
}
