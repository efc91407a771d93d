public import ConciergeCore
public import Foundation
import PostgresNIO

extension PostgresJobStore {
    public func cancel(_ id: JobID) async throws -> JobRecord {
        let now = clock.now()
        try await transaction { connection in
            let state = try await self.lockedState(id, on: connection)
            switch StoredJobState(rawValue: state) {
            case .queued?:
                try await connection.query(
                    "UPDATE jobs SET state = 'cancelled', cancel_requested = true, finished_at = \(now), updated_at = \(now) WHERE id = \(id)",
                    logger: self.logger
                )
            case .active?:
                try await connection.query("UPDATE jobs SET cancel_requested = true, updated_at = \(now) WHERE id = \(id)", logger: self.logger)
            default:
                throw JobsError.conflict("job \(id) is \(state) and cannot be cancelled")
            }
        }
        return try await required(id)
    }

    /// Runs `body` in a transaction, rethrowing the queue's own errors as they were thrown.
    func transaction(_ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        do {
            try await client.withTransaction(logger: logger) { try await body($0) }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError as? JobsError { throw closureError }
            throw error
        }
    }

    /// The stored state of a job, locked for the rest of the transaction.
    private func lockedState(_ id: JobID, on connection: PostgresConnection) async throws -> String {
        let rows = try await PostgresJobRows.collect(
            try await connection.query("SELECT state FROM jobs WHERE id = \(id) FOR UPDATE", logger: logger)
        )
        guard let row = rows.first else { throw JobsError.notFound(id) }
        return try row["state"].decode(String.self)
    }

    public func job(_ id: JobID) async throws -> JobRecord? {
        let now = clock.now()
        guard let row = try await rows("SELECT \(unescaped: PostgresJobRows.columns) FROM jobs WHERE id = \(id)").first else { return nil }
        var record = try PostgresJobRows.record(row, now: now)
        record.attemptHistory = try await rows("SELECT * FROM job_attempts WHERE job_id = \(id) ORDER BY attempt, id")
            .map(PostgresJobRows.attempt)
        if let current = JobAttempt.current(of: record) { record.attemptHistory.append(current) }
        return record
    }

    func required(_ id: JobID) async throws -> JobRecord {
        guard let record = try await job(id) else { throw JobsError.notFound(id) }
        return record
    }

