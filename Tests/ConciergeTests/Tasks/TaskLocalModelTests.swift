import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// `concierge ask` through the LLM planner against the real local model (SmolLM2 in CI, `CONCIERGE_TEST_LLM_URL`).
/// SmolLM2 proves the plumbing, not quality: the test asserts structure, never wording, and the rule planner must
/// rescue whatever plan the model writes.
@Suite struct TaskLocalModelTests {
    static let acceptance = "What is 17.5% of 2,340 and what time is it in Tokyo?"

    @Test func askThroughTheLocalModelSucceedsWithStepsUsageAndLedgerRows() async throws {
        let url = try LocalModelEndToEndTests.requireURL()
        try await TemporaryDirectory.with { directory in
            let model = ProcessInfo.processInfo.environment["CONCIERGE_TEST_LLM_MODEL"] ?? "SmolLM2-135M-Instruct"
            // Given the model as the only deployment, with short answers and room for a slow, shared CPU
            let environment = [
                "CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_LLM_BASE_URL": url, "CONCIERGE_LLM_MODEL": model,
                "CONCIERGE_LLM_LOCAL_PORT": "9", "CONCIERGE_LLM_TIMEOUT_S": "120", "CONCIERGE_LLM_MAX_RETRIES": "0",
                "CONCIERGE_TASKS_PLAN_MAX_TOKENS": "160", "CONCIERGE_TASKS_JUDGE_MAX_TOKENS": "64", "CONCIERGE_TASKS_PLAN_TIMEOUT_S": "150",
            ]
            // When the acceptance task runs through the LLM planner
            let result = try await ConciergeProcess.run(
                ["ask", "--json", "--planner", "llm", Self.acceptance], environment: environment, directory: directory, timeout: .seconds(420)
            )
            // Then it succeeds, says which planner planned, has its tool calls, and counts the model's tokens
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let run = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(run["status"] as? String == "succeeded")
            let planner = (run["plan"] as? [String: Any])?["planner"] as? String
            #expect(planner == "llm" || planner == "rules")
            let steps = run["steps"] as? [[String: Any]] ?? []
            #expect(!steps.isEmpty)
            #expect(steps.allSatisfy { ($0["tool"] as? String)?.isEmpty == false && ($0["attempts"] as? Int ?? 0) >= 1 })
            let usage = try #require(run["usage"] as? [String: Any])
            #expect((usage["llm_calls"] as? Int ?? 0) >= 1)
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0)
            #expect((usage["completion_tokens"] as? Int ?? 0) > 0)
            // And the ledger holds the run's model calls, adding up to its usage
            let runID = try #require(run["id"] as? String)
            let store = try SQLiteStore(dataDirectory: "\(directory)/data", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            let rows = try await store.records(UsageQuery(limit: 100)).filter { $0.runID == runID }
            try await store.close()
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0.operation.hasPrefix("agent.") })
            #expect(rows.reduce(0) { $0 + $1.promptTokens } == usage["prompt_tokens"] as? Int)
            #expect(rows.reduce(0) { $0 + $1.completionTokens } == usage["completion_tokens"] as? Int)
        }
    }
}
