import ConciergeAgents
import ConciergeCore
import Synchronization
import Testing

@Suite struct ExecutorTests {
    func executor(_ tools: [CountingTool], concurrency: Int = 4) -> Executor {
        Executor(tools: Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) }),
                 settings: .init(maxConcurrency: concurrency, maxAttempts: 3, backoff: .milliseconds(1)), logger: .quiet)
    }

    @Test func dependentStepsSeeEarlierResultsAndRunAfterThem() async throws {
        let echo = CountingTool("echo")
        let plan = Plan(steps: [
            PlanStep(id: "b", tool: "echo", arguments: ["input": "got ${a.input} and ${a}"], dependsOn: ["a"], purpose: "second"),
            PlanStep(id: "a", tool: "echo", arguments: ["input": "first"], purpose: "first"),
        ], planner: "llm")
        let recorder = MemoryRunRecorder()
        let records = try await executor([echo]).execute(plan, runID: "r", journal: recorder, events: recorder)
        #expect(records.map(\.stepID) == ["b", "a"])
        #expect(records[0].arguments["input"] == "got first and echo first")
        #expect(recorder.events("step_started").map { $0["step_id"] } == ["a", "b"])
        #expect(records.allSatisfy { $0.idempotencyKey == "r:\($0.stepID)" })
    }

    @Test func independentStepsRunConcurrentlyWithinTheBound() async throws {
        let active = Mutex((now: 0, peak: 0))
        let gate = CountingTool("slow") { _, _ in
            active.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            try await Task.sleep(for: .milliseconds(30))
            active.withLock { $0.now -= 1 }
            return ToolOutput(text: "ok", data: .null)
        }
        let plan = Plan(steps: (1...6).map { PlanStep(id: "s\($0)", tool: "slow", arguments: [:], purpose: "") }, planner: "rules")
        let recorder = MemoryRunRecorder()
        _ = try await executor([gate], concurrency: 2).execute(plan, runID: "r", journal: recorder, events: recorder)
        #expect(active.withLock { $0.peak } == 2)
        #expect(gate.calls == 6)
    }

    @Test func retryableErrorsAreRetriedAndFinalOnesAreNot() async throws {
        let flaky = CountingTool("flaky") { call, _ in
            if call < 3 { throw ToolError.retry("busy") }
            return ToolOutput(text: "done", data: .null)
        }
        let broken = CountingTool("broken") { _, _ in throw ToolError.failed("no such city") }
        let plan = Plan(steps: [
            PlanStep(id: "a", tool: "flaky", arguments: [:], purpose: ""), PlanStep(id: "b", tool: "broken", arguments: [:], purpose: ""),
            PlanStep(id: "c", tool: "flaky", arguments: [:], dependsOn: ["b"], purpose: ""),
        ], planner: "llm")
        let recorder = MemoryRunRecorder()
        let records = try await executor([flaky, broken]).execute(plan, runID: "r", journal: recorder, events: recorder)
        #expect(records[0].status == .succeeded && records[0].attempts == 3)
        #expect(records[1].status == .failed && records[1].attempts == 1 && records[1].errorKind == "final" && records[1].error == "no such city")
        #expect(records[2].status == .skipped)
        #expect(broken.calls == 1)
    }

    @Test func aStepThatHangsTimesOut() async throws {
        let hang = CountingTool("hang", timeout: .milliseconds(50)) { _, _ in
            try await Task.sleep(for: .seconds(3600))
            return ToolOutput(text: "", data: .null)
        }
        let recorder = MemoryRunRecorder()
        let records = try await executor([hang]).execute(Plan(steps: [PlanStep(id: "a", tool: "hang", arguments: [:], purpose: "")], planner: "llm"),
                                                         runID: "r", journal: recorder, events: recorder)
        #expect(records[0].status == .failed && records[0].errorKind == "retryable" && records[0].attempts == 3)
        #expect(records[0].error?.contains("timed out") == true)
    }

    @Test func resumeReusesJournaledSuccessesAndRerunsTheRest() async throws {
        // Given a journal where step a finished before a crash
        let echo = CountingTool("echo")
        let recorder = MemoryRunRecorder()
        try await recorder.record(ToolCallRecord(stepID: "a", tool: "echo", arguments: ["input": "x"], status: .succeeded,
                                                 output: ToolOutput(text: "stored", data: ["input": "stored"]), attempts: 1, idempotencyKey: "r:a"))
        let plan = Plan(steps: [
            PlanStep(id: "a", tool: "echo", arguments: ["input": "x"], purpose: ""),
            PlanStep(id: "b", tool: "echo", arguments: ["input": "${a.input}"], dependsOn: ["a"], purpose: ""),
        ], planner: "llm")
        // When the run resumes
        let records = try await executor([echo]).execute(plan, runID: "r", journal: recorder, events: recorder)
        // Then only b runs, with a's stored result
        #expect(echo.calls == 1)
        #expect(records[1].arguments["input"] == "stored")
    }

    @Test func sideEffectsAreJournaledPendingAndAPendingOneIsNotFiredAgain() async throws {
        let seen = Mutex<[String]>([])
        let recorder = MemoryRunRecorder()
        let send = CountingTool("send", sideEffects: true) { _, _ in
            seen.withLock { $0.append(recorder.calls["a"]?.status.rawValue ?? "none") }
            return ToolOutput(text: "sent", data: .null)
        }
        let plan = Plan(steps: [PlanStep(id: "a", tool: "send", arguments: [:], purpose: "")], planner: "llm")
        _ = try await executor([send]).execute(plan, runID: "r", journal: recorder, events: recorder)
        #expect(seen.withLock { $0 } == ["pending"])
        #expect(recorder.calls["a"]?.status == .succeeded)
        // A pending record left by a crash stops the run instead of sending twice (the tool has no reconcile hook).
        let crashed = MemoryRunRecorder()
        try await crashed.record(ToolCallRecord(stepID: "a", tool: "send", arguments: [:], status: .pending, idempotencyKey: "r:a"))
        await #expect(throws: Executor.PendingSideEffect.self) {
            try await executor([send]).execute(plan, runID: "r", journal: crashed, events: crashed)
        }
        #expect(send.calls == 1)
    }
}
