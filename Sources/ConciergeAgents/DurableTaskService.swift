public import ConciergeCore
import Foundation
public import Logging

/// Runs tasks as jobs on the durable queue: `submit` stores the run and enqueues `{"run_id"}` on the `tasks`
/// queue; the worker's handler calls ``execute(payload:)``, which resumes from the journal after a crash.
public struct DurableTaskService: TaskService {
    public static let queue = "tasks"

    let runs: any RunStore
    let writer: RunWriter
    let jobs: any JobStore
    /// Submissions of concurrent requests share a transaction, where the queue is in the run store's database.
    let submissions: GroupCommit<RunSubmission, Result<RunSubmitted, any Error>>?
    let runner: AgentRunner
    let maxTaskCharacters: Int
    /// Longest a run's progress (status changes, events) waits for a durable write to carry it (``StoredRunJournal``).
    let progressInterval: Duration
    let logger: Logger

    public init(
        runs: any RunStore, jobs: any JobStore, runner: AgentRunner, maxTaskCharacters: Int = 5000, progressInterval: Duration = .milliseconds(200),
        logger: Logger
    ) {
        self.runs = runs
        self.writer = RunWriter(store: runs)
        self.jobs = jobs
        if let submitting = runs as? any RunSubmitting, submitting.sharesDatabase(with: jobs) {
            self.submissions = GroupCommit { batch in try await submitting.submitRuns(batch, jobs: jobs) }
        } else {
            self.submissions = nil
        }
        self.runner = runner
        self.maxTaskCharacters = maxTaskCharacters
        self.progressInterval = progressInterval
        self.logger = logger
    }

    public func submit(_ request: TaskRequest, idempotencyKey: String?) async throws -> TaskRun {
        try await submit(request, id: TaskID.make(), idempotencyKey: idempotencyKey)
    }

    /// Submits and waits up to `timeout` for the run to finish. The wait is registered before the run exists, so the
    /// run this process executes comes back with its end signal, with no read of the store.
    public func submit(_ request: TaskRequest, idempotencyKey: String?, waitingUpTo timeout: Duration) async throws -> TaskRun {
        let started = ContinuousClock.now
        let id = TaskID.make()
        let ticket = writer.signals.register(id, finishedOnly: true)
        let run: TaskRun
        do {
            run = try await submit(request, id: id, idempotencyKey: idempotencyKey)
        } catch {
            writer.signals.remove(ticket)
            throw error
        }
        guard run.id == id else {  // an earlier run with this idempotency key
            writer.signals.remove(ticket)
            return run.status.isFinished ? run : try await wait(for: run.id, timeout: timeout) ?? run
        }
        let (_, finished) = await writer.signals.waitForRun(ticket, timeout: min(Self.crossProcessPoll, timeout))
        if let finished { return finished }
        let left = timeout - (ContinuousClock.now - started)
        return try await wait(for: id, timeout: max(left, .zero)) ?? run
    }

    private func submit(_ request: TaskRequest, id: String, idempotencyKey: String?) async throws -> TaskRun {
        try Self.validate(request, maxCharacters: maxTaskCharacters)
        let new = TaskRun(id: id, request: request, createdAt: Date())
        let job = try EnqueueRequest(queue: Self.queue, payload: #"{"run_id":"\#(new.id)"}"#, idempotencyKey: new.id)
        let queued: [RunWrite.Event] = [.init(type: "status", data: ["status": "queued"])]
        // Batched transactions where the queue shares the store's database; else the run, its job, and the link + event.
        if let submissions {
            return try await submissions.submit(RunSubmission(run: new, idempotencyKey: idempotencyKey, job: job, events: queued)).get().run
        }
        let (run, created) = try await runs.createRun(new, idempotencyKey: idempotencyKey)
        guard created else { return run }
        let enqueued = try await jobs.enqueue(job)
        try await writer.commit(RunWrite(runID: run.id, jobID: enqueued.id, events: queued))
        return run
    }

    public static func validate(_ request: TaskRequest, maxCharacters: Int) throws {
        guard request.task.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw TaskError(.invalidRequest, "task must not be empty")
        }
        // A character is at least one UTF-8 byte, so a text within the limit in bytes needs no count of its characters.
        guard request.task.utf8.count <= maxCharacters || request.task.count <= maxCharacters else {
            throw TaskError(.invalidRequest, "task is \(request.task.count) characters long; the limit is \(maxCharacters)")
        }
    }

    public func run(_ id: String) async throws -> TaskRun? { try await runs.run(id) }

    public func list(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun] {
        try await runs.listRuns(status: status, owner: owner, limit: limit, after: cursor)
    }

