import ConciergeCore
import ConciergeStorePostgres
import ConciergeTestSupport
import Foundation
import Testing

/// `concierge worker` sweeps finished task runs past `tasks.retention_days`, like `serve`.
@Suite struct WorkerRunRetentionTests {
    @Test func workerDeletesFinishedRunsPastTheRetention() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TemporaryDirectory.with { directory in
                // Given an old finished run, an old running one, and a fresh finished one
                let old = Date().addingTimeInterval(-30 * 86_400)
                let ids = try await Self.withRunStore(url) { store in
                    var finished = TaskRun(id: "task_old_done", request: TaskRequest(task: "x"), createdAt: old)
                    _ = try await store.createRun(finished, idempotencyKey: nil)
                    finished.status = .succeeded
                    try await store.saveRun(finished)
                    var running = TaskRun(id: "task_old_running", request: TaskRequest(task: "x"), createdAt: old)
                    _ = try await store.createRun(running, idempotencyKey: nil)
                    running.status = .running
                    try await store.saveRun(running)
                    var fresh = TaskRun(id: "task_new_done", request: TaskRequest(task: "x"), createdAt: Date())
                    _ = try await store.createRun(fresh, idempotencyKey: nil)
                    fresh.status = .succeeded
                    try await store.saveRun(fresh)
                    return [finished.id, running.id, fresh.id]
                }
                // When a worker starts
                let worker = try await JobWorkerProcessTests.startWorker(
                    JobWorkerProcessTests.environment(url).merging(["CONCIERGE_TASKS_RETENTION_DAYS": "7"]) { $1 }, directory: directory
                )
                defer { worker.kill(SIGKILL) }
                // Then only the old finished run is deleted
                #expect(await eventually(timeout: .seconds(30)) {
                    worker.logLines.contains { $0["message"] as? String == "Swept finished task runs" }
                })
                let left = try await Self.withRunStore(url) { store in
                    var present: [String] = []
                    for id in ids where try await store.run(id) != nil { present.append(id) }
                    return present
                }
                #expect(left == ["task_old_running", "task_new_done"])
            }
        }
    }

    static func withRunStore<T: Sendable>(_ url: String, _ body: @escaping @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let store = PostgresStore(url: try PostgresURL(url), poolSize: 2, logger: JobStoreFixtures.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await store.run(); return nil }
            defer { group.cancelAll() }
            _ = try await store.migrate()
            return try await body(store)
        }
    }
}
