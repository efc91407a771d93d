import ConciergeCore
import ConciergeStorePostgres
import ConciergeTestSupport
import Foundation
import Testing

/// `concierge worker` processes sharing one PostgreSQL database.
@Suite(.serialized) struct JobWorkerProcessTests {
    static func environment(_ url: String, lease: String = "5", drain: String = "5", concurrency: String = "16") -> [String: String] {
        [
            "DATABASE_URL": url, "CONCIERGE_JOBS_LEASE_S": lease, "CONCIERGE_JOBS_HEARTBEAT_S": "0.5",
            "CONCIERGE_JOBS_CONCURRENCY": concurrency, "CONCIERGE_JOBS_DRAIN_TIMEOUT_S": drain, "CONCIERGE_DB_POOL_SIZE": "4",
        ]
    }

    /// Starts a worker and waits for its "Job worker started" log line.
    static func startWorker(_ environment: [String: String], directory: String) async throws -> ConciergeProcess {
        let worker = try ConciergeProcess(["worker"], environment: environment, directory: directory)
        let started = await eventually(timeout: .seconds(30)) {
            !worker.process.isRunning || worker.logLines.contains { $0["message"] as? String == "Job worker started" }
        }
        guard started, worker.process.isRunning else { throw ConciergeProcessError.didNotStart(output: worker.output + worker.errorOutput) }
        return worker
    }

    /// A migrated job store on `url`, for the test's own enqueues and checks.
    static func withJobStore<T: Sendable>(_ url: String, _ body: @escaping @Sendable (any JobStore) async throws -> T) async throws -> T {
        let store = PostgresStore(url: try PostgresURL(url), poolSize: 2, logger: JobStoreFixtures.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await store.run(); return nil }
            defer { group.cancelAll() }
            _ = try await store.migrate()
            return try await body(PostgresJobStore(store: store))
        }
    }

    struct Run: Decodable {
        let jobID: Int64
        let pid: Int32
        let startNs: Int64
        let endNs: Int64
        let outcome: String
        enum CodingKeys: String, CodingKey {
            case pid, outcome
            case jobID = "job_id", startNs = "start_ns", endNs = "end_ns"
        }
    }

    @Test func threeWorkersRunTwoThousandJobsWithoutEverSharingOne() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TemporaryDirectory.with { directory in
                let record = "\(directory)/runs.jsonl"
                // Given 2,000 short jobs and three worker processes
                try await Self.withJobStore(url) { store in
                    let payloads = (0..<2000).map { #"{"sleep_ms":\#($0 % 4),"record_path":"\#(record)"}"# }
                    _ = try await store.enqueue(payloads.map { try EnqueueRequest(queue: "diagnostics", payload: $0) })
                }
                var workers: [ConciergeProcess] = []
                for _ in 0..<3 { workers.append(try await Self.startWorker(Self.environment(url), directory: directory)) }
                defer { for worker in workers { worker.kill(SIGKILL) } }
                // When they drain the queue
                let done = try await Self.withJobStore(url) { store in
                    try await eventually(timeout: .seconds(120), every: .milliseconds(250)) {
                        try await store.counts().first?.completed == 2000
                    }
                }
                #expect(done)
                for worker in workers { worker.signal(SIGTERM) }
                for worker in workers { #expect(await worker.waitForExit(timeout: .seconds(30)) == 0) }
                // Then every job completed once, and no job's runs ever overlapped in time
                let decoder = JSONDecoder()
                let runs = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
                    .map { try decoder.decode(Run.self, from: Data($0.utf8)) }
                let byJob = Dictionary(grouping: runs, by: \.jobID)
                #expect(byJob.count == 2000)
                #expect(byJob.values.allSatisfy { $0.filter { $0.outcome == "completed" }.count == 1 })
                for (id, jobRuns) in byJob where jobRuns.count > 1 {
                    let ordered = jobRuns.sorted { $0.startNs < $1.startNs }
                    for (earlier, later) in zip(ordered, ordered.dropFirst()) {
                        #expect(later.startNs >= earlier.endNs, "job \(id) ran in two places at once")
                    }
                }
                #expect(Set(runs.map(\.pid)).count == 3, "every worker took part")
            }
        }
    }

    @Test func shutdownReleasesARunningJobToAnotherWorkerAtOnce() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TemporaryDirectory.with { directory in
                // Given a worker with a long lease running a long job
                let environment = Self.environment(url, lease: "120", drain: "0.3")
                let first = try await Self.startWorker(environment, directory: directory)
                defer { first.kill(SIGKILL) }
                let id = try await Self.withJobStore(url) { store in
                    try await store.enqueue(EnqueueRequest(queue: "diagnostics", payload: #"{"sleep_ms":60000}"#)).id
                }
                let firstOwner = try await Self.withJobStore(url) { store in
                    var owner: String?
                    _ = try await eventually(timeout: .seconds(20)) {
                        owner = try await store.job(id)?.leaseOwner
                        return try await store.job(id)?.state == .active
                    }
                    return owner
                }
                let second = try await Self.startWorker(environment, directory: directory)
                defer { second.kill(SIGKILL) }
                // When the first worker is told to stop and its drain timeout passes
                first.signal(SIGTERM)
                #expect(await first.waitForExit(timeout: .seconds(20)) == 0)
                // Then the second worker runs the job now, far sooner than the 120 s lease
                let movedOver = try await Self.withJobStore(url) { store in
                    try await eventually(timeout: .seconds(10)) {
                        guard let job = try await store.job(id) else { return false }
                        return job.state == .active && job.leaseOwner != firstOwner && job.attempts == 2
                    }
                }
                #expect(movedOver)
                let history = try await Self.withJobStore(url) { try await $0.job(id)?.attemptHistory.map(\.outcome) }
                #expect(history == [.released, .running])
            }
        }
    }
}
