public import ConciergeCore
import Foundation
import GRDB

/// The job queue in the SQLite store's file. Claims and acknowledgements run in `BEGIN IMMEDIATE` transactions
/// on the store's single writer, so two claims never see the same job; idle workers in this process are woken
/// through ``notifier`` after every commit that makes work due.
public final class SQLiteJobStore: JobStore {
    let store: SQLiteStore
    public let clock: any JobClock
    public let notifier: JobNotifier

    public init(store: SQLiteStore, clock: any JobClock = SystemJobClock(), notifier: JobNotifier = JobNotifier()) {
        self.store = store
        self.clock = clock
        self.notifier = notifier
    }

    /// Runs `body` in an immediate write transaction.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await store.pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    var nowMicros: Int64 { SQLiteJobRows.micros(clock.now()) }

    public func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        let now = nowMicros
        let results = try await write { db in try requests.map { try Self.enqueue(db, $0, now: now) } }
        for queue in Set(requests.map(\.queue)) { notifier.signal(queue) }
        return results
    }

    /// One enqueue inside the caller's transaction (also used by the run store's one-transaction submit); the caller
    /// signals ``notifier`` after the commit.
    static func enqueue(_ db: Database, _ request: EnqueueRequest, now: Int64) throws -> EnqueueResult {
        if let key = request.idempotencyKey, let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM jobs WHERE queue = ? AND idempotency_key = ?"), arguments: [request.queue, key]
        ) {
            return EnqueueResult(id: existing, created: false)
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO jobs (queue, state, priority, payload, max_attempts, idempotency_key, run_at, created_at, updated_at)
                VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                request.queue, request.priority, request.payload, request.maxAttempts, request.idempotencyKey,
                request.runAt.map(SQLiteJobRows.micros) ?? now, now, now,
            ]
        )
        return EnqueueResult(id: db.lastInsertedRowID, created: true)
    }

    public func claim(queue: String, limit: Int, workerID: String, leaseDuration: Duration) async throws -> [ClaimedJob] {
        let now = nowMicros
        let expires = now + SQLiteJobRows.micros(leaseDuration)
        let jobs = try await write { db -> [ClaimedJob] in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        UPDATE jobs SET state = 'active', attempts = attempts + 1, lease_owner = ?, lease_expires_at = ?,
                            claimed_at = ?, updated_at = ?
                        WHERE id IN (
                            SELECT id FROM jobs WHERE state = 'queued' AND queue = ? AND run_at <= ?
                            ORDER BY priority DESC, run_at, id LIMIT ?
                        )
                        RETURNING id, queue, payload, priority, attempts, attempt_floor, max_attempts, run_at, created_at
                        """
                ),
                arguments: [workerID, expires, now, now, queue, now, max(1, limit)]
            ).map { row in
                ClaimedJob(
                    id: row["id"], queue: row["queue"], payload: row["payload"], priority: row["priority"],
                    attempt: row["attempts"],
                    remainingAttempts: (row["max_attempts"] as Int) - (row["attempts"] as Int) + (row["attempt_floor"] as Int) + 1,
                    runAt: SQLiteJobRows.date(row["run_at"] as Int64), createdAt: SQLiteJobRows.date(row["created_at"] as Int64),
                    claimedAt: SQLiteJobRows.date(now), leaseExpiresAt: SQLiteJobRows.date(expires), workerID: workerID
                )
            }
        }
        return jobs.sorted { ($0.priority, $1.runAt, $1.id) > ($1.priority, $0.runAt, $0.id) }
    }

    public func renewLeases(_ leases: [JobLease], leaseDuration: Duration) async throws -> LeaseRenewal {
        guard !leases.isEmpty else { return LeaseRenewal() }
        let now = nowMicros
        let expires = now + SQLiteJobRows.micros(leaseDuration)
        return try await write { db in
            var renewal = LeaseRenewal()
            for lease in leases {
                let cancel = try Bool.fetchOne(
                    db,
                    sql: """
                        UPDATE jobs SET lease_expires_at = ?, updated_at = ?
                        WHERE id = ? AND state = 'active' AND lease_owner = ? AND attempts = ? RETURNING cancel_requested
                        """,
                    arguments: [expires, now, lease.jobID, lease.workerID, lease.attempt]
                )
                switch cancel {
                case nil: renewal.lost.append(lease)
                case true?: renewal.cancelRequested.append(lease)
                case false?: break
                }
            }
            return renewal
        }
    }

    public func finish(_ completions: [JobCompletion]) async throws -> [JobLease] {
        guard !completions.isEmpty else { return [] }
        let now = nowMicros
        let (applied, retriedQueues) = try await write { db in
            var applied: [JobLease] = []
            var retried: Set<String> = []
            for completion in completions {
                if let queue = try Self.finish(db, completion, now: now) {
                    applied.append(completion.lease)
                    if case .failed(_, let delay) = completion.outcome, delay <= .zero { retried.insert(queue) }
                }
            }
            return (applied, retried)
        }
        for queue in retriedQueues { notifier.signal(queue) }
        return applied
    }

    /// Applies one outcome if the lease is still held; returns the job's queue when it was applied.
    static func finish(_ db: Database, _ completion: JobCompletion, now: Int64) throws -> String? {
        let lease = completion.lease
        let held = "id = ? AND state = 'active' AND lease_owner = ? AND attempts = ?"
        let leaseArguments: [(any DatabaseValueConvertible)?] = [lease.jobID, lease.workerID, lease.attempt]
        switch completion.outcome {
        case .completed(let result):
            try db.cachedStatement(
                sql: """
                    UPDATE jobs SET state = 'completed', result = ?, finished_at = ?, updated_at = ?, lease_expires_at = NULL
                    WHERE \(held)
                    """
            ).execute(arguments: StatementArguments([result, now, now] + leaseArguments))
            return db.changesCount == 1 ? "" : nil
        case .failed(let error, let delay):
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET
                        state = CASE WHEN attempts - attempt_floor >= max_attempts THEN 'dead' ELSE 'queued' END,
                        finished_at = CASE WHEN attempts - attempt_floor >= max_attempts THEN ? ELSE NULL END,
                        run_at = CASE WHEN attempts - attempt_floor >= max_attempts THEN run_at ELSE ? END,
                        last_error = ?, updated_at = ?, lease_expires_at = NULL
                    WHERE \(held) RETURNING queue, claimed_at
                    """,
                arguments: StatementArguments([now, now + SQLiteJobRows.micros(delay), error, now] + leaseArguments)
            ) else { return nil }
            try SQLiteJobRows.insertAttempt(
                db, jobID: lease.jobID, attempt: lease.attempt, workerID: lease.workerID, startedAt: row["claimed_at"],
                finishedAt: now, outcome: .failed, error: error
            )
            return row["queue"]
        case .cancelled:
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ?, lease_expires_at = NULL
                    WHERE \(held) RETURNING queue, claimed_at
                    """,
                arguments: StatementArguments([now, now] + leaseArguments)
            ) else { return nil }
            try SQLiteJobRows.insertAttempt(
                db, jobID: lease.jobID, attempt: lease.attempt, workerID: lease.workerID, startedAt: row["claimed_at"],
                finishedAt: now, outcome: .cancelled, error: "cancelled"
            )
            return row["queue"]
        }
    }

    public func release(_ leases: [JobLease]) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let now = nowMicros
        let queues = try await write { db in
            var queues: [String] = []
            for lease in leases {
                guard let row = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE jobs SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                            finished_at = CASE WHEN cancel_requested THEN ? ELSE NULL END,
                            attempt_floor = attempt_floor + 1, run_at = ?, updated_at = ?, lease_expires_at = NULL
                        WHERE id = ? AND state = 'active' AND lease_owner = ? AND attempts = ? RETURNING queue, claimed_at
                        """,
                    arguments: [now, now, now, lease.jobID, lease.workerID, lease.attempt]
                ) else { continue }
                try SQLiteJobRows.insertAttempt(
                    db, jobID: lease.jobID, attempt: lease.attempt, workerID: lease.workerID, startedAt: row["claimed_at"],
                    finishedAt: now, outcome: .released, error: "released by its worker at shutdown"
                )
                queues.append(row["queue"])
            }
            return queues
        }
        for queue in Set(queues) { notifier.signal(queue) }
        return queues.count
    }

    public func reapExpiredLeases() async throws -> Int {
        let now = nowMicros
        let queues = try await write { db in
            try Self.reap(db, now: now, condition: "lease_expires_at < ?", argument: now, error: "lease expired")
        }
        for queue in Set(queues) { notifier.signal(queue) }
        return queues.count
    }

    /// Takes active jobs matching `condition` away from their workers, recording the lost attempt. Returns their queues.
    static func reap(_ db: Database, now: Int64, condition: String, argument: Int64, error: String) throws -> [String] {
        let spent = "attempts - attempt_floor >= max_attempts"
        let rows = try Row.fetchAll(
            db,
            sql: """
                UPDATE jobs SET
                    state = CASE WHEN cancel_requested THEN 'cancelled' WHEN \(spent) THEN 'dead' ELSE 'queued' END,
                    finished_at = CASE WHEN cancel_requested OR \(spent) THEN ? ELSE NULL END,
                    run_at = ?, last_error = ?, updated_at = ?, lease_expires_at = NULL
                WHERE state = 'active' AND \(condition)
                RETURNING id, queue, attempts, lease_owner, claimed_at
                """,
            arguments: [now, now, error, now, argument]
        )
        for row in rows {
            try SQLiteJobRows.insertAttempt(
                db, jobID: row["id"], attempt: row["attempts"], workerID: row["lease_owner"], startedAt: row["claimed_at"],
                finishedAt: now, outcome: .leaseExpired, error: error
            )
        }
        return rows.map { $0["queue"] }
    }
}
