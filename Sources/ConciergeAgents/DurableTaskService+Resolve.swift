public import ConciergeCore

extension DurableTaskService {
    /// A person settles the pending side-effecting call that stopped a run (`needs_attention`): `done` journals it as
    /// succeeded with the given output, `notDone` as failed so that it runs again with the same idempotency key. The run
    /// goes back to `queued` on a new job and resumes from its journal; steps that succeeded are not run again.
    public func resolve(_ id: String, step stepID: String, as resolution: StepResolution) async throws -> TaskRun {
        guard var run = try await runs.run(id) else { throw TaskError(.notFound, "task \(id) does not exist") }
        guard run.status == .failed, run.errorCode == .needsAttention else {
            throw TaskError(.conflict, "task \(id) is not waiting for a person (status \(run.status.rawValue))")
        }
        // A re-plan journals its calls as `r1/<step>`; the API names steps as the run's `steps` show them.
        let key = run.replans > 0 ? "r\(run.replans)/\(stepID)" : stepID
        guard var record = try await runs.journaledCalls(runID: id)[key], record.status == .pending else {
            throw TaskError(.conflict, "step '\(stepID)' of task \(id) is not a pending call")
        }
        switch resolution {
        case .done(let output):
            record.status = .succeeded
            record.output = output
            record.error = nil
        case .notDone:
            record.status = .failed
            record.error = "did not take effect (checked by a person); runs again with idempotency key \(record.idempotencyKey)"
        }
        run.status = .queued
        run.error = nil
        run.errorCode = nil
        run.finishedAt = nil
        let events: [RunWrite.Event] = [
            .init(type: "step_resolved", data: ["step_id": .string(stepID), "tool": .string(record.tool), "outcome": .string(resolution.name)]),
            .init(type: "status", data: ["status": "queued"]),
        ]
        let job = try EnqueueRequest(queue: Self.queue, payload: #"{"run_id":"\#(id)"}"#)
        if let submitting = runs as? any RunSubmitting,
            let requeued = try await submitting.requeueResolvedRun(run, step: record, events: events, job: job, jobs: jobs) {
            guard requeued else { throw TaskError(.conflict, "task \(id) changed while step '\(stepID)' was being resolved") }
        } else {
            try await writer.commit(RunWrite(runID: id, run: run, call: record, events: events))
            let enqueued = try await jobs.enqueue(job)
            try await writer.commit(RunWrite(runID: id, jobID: enqueued.id))
        }
        writer.signals.signal(id, finished: false, run: nil)
        return try await runs.run(id) ?? run
    }
}
