import ConciergeCore
import ConciergeHTTP
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing

/// The SSE stream of `/v1/tasks/{id}/events`: replay from Last-Event-ID, heartbeat while quiet, end after `done`.
@Suite struct TaskEventsStreamTests {
    /// A service whose run produces events 1–2 at once and `done` (3) only after a quiet spell.
    final class SlowEvents: TaskService {
        let calls = Mutex(0)
        let run = TaskRun(id: "task_1", request: TaskRequest(task: "x"), status: .running, createdAt: Date())
        func submit(_ request: TaskRequest, idempotencyKey: String?) async throws -> TaskRun { run }
        func run(_ id: String) async throws -> TaskRun? { id == run.id ? run : nil }
        func list(status: RunStatus?, owner: String?, limit: Int, after cursor: String?) async throws -> [TaskRun] { [] }
        func cancel(_ id: String) async throws -> TaskRun { run }
        func resolve(_ id: String, step: String, as resolution: StepResolution) async throws -> TaskRun { run }
        func wait(for id: String, timeout: Duration) async throws -> TaskRun? { run }
        func events(_ id: String, after: Int) async throws -> [RunEvent] {
            let call = calls.withLock { $0 += 1; return $0 }
            let all = [RunEvent(sequence: 1, type: "status", data: ["status": "running"]), RunEvent(sequence: 2, type: "step_started", data: [:])]
            if call < 8 { return all.filter { $0.sequence > after } }
            return (all + [RunEvent(sequence: 3, type: "done", data: ["status": "succeeded"])]).filter { $0.sequence > after }
        }
    }

    func body(_ headers: HTTPFields) async throws -> String {
        let controller = TasksController(tasks: SlowEvents(), heartbeat: .milliseconds(30), pollInterval: .milliseconds(10))
        let router = buildRouter(HTTPDependencies(maxBodyBytes: 1024, healthChecks: [], registry: PrometheusCollectorRegistry())) { controller.register(on: $0) }
        return try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/v1/tasks/task_1/events", method: .get, headers: headers) { response in
                #expect(response.headers[.contentType] == "text/event-stream")
                return String(buffer: response.body)
            }
        }
    }

    @Test func replaysAfterLastEventIDSendsHeartbeatsAndEndsAfterDone() async throws {
        let full = try await body([:])
        #expect(full.hasPrefix("id: 1\nevent: status\ndata: {\"status\":\"running\"}\n\nid: 2\nevent: step_started\n"))
        #expect(full.contains(": heartbeat\n\n"))
        #expect(full.hasSuffix("id: 3\nevent: done\ndata: {\"status\":\"succeeded\"}\n\n"))
        let resumed = try await body([HTTPField.Name("Last-Event-ID")!: "2"])
        #expect(!resumed.contains("id: 1\n") && !resumed.contains("id: 2\n") && resumed.contains("id: 3\n"))
    }
}
