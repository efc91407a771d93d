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
                let first = (try Int.fetchOne(db, sql: "SELECT MAX(sequence) FROM task_events WHERE run_id = ?", arguments: [run.id]) ?? 0) + 1
                for (offset, event) in events.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO task_events (run_id, sequence, type, data, created_at) VALUES (?, ?, ?, ?, ?)",
                        arguments: [run.id, first + offset, event.type, eventTexts[offset], now]
                    )
                }
            }
        } catch is Moved {
            return false
        }
        queue.notifier.signal(job.queue)
        return true
    }
}
