public import ConciergeCore
import Foundation
import Logging
import PostgresNIO

/// Runs, their jobs and their first events, a batch per transaction: one fsync'd commit instead of three per run.
extension PostgresStore: RunSubmitting {
    public func sharesDatabase(with jobs: any JobStore) -> Bool {
        (jobs as? PostgresJobStore)?.client === client
    }

    public func submitRuns(_ submissions: [RunSubmission], jobs: any JobStore) async throws -> [Result<RunSubmitted, any Error>] {
        guard let queue = jobs as? PostgresJobStore, queue.client === client else {
            throw StoreError.invalidConfiguration("the job queue is not in this PostgreSQL database")
        }
        let documents = try submissions.map { try RunCoding.encode($0.run) }
        let now = Date()
        let jobNow = queue.clock.now()
        let logger = self.logger
        let created = try await transaction { connection -> [Bool] in
            var created: [Bool] = []
            for (submission, document) in zip(submissions, documents) {
                created.append(try await Self.submit(connection, submission, document: document, now: now, jobNow: jobNow, logger: logger))
            }
            return created
        }
        // The jobs' insert trigger notifies other processes' workers at commit; this one's are woken here.
        for name in RunSubmission.queues(of: submissions, created: created) { queue.notifier.signal(name) }
        return await RunSubmission.outcomes(of: submissions, created: created) { try await earlierRun(submissions[$0]) }
    }

    /// One submission inside the batch's transaction; false when a run already holds its idempotency key.
    private static func submit(
        _ connection: PostgresConnection, _ submission: RunSubmission, document: String, now: Date, jobNow: Date, logger: Logger
    ) async throws -> Bool {
        let run = submission.run
        let events = submission.events
        let inserted = try await connection.query(
            """
            INSERT INTO task_runs (id, idempotency_key, owner, status, event_seq, created_at, updated_at, document)
            VALUES (\(run.id), \(submission.idempotencyKey), \(run.request.owner), \(run.status.rawValue), \(Int64(events.count)),
                \(run.createdAt), \(now), \(document))
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
            """,
            logger: logger
        )
        var isNew = false
        for try await _ in inserted { isNew = true }
        guard isNew else { return false }
        let job = submission.job
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

    /// The run that holds a submission's idempotency key (the submission created nothing).
    private func earlierRun(_ submission: RunSubmission) async throws -> TaskRun {
        guard let key = submission.idempotencyKey else { throw TaskError(.conflict, "run \(submission.run.id) already exists") }
        let ids = try await client.query("SELECT id FROM task_runs WHERE idempotency_key = \(key)", logger: logger).decode(String.self)
        for try await id in ids {
            if let existing = try await run(id) { return existing }
        }
        throw TaskError(.conflict, "idempotency key is in use")
    }
}
