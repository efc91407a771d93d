import ConciergeCore
import Foundation
import GRDB

/// Row mapping and time encoding for the SQLite job tables.
enum SQLiteJobRows {
    static let columns = """
        id, queue, state, priority, payload, result, attempts, attempt_floor, max_attempts, idempotency_key, run_at,
        created_at, updated_at, claimed_at, finished_at, lease_owner, lease_expires_at, cancel_requested, last_error
        """

    static func micros(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }
    static func date(_ micros: Int64) -> Date { Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
    static func date(_ micros: Int64?) -> Date? { micros.map(date) }
    static func micros(_ duration: Duration) -> Int64 { Int64((duration.inSeconds * 1_000_000).rounded()) }

    static func record(_ row: Row, now: Date) -> JobRecord {
        let stored = StoredJobState(rawValue: row["state"]) ?? .queued
        let attempts: Int = row["attempts"]
        let floor: Int = row["attempt_floor"]
        let maxAttempts: Int = row["max_attempts"]
        let runAt = date(row["run_at"] as Int64)
        return JobRecord(
            id: row["id"], queue: row["queue"],
            state: stored.publicState(runAt: runAt, attempts: attempts, attemptFloor: floor, now: now),
            priority: row["priority"], payload: row["payload"], result: row["result"], attempts: attempts,
            remainingAttempts: max(0, maxAttempts - (attempts - floor)), maxAttempts: maxAttempts,
            idempotencyKey: row["idempotency_key"], runAt: runAt, createdAt: date(row["created_at"] as Int64),
            updatedAt: date(row["updated_at"] as Int64), claimedAt: date(row["claimed_at"] as Int64?),
            finishedAt: date(row["finished_at"] as Int64?), leaseOwner: row["lease_owner"],
            leaseExpiresAt: date(row["lease_expires_at"] as Int64?), cancelRequested: row["cancel_requested"],
            lastError: row["last_error"]
        )
    }

    static func attempt(_ row: Row) -> JobAttempt {
        JobAttempt(
            number: row["attempt"], workerID: row["worker_id"], startedAt: date(row["started_at"] as Int64),
            finishedAt: date(row["finished_at"] as Int64?),
            outcome: JobAttemptOutcome(rawValue: row["outcome"]) ?? .failed, error: row["error"]
        )
    }

    static func insertAttempt(
        _ db: Database, jobID: JobID, attempt: Int, workerID: String?, startedAt: Int64?, finishedAt: Int64,
        outcome: JobAttemptOutcome, error: String?
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO job_attempts (job_id, attempt, worker_id, started_at, finished_at, outcome, error)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [jobID, attempt, workerID, startedAt ?? finishedAt, finishedAt, outcome.rawValue, error]
        )
    }

    /// The SQL condition (and its arguments) selecting jobs in a public state at `now`.
    static func condition(for state: JobState, now: Int64) -> (String, [(any DatabaseValueConvertible)?]) {
        switch state {
        case .waiting: ("state = 'queued' AND run_at <= ?", [now])
        case .scheduled: ("state = 'queued' AND run_at > ? AND attempts = attempt_floor", [now])
        case .failed: ("state = 'queued' AND run_at > ? AND attempts > attempt_floor", [now])
        case .active, .completed, .dead, .cancelled, .archived: ("state = ?", [state.rawValue])
        }
    }
}
