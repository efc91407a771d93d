import ConciergeCore
import ConciergeJobs
import ConciergeTestSupport
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// The worker service against a real SQLite store: outcomes, retries, cancellation, shutdown.
@Suite struct JobWorkerTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func configuration(lease: Duration = .seconds(30), drain: Duration = .seconds(5)) -> JobWorkerConfiguration {
        JobWorkerConfiguration(
            leaseDuration: lease, heartbeatInterval: .milliseconds(50), pollInterval: .milliseconds(200),
            reapInterval: .milliseconds(50), drainTimeout: drain, metricsInterval: .milliseconds(50),
            retry: RetryPolicy(base: .milliseconds(10), jitter: false)
        )
    }

    /// Runs `worker` in a service group around `body`, then shuts the group down gracefully.
    static func running(_ worker: JobWorker, _ body: () async throws -> Void) async throws {
        let group = ServiceGroup(configuration: .init(services: [.init(service: worker)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func completesJobsRetriesFailuresAndCountsOutcomes() async throws {
        try await JobStoreFixtures.with(.sqlite, clock: SystemJobClock()) { store in
            // Given a queue whose handler fails the first attempt of every job
            var registry = JobHandlerRegistry(defaultConcurrency: 4)
            registry.register("work") { job, _ in
                if job.attempt == 1 { throw TestFailure(message: "first attempt fails") }
                return #"{"done":\#(job.id)}"#
            }
            let prometheus = PrometheusCollectorRegistry()
            let worker = JobWorker(
                store: store, registry: registry, configuration: Self.configuration(),
                metrics: JobMetrics(factory: PrometheusMetricsFactory(registry: prometheus)), logger: Self.logger
            )
            try await Self.running(worker) {
                // When jobs are enqueued
                var ids: [JobID] = []
                for _ in 0..<10 { ids.append(try await store.enqueue("work")) }
                // Then every job completes on its second attempt with its result
                let done = try await eventually(timeout: .seconds(20)) {
                    try await store.counts().first?.completed == 10
                }
                #expect(done)
                let record = try #require(try await store.job(ids[3]))
                #expect(record.result == #"{"done":\#(ids[3])}"#)
                #expect(record.attemptHistory.map(\.outcome) == [.failed, .completed])
                #expect(record.attemptHistory.first?.error == "first attempt fails")
            }
            let text = prometheus.emitToString()
            #expect(text.contains(#"concierge_jobs_total{queue="work",outcome="completed"} 10"#))
            #expect(text.contains(#"concierge_jobs_total{queue="work",outcome="failed"} 10"#))
            #expect(text.contains("concierge_job_duration_seconds_count{queue=\"work\"} 20"))
            #expect(text.contains("concierge_job_wait_seconds_count{queue=\"work\"} 20"))
        }
    }

    @Test func cancellingARunningJobCancelsItsHandler() async throws {
        try await JobStoreFixtures.with(.sqlite, clock: SystemJobClock()) { store in
            let sawCancellation = Mutex(false)
            var registry = JobHandlerRegistry()
            registry.register("slow") { _, _ in
                do {
                    try await Task.sleep(for: .seconds(60))
                } catch {
                    sawCancellation.withLock { $0 = true }
                    throw error
                }
                return "{}"
            }
            let worker = JobWorker(
                store: store, registry: registry, configuration: Self.configuration(),
                metrics: JobMetrics(factory: NOOPMetricsHandler.instance), logger: Self.logger
            )
            try await Self.running(worker) {
                let id = try await store.enqueue("slow")
                #expect(try await eventually { try await store.state(id) == .active })
                _ = try await store.cancel(id)
                #expect(try await eventually { try await store.state(id) == .cancelled })
                #expect(sawCancellation.withLock { $0 })
            }
        }
    }

    @Test func aCancelledWorkerStopsInsteadOfSpinning() async throws {
        try await JobStoreFixtures.with(.sqlite, clock: SystemJobClock()) { store in
            var registry = JobHandlerRegistry()
            registry.register("idle") { _, _ in "{}" }
            let worker = JobWorker(
                store: store, registry: registry, configuration: Self.configuration(),
                metrics: JobMetrics(factory: NOOPMetricsHandler.instance), logger: Self.logger
            )
            // Given a worker serving its queue
            let run = Task { try await worker.run() }
            #expect(await eventually { worker.isRunning })
            // When its task is cancelled without a graceful shutdown (a service group's shutdown bound running out)
            run.cancel()
            // Then it stops within moments: claims and waits fail at once once cancelled, so a loop that only checked
            // for shutdown spun on them forever (seen: a server at 146 % CPU that SIGTERM could no longer stop)
            let stopped = await eventually(timeout: .seconds(5)) { !worker.isRunning }
            #expect(stopped, "the cancelled worker is still running")
            if stopped { _ = try? await run.value }
        }
    }

    @Test func shutdownPastTheDrainTimeoutReleasesTheLease() async throws {
        try await JobStoreFixtures.with(.sqlite, clock: SystemJobClock()) { store in
            var registry = JobHandlerRegistry()
            registry.register("slow") { _, _ in
                try await Task.sleep(for: .seconds(60))
                return "{}"
            }
            let worker = JobWorker(
                store: store, registry: registry, configuration: Self.configuration(lease: .seconds(600), drain: .milliseconds(100)),
                metrics: JobMetrics(factory: NOOPMetricsHandler.instance), logger: Self.logger
            )
            var id: JobID = 0
            try await Self.running(worker) {
                id = try await store.enqueue("slow")
                #expect(try await eventually { try await store.state(id) == .active })
            }
            // The lease was 10 minutes, yet the job is claimable at once and kept its attempt budget.
            let record = try #require(try await store.job(id))
            #expect(record.state == .waiting)
            #expect(record.remainingAttempts == 3)
            #expect(record.attemptHistory.map(\.outcome) == [.released])
            #expect(try await store.claim("slow").map(\.id) == [id])
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