    public func cancel(_ id: String) async throws -> TaskRun {
        guard var run = try await runs.run(id) else { throw TaskError(.notFound, "task \(id) does not exist") }
        guard !run.status.isFinished else { throw TaskError(.conflict, "task \(id) already finished (\(run.status.rawValue))") }
        run.status = .cancelled
        run.finishedAt = Date()
        try await writer.commit(RunWrite(runID: id, run: run, events: [.init(type: "done", data: ["status": "cancelled", "error": .null])]))
        if let job = try await runs.jobID(of: id) { _ = try? await jobs.cancel(job) }
        return run
    }

    /// How often a waiter re-reads the store when no signal comes: only runs executed by another process (a
    /// separate `concierge worker`) need it, since this process signals its own runs' progress and end.
    public static let crossProcessPoll = Duration.milliseconds(200)

    public func wait(for id: String, timeout: Duration) async throws -> TaskRun? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let ticket = writer.signals.register(id, finishedOnly: true)
            let run: TaskRun?
            do {
                run = try await runs.run(id)
            } catch {
                writer.signals.remove(ticket)
                throw error
            }
            let now = ContinuousClock.now
            guard let run, !run.status.isFinished, now < deadline else {
                writer.signals.remove(ticket)
                return run
            }
            // A run this process finished comes with the signal, as stored: no read back.
            let (_, finished) = await writer.signals.waitForRun(ticket, timeout: min(Self.crossProcessPoll, deadline - now))
            if let finished { return finished }
            try Task.checkCancellation()
        }
    }

    public func events(_ id: String, after: Int) async throws -> [RunEvent] { try await runs.events(runID: id, after: after) }

    public func nextEvents(_ id: String, after: Int, timeout: Duration) async throws -> [RunEvent] {
        let ticket = writer.signals.register(id, finishedOnly: false)
        let events: [RunEvent]
        do {
            events = try await runs.events(runID: id, after: after)
        } catch {
            writer.signals.remove(ticket)
            throw error
        }
        guard events.isEmpty else {
            writer.signals.remove(ticket)
            return events
        }
        await writer.signals.wait(ticket, timeout: timeout)
        return try await runs.events(runID: id, after: after)
    }


    /// The `tasks` queue's handler body: runs or resumes the run named in the payload; returns the job result.
    public func execute(payload: String) async throws -> String {
        guard let runID = JSONValue(jsonText: payload)?["run_id"]?.stringValue else {
            throw TaskError(.invalidRequest, "the job's payload names no run_id")
        }
        guard let stored = try await runs.run(runID) else { throw TaskError(.notFound, "task \(runID) does not exist") }
        guard !stored.status.isFinished else { return #"{"status":"\#(stored.status.rawValue)"}"# }
        let finished = try await execute(stored, observer: nil)
        return #"{"status":"\#(finished.status.rawValue)"}"#
    }

    /// Runs a stored run here and now (the CLI's in-process `ask`, and the job handler). `stored` is the run as read
    /// from the store, with its steps: its journal is taken from them rather than read again.
    public func execute(_ stored: TaskRun, observer: (@Sendable (RunEvent) async -> Void)?) async throws -> TaskRun {
        var run = stored
        if run.startedAt == nil { run.startedAt = Date() }
        // Loaded with its steps: before any re-plan, those are the whole journal (re-plans journal as `r1/…`).
        let known = run.replans == 0 ? Dictionary(run.steps.map { ($0.stepID, $0) }, uniquingKeysWith: { first, _ in first }) : nil
        let journal = StoredRunJournal(writer: writer, runID: run.id, journal: known, progressInterval: progressInterval, observer: observer)
        var finished: TaskRun
        do {
            finished = try await runner.run(run, journal: journal, events: journal) { current in
                var copy = current
                if copy.status.isFinished, copy.finishedAt == nil { copy.finishedAt = Date() }
                try await journal.save(copy)
            }
        } catch {
            journal.discardProgress()
            throw error
        }
        await journal.flush()
        if finished.finishedAt == nil { finished.finishedAt = Date() }
        run = finished
        return run
    }

    /// Stores a run and executes it in this process without the queue (`concierge ask`).
    public func runInline(_ request: TaskRequest, observer: (@Sendable (RunEvent) async -> Void)?) async throws -> TaskRun {
        try Self.validate(request, maxCharacters: maxTaskCharacters)
        let (run, _) = try await runs.createRun(TaskRun(id: TaskID.make(), request: request, createdAt: Date()), idempotencyKey: nil)
        let finished = try await execute(run, observer: observer)
        return try await runs.run(finished.id) ?? finished
    }
}