    public func list(_ query: JobListQuery) async throws -> JobPage {
        let now = clock.now()
        var binds = PostgresBindings()
        var conditions: [String] = []
        if let queue = query.queue {
            binds.append(queue)
            conditions.append("queue = $\(binds.count)")
        }
        if let state = query.state {
            conditions.append(PostgresJobRows.condition(for: state, now: now, binds: &binds))
        }
        if let before = query.before {
            binds.append(before)
            conditions.append("id < $\(binds.count)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(PostgresJobRows.columns) FROM jobs \(filter) ORDER BY id DESC LIMIT \(query.limit + 1)"
        let records = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { try PostgresJobRows.record($0, now: now) }
        let page = Array(records.prefix(query.limit))
        return JobPage(jobs: page, nextCursor: records.count > query.limit ? page.last?.id : nil)
    }

    public func counts() async throws -> [QueueCounts] {
        let now = clock.now()
        return try await rows("""
            SELECT queue,
                count(*) FILTER (WHERE state = 'queued' AND run_at <= \(now)) AS waiting,
                count(*) FILTER (WHERE state = 'queued' AND run_at > \(now) AND attempts = attempt_floor) AS scheduled,
                count(*) FILTER (WHERE state = 'queued' AND run_at > \(now) AND attempts > attempt_floor) AS failed,
                count(*) FILTER (WHERE state = 'active') AS active,
                count(*) FILTER (WHERE state = 'completed') AS completed,
                count(*) FILTER (WHERE state = 'dead') AS dead,
                count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
                min(run_at) FILTER (WHERE state = 'queued' AND run_at <= \(now)) AS oldest
            FROM jobs GROUP BY queue ORDER BY queue
            """).map { row in
            QueueCounts(
                queue: try row["queue"].decode(String.self), waiting: try row["waiting"].decode(Int.self),
                scheduled: try row["scheduled"].decode(Int.self), active: try row["active"].decode(Int.self),
                completed: try row["completed"].decode(Int.self), failed: try row["failed"].decode(Int.self),
                dead: try row["dead"].decode(Int.self), cancelled: try row["cancelled"].decode(Int.self),
                oldestWaitingAgeSeconds: try row["oldest"].decode(Date?.self).map { now.timeIntervalSince($0) }
            )
        }
    }

    public func oldestWaitingAge() async throws -> Double? {
        let now = clock.now()
        let rows = try await rows("SELECT min(run_at) AS oldest FROM jobs WHERE state = 'queued' AND run_at <= \(now)")
        return try rows.first?["oldest"].decode(Date?.self).map { now.timeIntervalSince($0) }
    }

    static let requeue = """
        state = 'queued', attempt_floor = attempts, updated_at = $1, run_at = $1, finished_at = NULL, result = NULL,
        cancel_requested = false, lease_expires_at = NULL
        """

    public func retry(_ id: JobID) async throws -> JobRecord {
        var binds = PostgresBindings()
        binds.append(clock.now())
        binds.append(id)
        let rows = try await rows(PostgresQuery(
            unsafeSQL: """
                UPDATE jobs SET \(Self.requeue) WHERE id = $2 AND state IN ('dead', 'cancelled', 'archived')
                RETURNING queue, pg_notify('\(PostgresJobsSchema.channel)', queue)::text AS notified
                """,
            binds: binds
        ))
        if let row = rows.first {
            notifier.signal(try row["queue"].decode(String.self))
            return try await required(id)
        }
        let record = try await required(id)
        throw JobsError.conflict("job \(id) is \(record.state.rawValue); only dead, cancelled or archived jobs can be retried")
    }

    public func retryAllDead(queue: String) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(clock.now())
        binds.append(queue)
        let rows = try await rows(PostgresQuery(
            unsafeSQL: "UPDATE jobs SET \(Self.requeue) WHERE queue = $2 AND state = 'dead' RETURNING id",
            binds: binds
        ))
        if !rows.isEmpty {
            try await client.query("SELECT pg_notify(\(PostgresJobsSchema.channel), \(queue))::text", logger: logger)
            notifier.signal(queue)
        }
        return rows.count
    }

    public func archive(_ id: JobID) async throws -> JobRecord {
        let now = clock.now()
        let rows = try await rows("""
            UPDATE jobs SET state = 'archived', updated_at = \(now)
            WHERE id = \(id) AND state IN ('dead', 'completed', 'cancelled', 'archived') RETURNING id
            """)
        let record = try await required(id)
        guard !rows.isEmpty else {
            throw JobsError.conflict("job \(id) is \(record.state.rawValue); only finished jobs can be archived")
        }
        return record
    }

    public func delete(_ id: JobID) async throws {
        let rows = try await rows("DELETE FROM jobs WHERE id = \(id) AND state <> 'active' RETURNING id")
        guard rows.isEmpty else { return }
        guard try await job(id) != nil else { throw JobsError.notFound(id) }
        throw JobsError.conflict("job \(id) is running; cancel it first")
    }

    public func deleteFinished(before cutoff: Date) async throws -> Int {
        try await rows("""
            DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < \(cutoff)
                AND state IN ('completed', 'dead', 'cancelled', 'archived')
            RETURNING id
            """).count
    }

    public func releaseStale(olderThan age: Duration) async throws -> Int {
        let now = clock.now()
        return try await reap(
            condition: "claimed_at < $1", argument: now.adding(.zero - age),
            error: "lease released by an operator: running for more than \(Int(age.inSeconds)) s", now: now
        )
    }
}
