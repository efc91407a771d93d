public import ConciergeCore
import Foundation
import GRDB

extension SQLiteStore {
    /// Thrown inside the transaction to roll it back when the run or its step moved on.
    private struct Moved: Error {}

    public func requeueResolvedRun(
        _ run: TaskRun, step: ToolCallRecord, events: [RunWrite.Event], job: EnqueueRequest, jobs: any JobStore
    ) async throws -> Bool? {
        guard let queue = jobs as? SQLiteJobStore, queue.store === self else { return nil }
        let document = try RunCoding.encode(run)
        let stepDocument = try RunCoding.encode(step)
        let eventTexts = events.map(\.data.jsonText)
        let now = Date().timeIntervalSince1970
        let jobNow = queue.nowMicros
        do {
            try await queue.write { db in
                try db.execute(
                    sql: "UPDATE task_steps SET status = ?, document = ?, updated_at = ? WHERE run_id = ? AND step_id = ? AND status = 'pending'",
                    arguments: [step.status.rawValue, stepDocument, now, run.id, step.stepID]
                )
                guard db.changesCount == 1 else { throw Moved() }
                let jobID = try SQLiteJobStore.enqueue(db, job, now: jobNow).id
                try db.execute(
                    sql: "UPDATE task_runs SET status = ?, document = ?, job_id = ?, updated_at = ? WHERE id = ? AND status = 'failed'",
                    arguments: [run.status.rawValue, document, jobID, now, run.id]
                )
                guard db.changesCount == 1 else { throw Moved() }
                _ = try Self.appendEvents(db, runID: run.id, events, texts: eventTexts, now: now)
            }
        } catch is Moved {
            return false
        }
        queue.notifier.signal(job.queue)
        return true
    }
}
