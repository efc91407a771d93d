import ConciergeAgents
import ConciergeCore
import ConciergeHTTP
import ConciergeJobs
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Synchronization
import Testing

/// `POST /v1/tasks/{id}/cancel` on a run whose tool is in the middle of a call, over real HTTP with a real worker.
@Suite struct TaskCancelTests {
    /// What the blocking tool saw.
    final class Probe: Sendable {
        let started = Mutex(false)
        let cancelled = Mutex(false)
    }

    /// A tool that blocks until cancelled and says so.
    static func blockingTool(_ probe: Probe) -> CountingTool {
        CountingTool("block", timeout: .seconds(120)) { _, _ in
            probe.started.withLock { $0 = true }
            do {
                try await Task.sleep(for: .seconds(120))
            } catch {
                probe.cancelled.withLock { $0 = true }
                throw error
            }
            return ToolOutput(text: "finished", data: .null)
        }
    }

    static func run(_ body: ByteBuffer) throws -> TaskRun {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(TaskRun.self, from: Data(String(buffer: body).utf8))
    }

    @Test func cancellingARunningRunStopsItsToolAndEndsItsEvents() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a server and a worker over one SQLite store, and a model that plans one call of a blocking tool
            let store = try SQLiteStore(dataDirectory: directory, logger: .quiet)
            _ = try await store.migrate()
            let jobs = SQLiteJobStore(store: store)
            let probe = Probe()
            let plan = AgentRunnerTests.plan(#"[{"id":"a","tool":"block","arguments":{"input":"x"},"depends_on":[],"purpose":"wait"}]"#)
            let model = ScriptedChatModel(steps: [.respond(plan)])
            let runner = AgentRunner(model: model, tools: [Self.blockingTool(probe)], logger: .quiet)
            let service = DurableTaskService(runs: store, jobs: jobs, runner: runner, progressInterval: .milliseconds(20), logger: .quiet)
            var handlers = JobHandlerRegistry()
            handlers.register(DurableTaskService.queue) { job, _ in try await service.execute(payload: job.payload) }
            let worker = JobWorker(
                store: jobs, registry: handlers, configuration: JobWorkerTests.configuration(),
                metrics: JobMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), logger: .quiet
            )
            let controller = TasksController(tasks: service, heartbeat: .seconds(1), pollInterval: .milliseconds(20))
            let router = buildRouter(HTTPDependencies(maxBodyBytes: 64 * 1024, healthChecks: [], registry: PrometheusCollectorRegistry())) {
                controller.register(on: $0)
            }
            try await JobWorkerTests.running(worker) {
                try await Application(router: router).test(.live) { client in
                    let submitted = try await client.execute(
                        uri: "/v1/tasks", method: .post, headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"task":"wait for the blocking tool","planner":"llm"}"#)
                    ) { response in
                        #expect(response.status == .accepted)
                        return try Self.run(response.body)
                    }
                    #expect(await eventually(timeout: .seconds(20)) { probe.started.withLock { $0 } })
                    // and its start is visible (progress is written within the service's progress interval)
                    #expect(await eventually(timeout: .seconds(20)) {
                        (try? await store.events(runID: submitted.id, after: 0))?.contains { $0.type == "step_started" } == true
                    })
                    // When the run is cancelled while its tool is running
                    let status = try await client.execute(uri: "/v1/tasks/\(submitted.id)/cancel", method: .post) { response in
                        #expect(response.status == .ok)
                        return try Self.run(response.body).status
                    }
                    #expect(status == .cancelled)
                    // Then the tool's task is cancelled, the run stays cancelled, and the events end with done/cancelled
                    #expect(await eventually(timeout: .seconds(20)) { probe.cancelled.withLock { $0 } })
                    #expect(await eventually(timeout: .seconds(20)) {
                        guard let id = try? await store.jobID(of: submitted.id) else { return false }
                        return (try? await jobs.job(id))?.state == .cancelled
                    })
                    let stored = try await client.execute(uri: "/v1/tasks/\(submitted.id)", method: .get) { response in
                        try Self.run(response.body)
                    }
                    #expect(stored.status == .cancelled && stored.finishedAt != nil)
                    let events = try await client.execute(uri: "/v1/tasks/\(submitted.id)/events", method: .get) { String(buffer: $0.body) }
                    let blocks = events.components(separatedBy: "\n\n").filter { $0.contains("event: ") }
                    #expect(blocks.contains { $0.contains("event: step_started") })
                    #expect(blocks.last?.contains("event: done\ndata: {\"error\":null,\"status\":\"cancelled\"}") == true)
                    #expect(blocks.filter { $0.contains("event: done") }.count == 1)
                }
            }
            try await store.close()
        }
    }
}
