public import ConciergeCore
public import Foundation
import GRDB

extension SQLiteJobStore {
    public func cancel(_ id: JobID) async throws -> JobRecord {
        let now = nowMicros
        try await write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id]) else {
                throw JobsError.notFound(id)
            }
            switch StoredJobState(rawValue: state) {
            case .queued?:
                try db.execute(
                    sql: "UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = ?, updated_at = ? WHERE id = ?",
                    arguments: [now, now, id]
                )
            case .active?:
                try db.execute(sql: "UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?", arguments: [now, id])
            default:
                throw JobsError.conflict("job \(id) is \(state) and cannot be cancelled")
            }
        }
        return try await required(id)
    }

    public func job(_ id: JobID) async throws -> JobRecord? {
        let now = clock.now()
        return try await store.readAside { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(SQLiteJobRows.columns) FROM jobs WHERE id = ?", arguments: [id]) else {
                return nil
            }
            var record = SQLiteJobRows.record(row, now: now)
            record.attemptHistory = try Row.fetchAll(
                db, sql: "SELECT * FROM job_attempts WHERE job_id = ? ORDER BY attempt, id", arguments: [id]
            ).map(SQLiteJobRows.attempt)
            if let current = JobAttempt.current(of: record) { record.attemptHistory.append(current) }
            return record
        }
    }

    func required(_ id: JobID) async throws -> JobRecord {
        guard let record = try await job(id) else { throw JobsError.notFound(id) }
        return record
    }

    public func list(_ query: JobListQuery) async throws -> JobPage {
        let now = clock.now()
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let queue = query.queue {
            conditions.append("queue = ?")
            arguments.append(queue)
        }
        if let state = query.state {
            let (condition, values) = SQLiteJobRows.condition(for: state, now: SQLiteJobRows.micros(now))
            conditions.append(condition)
            arguments += values.map { $0 }
        }
        if let before = query.before {
            conditions.append("id < ?")
            arguments.append(before)
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(SQLiteJobRows.columns) FROM jobs \(filter) ORDER BY id DESC LIMIT \(query.limit + 1)"
        let finalArguments = StatementArguments(arguments)
        let records = try await store.readAside { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map { SQLiteJobRows.record($0, now: now) }
        }
        let page = Array(records.prefix(query.limit))
        return JobPage(jobs: page, nextCursor: records.count > query.limit ? page.last?.id : nil)
    }

    public func counts() async throws -> [QueueCounts] {
        let now = nowMicros
        return try await store.readAside { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT queue,
                        SUM(state = 'queued' AND run_at <= ?1) AS waiting,
                        SUM(state = 'queued' AND run_at > ?1 AND attempts = attempt_floor) AS scheduled,
                        SUM(state = 'queued' AND run_at > ?1 AND attempts > attempt_floor) AS failed,
                        SUM(state = 'active') AS active, SUM(state = 'completed') AS completed,
                        SUM(state = 'dead') AS dead, SUM(state = 'cancelled') AS cancelled,
                        MIN(CASE WHEN state = 'queued' AND run_at <= ?1 THEN run_at END) AS oldest
                    FROM jobs GROUP BY queue ORDER BY queue
                    """,
                arguments: [now]
            ).map { row in
                QueueCounts(
                    queue: row["queue"], waiting: row["waiting"], scheduled: row["scheduled"], active: row["active"],
                    completed: row["completed"], failed: row["failed"], dead: row["dead"], cancelled: row["cancelled"],
                    oldestWaitingAgeSeconds: (row["oldest"] as Int64?).map { Double(now - $0) / 1_000_000 }
                )
            }
        }
    }

    public func oldestWaitingAge() async throws -> Double? {
        let now = nowMicros
        let oldest = try store.readHere { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(run_at) FROM jobs WHERE state = 'queued' AND run_at <= ?", arguments: [now])
        }
        return oldest.map { Double(now - $0) / 1_000_000 }
    }

    public func retry(_ id: JobID) async throws -> JobRecord {
        let now = nowMicros
        let queue = try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT state, queue FROM jobs WHERE id = ?", arguments: [id]) else {
                throw JobsError.notFound(id)
            }
            let state: String = row["state"]
            guard ["dead", "cancelled", "archived"].contains(state) else {
                throw JobsError.conflict("job \(id) is \(state); only dead, cancelled or archived jobs can be retried")
            }
            try db.execute(sql: "UPDATE jobs SET \(Self.requeue) WHERE id = ?", arguments: [now, now, id])
            return row["queue"] as String
        }
        notifier.signal(queue)
        return try await required(id)
    }

    /// The assignments that give a finished job a fresh run: due now, full attempt budget.
    static let requeue = """
        state = 'queued', attempt_floor = attempts, run_at = ?, updated_at = ?, finished_at = NULL, result = NULL,
        cancel_requested = 0, lease_expires_at = NULL
        """

    public func retryAllDead(queue: String) async throws -> Int {
        let now = nowMicros
        let count = try await write { db in
            try db.execute(sql: "UPDATE jobs SET \(Self.requeue) WHERE queue = ? AND state = 'dead'", arguments: [now, now, queue])
            return db.changesCount
        }
        if count > 0 { notifier.signal(queue) }
        return count
    }

    public func archive(_ id: JobID) async throws -> JobRecord {
        let now = nowMicros
        try await write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id]) else {
                throw JobsError.notFound(id)
            }
            guard ["dead", "completed", "cancelled", "archived"].contains(state) else {
                throw JobsError.conflict("job \(id) is \(state); only finished jobs can be archived")
            }
            try db.execute(sql: "UPDATE jobs SET state = 'archived', updated_at = ? WHERE id = ?", arguments: [now, id])
        }
        return try await required(id)
    }

    public func delete(_ id: JobID) async throws {
        try await write { db in
            guard let state = try String.fetchOne(db, sql: "SELECT state FROM jobs WHERE id = ?", arguments: [id]) else {
                throw JobsError.notFound(id)
            }
            guard state != "active" else { throw JobsError.conflict("job \(id) is running; cancel it first") }
            try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [id])
        }
    }

    public func deleteFinished(before cutoff: Date) async throws -> Int {
        let limit = SQLiteJobRows.micros(cutoff)
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND state IN ('completed', 'dead', 'cancelled', 'archived')",
                arguments: [limit]
            )
            return db.changesCount
        }
    }

    public func releaseStale(olderThan age: Duration) async throws -> Int {
        let now = nowMicros
        let cutoff = now - SQLiteJobRows.micros(age)
        let queues = try await write { db in
            try Self.reap(
                db, now: now, condition: "claimed_at < ?", argument: cutoff,
                error: "lease released by an operator: running for more than \(Int(age.inSeconds)) s"
            )
        }
        for queue in Set(queues) { notifier.signal(queue) }
        return queues.count
    }
}
