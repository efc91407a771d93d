import ConciergeTestSupport
import Foundation
import HTTPTypes
import Testing

/// The real binary confined to one CPU (`taskset -c 0`), as in a one-CPU container: it sees one CPU, runs its tasks
/// on its one event loop, and still serves a task, a gateway call (plain and streamed) and a graceful stop.
@Suite struct SingleCPUProcessTests {
    @Test func oneCPUServerRunsEverythingOnItsEventLoop() async throws {
        let taskset = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: taskset), "util-linux's taskset is needed")
        try await ProviderFixture().withServer { base in
            try await TemporaryDirectory.with { directory in
                let environment = [
                    "CONCIERGE_PORT": "0", "CONCIERGE_AUTH": "off", "CONCIERGE_DATA_DIR": directory + "/data", "CONCIERGE_SHUTDOWN_DELAY_S": "0",
                    "CONCIERGE_LLM_BASE_URL": base + "/ok", "CONCIERGE_LLM_MODEL": "gpt-4o-mini",
                ]
                let server = try ConciergeProcess(["serve"], environment: environment, directory: directory, launcher: [taskset, "-c", "0"])
                defer { server.kill(SIGKILL) }
                let port = try await server.waitUntilServing()
                let serving = try #require(server.logLines.first { ($0["message"] as? String) == "Serving" })
                #expect(serving["runtime.executor"] as? String == "event-loop")
                #expect(serving["runtime.event_loops"] as? Int == 1)

                // A task through the rule planner and two tools, answered within `wait`
                let task = try await HTTPProbe.request(
                    port: port, "/v1/tasks", method: .post, headers: [.contentType: "application/json"],
                    body: #"{"task":"What is 17.5% of 2,340 and what time is it in Tokyo?","wait":30,"planner":"rules"}"#
                )
                #expect(task.status == .ok)
                #expect(task.json["status"] as? String == "succeeded")
                #expect((task.json["steps"] as? [[String: Any]])?.count == 2)
                #expect(((task.json["answer"] as? [String: Any])?["text"] as? String)?.contains("409.5") == true)

                // A gateway call, plain and streamed, relayed to the provider
                let plain = try await HTTPProbe.request(
                    port: port, "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                    body: #"{"model":"default","messages":[{"role":"user","content":"hello"}]}"#
                )
                #expect(plain.status == .ok)
                let choices = plain.json["choices"] as? [[String: Any]]
                #expect(((choices?.first?["message"] as? [String: Any])?["content"] as? String)?.isEmpty == false)
                let streamed = try await HTTPProbe.request(
                    port: port, "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                    body: #"{"model":"default","stream":true,"messages":[{"role":"user","content":"hello"}]}"#
                )
                #expect(streamed.status == .ok)
                #expect(streamed.body.contains("data: [DONE]"))

                server.signal(SIGTERM)
                #expect(await server.waitForExit(timeout: .seconds(20)) == 0)
                #expect(server.logLines.contains { ($0["message"] as? String) == "Stopped" })
            }
        }
    }
}
