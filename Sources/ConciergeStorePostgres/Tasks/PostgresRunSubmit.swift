public import ConciergeCore
import Foundation
import Logging
import PostgresNIO

/// A run, its job and its first events in one transaction: one fsync'd commit instead of three.
extension PostgresStore: RunSubmitting {
    public func submitRun(
        _ run: TaskRun, idempotencyKey: String?, job: EnqueueRequest, events: [RunWrite.Event], jobs: any JobStore
    ) async throws -> (run: TaskRun, created: Bool)? {
        guard let queue = jobs as? PostgresJobStore, queue.client === client else { return nil }
        let document = try RunCoding.encode(run)
        let now = Date()
        let jobNow = queue.clock.now()
        let logger = self.logger
        let created = try await transaction { connection -> Bool in
            let inserted = try await connection.query(
                """
                INSERT INTO task_runs (id, idempotency_key, owner, status, event_seq, created_at, updated_at, document)
                VALUES (\(run.id), \(idempotencyKey), \(run.request.owner), \(run.status.rawValue), \(Int64(events.count)),
                    \(run.createdAt), \(now), \(document))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
                """,
                logger: logger
            )
            var isNew = false
            for try await _ in inserted { isNew = true }
            guard isNew else { return false }
            // The job's insert trigger notifies the workers at commit.
            let enqueued = try await PostgresJobStore.enqueue(connection, job, key: job.idempotencyKey, now: jobNow, logger: logger)
            try await connection.query("UPDATE task_runs SET job_id = \(enqueued.id) WHERE id = \(run.id)", logger: logger)
            if !events.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO task_events (run_id, sequence, type, data, created_at)
                    SELECT \(run.id), e.ord, e.type, e.data, \(now)
                    FROM unnest(\(events.map(\.type))::TEXT[], \(events.map(\.data.jsonText))::TEXT[]) WITH ORDINALITY AS e(type, data, ord)
                    """,
                    logger: logger
                )
            }
            return true
        }
        if created {
            queue.notifier.signal(job.queue)
            return (run, true)
        }
        guard let idempotencyKey else { throw TaskError(.conflict, "run \(run.id) already exists") }
        for try await id in try await client.query("SELECT id FROM task_runs WHERE idempotency_key = \(idempotencyKey)", logger: logger).decode(String.self) {
            if let existing = try await self.run(id) { return (existing, false) }
        }
        throw TaskError(.conflict, "idempotency key is in use")
    }
}
