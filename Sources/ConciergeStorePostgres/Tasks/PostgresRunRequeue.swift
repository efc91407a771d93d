public import ConciergeCore
import Foundation
import Logging
import PostgresNIO

extension PostgresStore {
    /// Thrown inside the transaction to roll it back when the run or its step moved on.
    private struct Moved: Error {}

    public func requeueResolvedRun(
        _ run: TaskRun, step: ToolCallRecord, events: [RunWrite.Event], job: EnqueueRequest, jobs: any JobStore
    ) async throws -> Bool? {
        guard let queue = jobs as? PostgresJobStore, queue.client === client else { return nil }
        let document = try RunCoding.encode(run)
        let stepDocument = try RunCoding.encode(step)
        let now = Date()
        let jobNow = queue.clock.now()
        let logger = self.logger
        do {
            try await transaction { connection in
                var changed = false
                let steps = try await connection.query(
                    """
                    UPDATE task_steps SET status = \(step.status.rawValue), document = \(stepDocument), updated_at = \(now)
                    WHERE run_id = \(run.id) AND step_id = \(step.stepID) AND status = 'pending' RETURNING step_id
                    """,
                    logger: logger
                )
                for try await _ in steps { changed = true }
                guard changed else { throw Moved() }
                let enqueued = try await PostgresJobStore.enqueue(connection, job, key: job.idempotencyKey, now: jobNow, logger: logger)
                var last: Int64?
                let runs = try await connection.query(
                    """
                    UPDATE task_runs SET status = \(run.status.rawValue), document = \(document), job_id = \(enqueued.id),
                        event_seq = event_seq + \(events.count), updated_at = \(now)
                    WHERE id = \(run.id) AND status = 'failed' RETURNING event_seq
                    """,
                    logger: logger
                )
                for try await value in runs.decode(Int64.self) { last = value }
                guard let last else { throw Moved() }
                try await connection.query(
                    """
                    INSERT INTO task_events (run_id, sequence, type, data, created_at)
                    SELECT \(run.id), \(Int(last) - events.count) + e.ord, e.type, e.data, \(now)
                    FROM unnest(\(events.map(\.type))::TEXT[], \(events.map(\.data.jsonText))::TEXT[]) WITH ORDINALITY AS e(type, data, ord)
                    """,
                    logger: logger
                )
            }
        } catch is Moved {
            return false
        }
        queue.notifier.signal(job.queue)
        return true
    }
}
