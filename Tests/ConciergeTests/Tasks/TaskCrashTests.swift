import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// The real binary, killed with SIGKILL during a two-step run, then restarted: the run finishes and the step that
/// had finished before the kill is not executed again.
@Suite struct TaskCrashTests {
    @Test func finishedStepsDoNotRunTwiceAfterSIGKILL() async throws {
        let hits = Mutex<[String: Int]>([:])
        let router = Router()
        router.get("/fast") { _, _ -> String in
            hits.withLock { $0["fast", default: 0] += 1 }
            return "fast page"
        }
        router.get("/slow") { _, _ -> String in
            let attempt = hits.withLock { $0["slow", default: 0] += 1; return $0["slow"]! }
            if attempt == 1 { try await Task.sleep(for: .seconds(6)) }  // the first attempt outlives its process
            return "slow page"
        }
        try await Application(router: router).test(.live) { fixture in
            let base = "http://127.0.0.1:\(fixture.port!)"
            try await TemporaryDirectory.with { directory in
                let environment = [
                    "CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_PORT": "0", "CONCIERGE_LLM_LOCAL_PORT": "9", "CONCIERGE_AUTH": "off",
                    "CONCIERGE_TOOLS_FETCH_ALLOWLIST": "127.0.0.1", "CONCIERGE_JOBS_LEASE_S": "2", "CONCIERGE_JOBS_HEARTBEAT_S": "0.5",
                    "CONCIERGE_JOBS_POLL_MS": "100", "CONCIERGE_SHUTDOWN_DELAY_S": "0",
                ]
                // Given a run whose first step finished and whose second step is in flight
                let first = try ConciergeProcess(["serve"], environment: environment, directory: directory)
                let port = try await first.waitUntilServing()
                let task = #"{"task":"read \#(base)/fast and read \#(base)/slow","planner":"rules"}"#
                let submitted = try await HTTPProbe.request(port: port, "/v1/tasks", method: .post, headers: [.contentType: "application/json"], body: task)
                let id = try #require(submitted.json["id"] as? String)
                #expect(try await eventually(timeout: .seconds(20)) {
                    let run = try await HTTPProbe.request(port: port, "/v1/tasks/\(id)").json
                    let steps = run["steps"] as? [[String: Any]] ?? []
                    return steps.contains { $0["step_id"] as? String == "s1" && $0["status"] as? String == "succeeded" }
                        && hits.withLock { $0["slow"] } == 1
                })
                // When the server is killed and started again on the same data
                first.kill(SIGKILL)
                _ = await first.waitForExit(timeout: .seconds(10))
                let second = try ConciergeProcess(["serve"], environment: environment, directory: directory)
                let secondPort = try await second.waitUntilServing()
                // Then the run succeeds, the finished step was not fetched again, and the unfinished one was
                var run: [String: Any] = [:]
                #expect(try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                    run = try await HTTPProbe.request(port: secondPort, "/v1/tasks/\(id)").json
                    return run["status"] as? String == "succeeded"
                })
                #expect(hits.withLock { $0 } == ["fast": 1, "slow": 2])
                let steps = run["steps"] as? [[String: Any]] ?? []
                #expect(steps.map { $0["step_id"] as? String } == ["s1", "s2"])
                #expect(steps.map { $0["attempts"] as? Int } == [1, 1])
                second.signal(SIGTERM)
                #expect(await second.waitForExit(timeout: .seconds(20)) == 0)
            }
        }
    }
}
