import ConciergeCore
import Foundation
import PostgresNIO

/// Row mapping for the PostgreSQL job tables.
enum PostgresJobRows {
    static let columns = """
        id, queue, state, priority, payload, result, attempts, attempt_floor, max_attempts, idempotency_key, run_at,
        created_at, updated_at, claimed_at, finished_at, lease_owner, lease_expires_at, cancel_requested, last_error
        """

    /// Every row of a result, for access by column name.
    static func collect(_ rows: PostgresRowSequence) async throws -> [PostgresRandomAccessRow] {
        var result: [PostgresRandomAccessRow] = []
        for try await row in rows { result.append(row.makeRandomAccess()) }
        return result
    }

    static func record(_ row: PostgresRandomAccessRow, now: Date) throws -> JobRecord {
        let stored = StoredJobState(rawValue: try row["state"].decode(String.self)) ?? .queued
        let attempts = try row["attempts"].decode(Int.self)
        let floor = try row["attempt_floor"].decode(Int.self)
        let maxAttempts = try row["max_attempts"].decode(Int.self)
        let runAt = try row["run_at"].decode(Date.self)
        return JobRecord(
            id: try row["id"].decode(Int64.self), queue: try row["queue"].decode(String.self),
            state: stored.publicState(runAt: runAt, attempts: attempts, attemptFloor: floor, now: now),
            priority: try row["priority"].decode(Int.self), payload: try row["payload"].decode(String.self),
            result: try row["result"].decode(String?.self), attempts: attempts,
            remainingAttempts: max(0, maxAttempts - (attempts - floor)), maxAttempts: maxAttempts,
            idempotencyKey: try row["idempotency_key"].decode(String?.self), runAt: runAt,
            createdAt: try row["created_at"].decode(Date.self), updatedAt: try row["updated_at"].decode(Date.self),
            claimedAt: try row["claimed_at"].decode(Date?.self), finishedAt: try row["finished_at"].decode(Date?.self),
            leaseOwner: try row["lease_owner"].decode(String?.self),
            leaseExpiresAt: try row["lease_expires_at"].decode(Date?.self),
            cancelRequested: try row["cancel_requested"].decode(Bool.self), lastError: try row["last_error"].decode(String?.self)
        )
    }

    static func attempt(_ row: PostgresRandomAccessRow) throws -> JobAttempt {
        JobAttempt(
            number: try row["attempt"].decode(Int.self), workerID: try row["worker_id"].decode(String?.self),
            startedAt: try row["started_at"].decode(Date.self), finishedAt: try row["finished_at"].decode(Date?.self),
            outcome: JobAttemptOutcome(rawValue: try row["outcome"].decode(String.self)) ?? .failed,
            error: try row["error"].decode(String?.self)
        )
    }

    /// The SQL condition selecting jobs in a public state at `now`, binding its values into `binds`.
    static func condition(for state: JobState, now: Date, binds: inout PostgresBindings) -> String {
        switch state {
        case .waiting:
            binds.append(now)
            return "state = 'queued' AND run_at <= $\(binds.count)"
        case .scheduled:
            binds.append(now)
            return "state = 'queued' AND run_at > $\(binds.count) AND attempts = attempt_floor"
        case .failed:
            binds.append(now)
            return "state = 'queued' AND run_at > $\(binds.count) AND attempts > attempt_floor"
        case .active, .completed, .dead, .cancelled, .archived:
            binds.append(state.rawValue)
            return "state = $\(binds.count)"
        }
    }

    /// `UNNEST` arguments for a batch of leases.
    static func arrays(_ leases: [JobLease]) -> (ids: [Int64], owners: [String], attempts: [Int64]) {
        (leases.map(\.jobID), leases.map(\.workerID), leases.map { Int64($0.attempt) })
    }
}
