import ConciergeAgents
import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// A run whose worker died mid-run resumes from its stored journal when its job runs again.
@Suite struct TaskResumeTests {
    @Test func resumedJobDoesNotRepeatJournaledSteps() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: .quiet)
            _ = try await store.migrate()
            let echo = CountingTool("echo")
            let runner = AgentRunner(model: nil, tools: [echo], logger: .quiet)
            let service = DurableTaskService(runs: store, jobs: SQLiteJobStore(store: store), runner: runner, logger: .quiet)
            // Given a run submitted, planned, and with its first step journaled before a crash
            var run = try await service.submit(TaskRequest(task: "echo twice"), idempotencyKey: nil)
            run.status = .running
            run.plan = Plan(steps: [
                PlanStep(id: "s1", tool: "echo", arguments: ["input": "one"], purpose: "first"),
                PlanStep(id: "s2", tool: "echo", arguments: ["input": "${s1.input} and two"], dependsOn: ["s1"], purpose: "second"),
            ], planner: "llm")
            try await store.saveRun(run)
            try await store.recordCall(runID: run.id, ToolCallRecord(
                stepID: "s1", tool: "echo", arguments: ["input": "one"], status: .succeeded,
                output: ToolOutput(text: "echo one", data: ["input": "one"]), attempts: 1, idempotencyKey: "\(run.id):s1"
            ))
            // When the job runs again
            let result = try await service.execute(payload: #"{"run_id":"\#(run.id)"}"#)
            // Then only the second step ran, with the first step's stored result, and the run finished
            #expect(result == #"{"status":"succeeded"}"#)
            #expect(echo.calls == 1)
            let finished = try #require(try await store.run(run.id))
            #expect(finished.status == .succeeded && finished.finishedAt != nil)
            #expect(finished.steps.map(\.stepID) == ["s1", "s2"])
            #expect(finished.steps[1].arguments["input"] == "one and two")
            // And running the job once more does nothing
            #expect(try await service.execute(payload: #"{"run_id":"\#(run.id)"}"#) == #"{"status":"succeeded"}"#)
            #expect(echo.calls == 1)
            try await store.close()
        }
    }

    @Test func cancellingAQueuedRunStopsItBeforeItStarts() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: .quiet)
            _ = try await store.migrate()
            let echo = CountingTool("echo")
            let service = DurableTaskService(runs: store, jobs: SQLiteJobStore(store: store), runner: AgentRunner(model: nil, tools: [echo], logger: .quiet), logger: .quiet)
            let run = try await service.submit(TaskRequest(task: "echo"), idempotencyKey: nil)
            #expect(try await service.cancel(run.id).status == .cancelled)
            await #expect(throws: TaskError(.conflict, "task \(run.id) already finished (cancelled)")) { try await service.cancel(run.id) }
            #expect(try await service.execute(payload: #"{"run_id":"\#(run.id)"}"#) == #"{"status":"cancelled"}"#)
            #expect(echo.calls == 0)
            #expect(try await service.events(run.id, after: 0).map(\.type) == ["status", "done"])
            try await store.close()
        }
    }
}
