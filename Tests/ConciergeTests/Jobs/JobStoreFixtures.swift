import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// The two job stores the contract suite runs against.
enum JobBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

enum JobStoreFixtures {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with a freshly migrated job store of `backend` whose time is `clock`.
    static func with<T: Sendable>(
        _ backend: JobBackend, clock: any JobClock = ManualJobClock(),
        _ body: @escaping @Sendable (any JobStore) async throws -> T
    ) async throws -> T {
        switch backend {
        case .sqlite:
            return try await TemporaryDirectory.with { directory in
                let store = try SQLiteStore(dataDirectory: directory, logger: logger)
                _ = try await store.migrate()
                let result = try await body(SQLiteJobStore(store: store, clock: clock))
                try await store.close()
                return result
            }
        case .postgres:
            return try await TestPostgres.withFreshDatabase { url in
                let store = PostgresStore(url: try PostgresURL(url), poolSize: 4, logger: logger)
                return try await withThrowingTaskGroup(of: T?.self) { group in
                    group.addTask { try await store.run(); return nil }
                    defer { group.cancelAll() }
                    _ = try await store.migrate()
                    return try await body(PostgresJobStore(store: store, clock: clock))
                }
            }
        }
    }
}

extension JobStore {
    /// Claims for a test worker with a 30 s lease.
    func claim(_ queue: String, limit: Int = 10, worker: String = "w1", lease: Duration = .seconds(30)) async throws -> [ClaimedJob] {
        try await claim(queue: queue, limit: limit, workerID: worker, leaseDuration: lease)
    }

    func enqueue(_ queue: String, payload: String = "{}", priority: Int = 0, runAt: Date? = nil, maxAttempts: Int = 3, key: String? = nil)
        async throws -> JobID
    {
        try await enqueue(EnqueueRequest(queue: queue, payload: payload, priority: priority, runAt: runAt, maxAttempts: maxAttempts, idempotencyKey: key)).id
    }

    func fail(_ job: ClaimedJob, _ error: String, retryAfter delay: Duration = .seconds(10)) async throws -> [JobLease] {
        try await finish([JobCompletion(lease: job.lease, outcome: .failed(error: error, retryDelay: delay))])
    }

    func state(_ id: JobID) async throws -> JobState? { try await job(id)?.state }
}
