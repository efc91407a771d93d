public import ConciergeCore
import Foundation
import Logging
import PostgresNIO
public import ServiceLifecycle

/// The job queue in PostgreSQL. A claim is one `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)` statement, so
/// concurrent workers in any number of processes never take the same job; acknowledgements for many jobs go in
/// one statement. Run it as a `Service`: its `run()` LISTENs for enqueue notifications and wakes idle workers.
public final class PostgresJobStore: JobStore, Service {
    let client: PostgresClient
    let logger: Logger
    public let clock: any JobClock
    public let notifier: JobNotifier

    public init(store: PostgresStore, clock: any JobClock = SystemJobClock(), notifier: JobNotifier = JobNotifier()) {
        self.client = store.client
        self.logger = store.logger
        self.clock = clock
        self.notifier = notifier
    }

    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await PostgresJobRows.collect(try await client.query(query, logger: logger))
    }

    public func enqueue(_ requests: [EnqueueRequest]) async throws -> [EnqueueResult] {
        let now = clock.now()
        let plain = requests.filter { $0.idempotencyKey == nil }
        var plainIDs: [Int64] = []
        if !plain.isEmpty {
            let query: PostgresQuery = """
                INSERT INTO jobs (queue, state, priority, payload, max_attempts, run_at, created_at, updated_at)
                SELECT q, 'queued', p, body, m, r, \(now), \(now)
                FROM UNNEST(\(plain.map(\.queue))::text[], \(plain.map { Int64($0.priority) })::bigint[],
                    \(plain.map(\.payload))::text[], \(plain.map { Int64($0.maxAttempts) })::bigint[],
                    \(plain.map { $0.runAt ?? now })::timestamptz[]) WITH ORDINALITY AS u(q, p, body, m, r, ord)
                ORDER BY ord
                RETURNING id
                """
            plainIDs = try await rows(query).map { try $0["id"].decode(Int64.self) }.sorted()
        }
        var plainIterator = plainIDs.makeIterator()
        var results: [EnqueueResult] = []
        for request in requests {
            if let key = request.idempotencyKey {
                results.append(try await enqueueIdempotent(request, key: key, now: now))
            } else if let id = plainIterator.next() {
                results.append(EnqueueResult(id: id, created: true))
            }
        }
        for queue in Set(requests.map(\.queue)) { notifier.signal(queue) }
        return results
    }

    private func enqueueIdempotent(_ request: EnqueueRequest, key: String, now: Date) async throws -> EnqueueResult {
        try await client.withConnection { connection in try await Self.enqueue(connection, request, key: key, now: now, logger: logger) }
    }

    /// One enqueue on `connection` (also inside the run store's one-transaction submit). With a key already used
    /// in the queue, the existing job; without a key, always a new one.
    static func enqueue(_ connection: PostgresConnection, _ request: EnqueueRequest, key: String?, now: Date, logger: Logger) async throws -> EnqueueResult {
        let inserted = try await PostgresJobRows.collect(try await connection.query("""
            INSERT INTO jobs (queue, state, priority, payload, max_attempts, idempotency_key, run_at, created_at, updated_at)
            VALUES (\(request.queue), 'queued', \(request.priority), \(request.payload), \(request.maxAttempts), \(key),
                \(request.runAt ?? now), \(now), \(now))
            ON CONFLICT (queue, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """, logger: logger))
        if let row = inserted.first { return EnqueueResult(id: try row["id"].decode(Int64.self), created: true) }
        let existing = try await PostgresJobRows.collect(
            try await connection.query("SELECT id FROM jobs WHERE queue = \(request.queue) AND idempotency_key = \(key)", logger: logger)
        )
        guard let row = existing.first else { throw JobsError.conflict("idempotency key race; enqueue again") }
        return EnqueueResult(id: try row["id"].decode(Int64.self), created: false)
    }

    public func claim(queue: String, limit: Int, workerID: String, leaseDuration: Duration) async throws -> [ClaimedJob] {
        let now = clock.now()
        let expires = now.adding(leaseDuration)
        let claimed = try await rows("""
            UPDATE jobs j SET state = 'active', attempts = j.attempts + 1, lease_owner = \(workerID),
                lease_expires_at = \(expires), claimed_at = \(now), updated_at = \(now)
            FROM (
                SELECT id FROM jobs WHERE state = 'queued' AND queue = \(queue) AND run_at <= \(now)
                ORDER BY priority DESC, run_at, id LIMIT \(Int64(max(1, limit)))
                FOR UPDATE SKIP LOCKED
            ) next
            WHERE j.id = next.id
            RETURNING j.id, j.queue, j.payload, j.priority, j.attempts, j.attempt_floor, j.max_attempts, j.run_at, j.created_at
            """)
        let jobs = try claimed.map { row in
            let attempts = try row["attempts"].decode(Int.self)
            return ClaimedJob(
                id: try row["id"].decode(Int64.self), queue: try row["queue"].decode(String.self),
                payload: try row["payload"].decode(String.self), priority: try row["priority"].decode(Int.self),
                attempt: attempts,
                remainingAttempts: try row["max_attempts"].decode(Int.self) - attempts + (try row["attempt_floor"].decode(Int.self)) + 1,
                runAt: try row["run_at"].decode(Date.self), createdAt: try row["created_at"].decode(Date.self),
                claimedAt: now, leaseExpiresAt: expires, workerID: workerID
            )
        }
        return jobs.sorted { ($0.priority, $1.runAt, $1.id) > ($1.priority, $0.runAt, $0.id) }
    }

    public func renewLeases(_ leases: [JobLease], leaseDuration: Duration) async throws -> LeaseRenewal {
        guard !leases.isEmpty else { return LeaseRenewal() }
        let now = clock.now()
        let (ids, owners, attempts) = PostgresJobRows.arrays(leases)
        let renewed = try await rows("""
            UPDATE jobs j SET lease_expires_at = \(now.adding(leaseDuration)), updated_at = \(now)
            FROM UNNEST(\(ids)::bigint[], \(owners)::text[], \(attempts)::bigint[]) AS u(id, owner, attempt)
            WHERE j.id = u.id AND j.state = 'active' AND j.lease_owner = u.owner AND j.attempts = u.attempt
            RETURNING j.id, j.cancel_requested
            """)
        var held: [JobID: Bool] = [:]
        for row in renewed { held[try row["id"].decode(Int64.self)] = try row["cancel_requested"].decode(Bool.self) }
        var renewal = LeaseRenewal()
        for lease in leases {
            switch held[lease.jobID] {
            case nil: renewal.lost.append(lease)
            case true?: renewal.cancelRequested.append(lease)
            case false?: break
            }
        }
        return renewal
    }
}
