@testable import concierge
import ConciergeCore
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import Testing

/// `/v1/tasks` on the real server (SQLite, in-process worker), with no model reachable: the rule planner answers.
@Suite struct TasksRoutesTests {
    static let acceptance = "What is 17.5% of 2,340 and what time is it in Tokyo?"

    static func withServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            var configuration = AppConfiguration()
            configuration.port = 0
            configuration.dataDirectory = directory
            configuration.llmLocalPort = 9  // nothing listens: every model call fails at once
            configuration.jobsPollIntervalMilliseconds = 50
            configuration.tasksMaxCharacters = 200
            configuration.authEnabled = false  // these tests are about runs; RouteAccessTests covers keys and roles
            let port = Mutex<Int?>(nil)
            var server = ConciergeServer(configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, registry: PrometheusCollectorRegistry())
            server.onServing = { bound in port.withLock { $0 = bound } }
            let assembly = try await server.assemble(signals: false)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await assembly.group.run() }
                #expect(await eventually { port.withLock { $0 } != nil })
                try await body(try #require(port.withLock { $0 }))
                await assembly.group.triggerGracefulShutdown()
                try await group.waitForAll()
            }
            await assembly.close(logger: .quiet)
        }
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    static func submit(_ port: Int, _ body: [String: Any]) async throws -> HTTPProbe.Response {
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await HTTPProbe.request(port: port, "/v1/tasks", method: .post, headers: json, body: text, timeout: .seconds(30))
    }

    @Test func acceptanceTaskWithWaitReturnsTheFinishedRun() async throws {
        try await Self.withServer { port in
            let response = try await Self.submit(port, ["task": Self.acceptance, "wait": 20])
            #expect(response.status == .ok)
            let run = response.json
            #expect(run["status"] as? String == "succeeded")
            #expect((run["plan"] as? [String: Any])?["planner"] as? String == "rules")
            let steps = run["steps"] as? [[String: Any]] ?? []
            #expect(steps.map { $0["tool"] as? String } == ["calculator", "clock"])
            #expect(steps.allSatisfy { $0["status"] as? String == "succeeded" })
            let answer = (run["answer"] as? [String: Any])?["text"] as? String ?? ""
            #expect(answer.contains("409.5") && answer.contains("Asia/Tokyo"))
            let usage = try #require(run["usage"] as? [String: Any])
            #expect(usage["tool_calls"] as? Int == 2)
            #expect(usage["cost_micro_usd"] as? Int == 0)
            #expect((run["verification"] as? [String: Any])?["verdict"] as? String == "pass")

            // The run reads back, lists under its status, and replays its events after Last-Event-ID
            let id = try #require(run["id"] as? String)
            #expect(try await HTTPProbe.request(port: port, "/v1/tasks/\(id)").json["status"] as? String == "succeeded")
            let list = try await HTTPProbe.request(port: port, "/v1/tasks?status=succeeded&limit=5").json
            #expect((list["tasks"] as? [[String: Any]])?.first?["id"] as? String == id)
            let all = try await HTTPProbe.request(port: port, "/v1/tasks/\(id)/events")
            #expect(all.headers[.contentType] == "text/event-stream")
            #expect(all.body.contains("event: plan") && all.body.contains("event: step_finished") && all.body.hasSuffix("event: done\ndata: {\"error\":null,\"status\":\"succeeded\"}\n\n"))
            let replay = try await HTTPProbe.request(port: port, "/v1/tasks/\(id)/events", headers: [HTTPField.Name("Last-Event-ID")!: "3"])
            #expect(!replay.body.contains("id: 3\n") && replay.body.contains("id: 4\n"))
            // A finished run cannot be cancelled
            #expect(try await HTTPProbe.request(port: port, "/v1/tasks/\(id)/cancel", method: .post).status == .conflict)
            let metrics = try await HTTPProbe.request(port: port, "/metrics").body
            #expect(metrics.contains(#"concierge_tasks_total{outcome="succeeded"} 1"#))
            #expect(metrics.contains(#"concierge_tool_calls_total{tool="calculator",outcome="succeeded"} 1"#))
        }
    }

    @Test func withoutWaitTheRunIsQueuedAndIdempotent() async throws {
        try await Self.withServer { port in
            let first = try await Self.submit(port, ["task": "convert 10 km to miles", "idempotency_key": "k-1"])
            #expect(first.status == .accepted)
            #expect(first.json["status"] as? String == "queued")
            let id = try #require(first.json["id"] as? String)
            let again = try await Self.submit(port, ["task": "convert 10 km to miles", "idempotency_key": "k-1"])
            #expect(again.json["id"] as? String == id)
            #expect(await eventually(timeout: .seconds(20)) {
                (try? await HTTPProbe.request(port: port, "/v1/tasks/\(id)").json["status"] as? String) == "succeeded"
            })
        }
    }

    @Test func invalidTasksAreRefusedWithAReason() async throws {
        try await Self.withServer { port in
            let empty = try await Self.submit(port, ["task": "   "])
            #expect(empty.status == .badRequest)
            #expect((empty.json["error"] as? [String: Any])?["message"] as? String == "task must not be empty")
            let long = try await Self.submit(port, ["task": String(repeating: "a", count: 201)])
            #expect((long.json["error"] as? [String: Any])?["message"] as? String == "task is 201 characters long; the limit is 200")
            #expect(try await Self.submit(port, ["task": "x", "wait": 61]).status == .badRequest)
            #expect(try await Self.submit(port, ["task": "x", "planner": "magic"]).status == .badRequest)
            // A field of the wrong type is named; a missing task is required
            let typed = try await Self.submit(port, ["task": "x", "wait": "soon"])
            #expect(typed.status == .badRequest)
            #expect((typed.json["error"] as? [String: Any])?["message"] as? String == "Field 'wait' has the wrong type: expected a number.")
            let untyped = try await Self.submit(port, ["task": 5])
            #expect((untyped.json["error"] as? [String: Any])?["message"] as? String == "Field 'task' has the wrong type: expected a string.")
            let missing = try await Self.submit(port, ["wait": 1])
            #expect((missing.json["error"] as? [String: Any])?["message"] as? String == "task is required.")
            #expect(try await HTTPProbe.request(port: port, "/v1/tasks/task_nope").status == .notFound)
            #expect(try await HTTPProbe.request(port: port, "/v1/tasks?status=done").status == .badRequest)
        }
    }
}
