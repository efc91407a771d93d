/// What the HTTP controllers and the CLI call: submit, read, list, wait for and cancel task runs.
public protocol TaskService: Sendable {
    /// Validates and stores the run and queues it. An idempotency key already used returns that run.
    func submit(_ request: TaskRequest, idempotencyKey: String?) async throws -> TaskRun
    /// Submits and waits up to `timeout` for the run to finish: the finished run, or the run as it is then.
    func submit(_ request: TaskRequest, idempotencyKey: String?, waitingUpTo timeout: Duration) async throws -> TaskRun
    func run(_ id: String) async throws -> TaskRun?
    func list(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun]
    /// Cancels a run that has not finished. Throws `TaskError` `.conflict` for a finished run, `.notFound` for none.
    func cancel(_ id: String) async throws -> TaskRun
    /// Settles the pending call `step` of a run stopped for a person (`needs_attention`) and queues the run again, in
    /// one transaction. Throws `TaskError` `.notFound` for no run, `.conflict` when the run is not waiting for a person
    /// or `step` is not its pending call (including when another caller resolved it first).
    func resolve(_ id: String, step: String, as resolution: StepResolution) async throws -> TaskRun
    /// The run once finished, or as it is when `timeout` passes.
    func wait(for id: String, timeout: Duration) async throws -> TaskRun?
    func events(_ id: String, after: Int) async throws -> [RunEvent]
    /// Events after `after`; when there are none yet, waits up to `timeout` for some (then may return none).
    func nextEvents(_ id: String, after: Int, timeout: Duration) async throws -> [RunEvent]
}

extension TaskService {
    /// Submits, then waits.
    public func submit(_ request: TaskRequest, idempotencyKey: String?, waitingUpTo timeout: Duration) async throws -> TaskRun {
        let run = try await submit(request, idempotencyKey: idempotencyKey)
        guard !run.status.isFinished else { return run }
        return try await wait(for: run.id, timeout: timeout) ?? run
    }

    /// Polls: one look, and if nothing is there, another after `timeout`.
    public func nextEvents(_ id: String, after: Int, timeout: Duration) async throws -> [RunEvent] {
        let events = try await events(id, after: after)
        guard events.isEmpty else { return events }
        try await Task.sleep(for: timeout)
        return try await self.events(id, after: after)
    }
}
