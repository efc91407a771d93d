public import ConciergeCore
import Foundation
import PostgresNIO

extension PostgresJobStore {
    public func finish(_ completions: [JobCompletion]) async throws -> [JobLease] {
        guard !completions.isEmpty else { return [] }
        let now = clock.now()
        var applied: [JobLease] = []
        var completed: [(JobLease, String)] = []
        for completion in completions {
            if case .completed(let result) = completion.outcome { completed.append((completion.lease, result)) }
        }
        if !completed.isEmpty {
            let (ids, owners, attempts) = PostgresJobRows.arrays(completed.map(\.0))
            let done = try await rows("""
                UPDATE jobs j SET state = 'completed', result = u.result, finished_at = \(now), updated_at = \(now),
                    lease_expires_at = NULL
                FROM UNNEST(\(ids)::bigint[], \(owners)::text[], \(attempts)::bigint[], \(completed.map(\.1))::text[])
                    AS u(id, owner, attempt, result)
                WHERE j.id = u.id AND j.state = 'active' AND j.lease_owner = u.owner AND j.attempts = u.attempt
                RETURNING j.id
                """)
            let doneIDs = Set(try done.map { try $0["id"].decode(Int64.self) })
            applied += completed.map(\.0).filter { doneIDs.contains($0.jobID) }
        }
        for completion in completions {
            switch completion.outcome {
            case .completed: continue
            case .failed(let error, let delay):
                if try await fail(completion.lease, error: error, retryAt: now.adding(delay), now: now) { applied.append(completion.lease) }
            case .cancelled:
                if try await cancelRunning(completion.lease, now: now) { applied.append(completion.lease) }
            }
        }
        return applied
    }

    private func fail(_ lease: JobLease, error: String, retryAt: Date, now: Date) async throws -> Bool {
        let spent = "attempts - attempt_floor >= max_attempts"
        let rows = try await rows("""
            WITH failed AS (
                UPDATE jobs SET
                    state = CASE WHEN \(unescaped: spent) THEN 'dead' ELSE 'queued' END,
                    finished_at = CASE WHEN \(unescaped: spent) THEN \(now) ELSE NULL END,
                    run_at = CASE WHEN \(unescaped: spent) THEN run_at ELSE \(retryAt) END,
                    last_error = \(error), updated_at = \(now), lease_expires_at = NULL
                WHERE id = \(lease.jobID) AND state = 'active' AND lease_owner = \(lease.workerID) AND attempts = \(lease.attempt)
                RETURNING id, attempts, lease_owner, claimed_at
            )
            INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error)
            SELECT id, attempts, lease_owner, COALESCE(claimed_at, \(now)), \(now), 'failed', \(error) FROM failed
            RETURNING job_id
            """)
        return !rows.isEmpty
    }

    private func cancelRunning(_ lease: JobLease, now: Date) async throws -> Bool {
        let rows = try await rows("""
            WITH done AS (
                UPDATE jobs SET state = 'cancelled', finished_at = \(now), updated_at = \(now), lease_expires_at = NULL
                WHERE id = \(lease.jobID) AND state = 'active' AND lease_owner = \(lease.workerID) AND attempts = \(lease.attempt)
                RETURNING id, attempts, lease_owner, claimed_at
            )
            INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error)
            SELECT id, attempts, lease_owner, COALESCE(claimed_at, \(now)), \(now), 'cancelled', 'cancelled' FROM done
            RETURNING job_id
            """)
        return !rows.isEmpty
    }

    public func release(_ leases: [JobLease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let now = clock.now()
        let (ids, owners, attempts) = PostgresJobRows.arrays(leases)
        let released = try await rows("""
            WITH released AS (
                UPDATE jobs j SET state = CASE WHEN j.cancel_requested THEN 'cancelled' ELSE 'queued' END,
                    finished_at = CASE WHEN j.cancel_requested THEN \(now) ELSE NULL END,
                    attempt_floor = j.attempt_floor + 1, run_at = \(now), updated_at = \(now), lease_expires_at = NULL
                FROM UNNEST(\(ids)::bigint[], \(owners)::text[], \(attempts)::bigint[]) AS u(id, owner, attempt)
                WHERE j.id = u.id AND j.state = 'active' AND j.lease_owner = u.owner AND j.attempts = u.attempt
                RETURNING j.id, j.queue, j.attempts, j.lease_owner, j.claimed_at
            ), logged AS (
                INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error)
                SELECT id, attempts, lease_owner, COALESCE(claimed_at, \(now)), \(now), 'released',
                    'released by its worker at shutdown'
                FROM released
            )
            SELECT queue, pg_notify(\(PostgresJobsSchema.channel), queue)::text AS notified FROM released
            """)
        for queue in Set(try released.map { try $0["queue"].decode(String.self) }) { notifier.signal(queue) }
        return released.count
    }

    public func reapExpiredLeases() async throws -> Int {
        let now = clock.now()
        return try await reap(condition: "lease_expires_at < $1", argument: now, error: "lease expired", now: now)
    }

    /// Takes active jobs matching `condition` (`$1` is `argument`) from their workers, recording the lost attempt.
    func reap(condition: String, argument: Date, error: String, now: Date) async throws -> Int {
        let spent = "attempts - attempt_floor >= max_attempts"
        var binds = PostgresBindings()
        binds.append(argument)
        binds.append(now)
        binds.append(error)
        binds.append(PostgresJobsSchema.channel)
        let sql = """
            WITH reaped AS (
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested THEN 'cancelled' WHEN \(spent) THEN 'dead' ELSE 'queued' END,
                    finished_at = CASE WHEN cancel_requested OR \(spent) THEN $2 ELSE NULL END,
                    run_at = $2, last_error = $3, updated_at = $2, lease_expires_at = NULL
                WHERE state = 'active' AND \(condition)
                RETURNING id, queue, attempts, lease_owner, claimed_at
            ), logged AS (
                INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error)
                SELECT id, attempts, lease_owner, COALESCE(claimed_at, $2), $2, 'lease_expired', $3 FROM reaped
            )
            SELECT queue, pg_notify($4, queue)::text AS notified FROM reaped
            """
        let reaped = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds))
        for queue in Set(try reaped.map { try $0["queue"].decode(String.self) }) { notifier.signal(queue) }
        return reaped.count
    }
}
