import ConciergeAgents
import ConciergeCore
import Foundation
import Synchronization
import Testing

/// A side-effecting tool with a reconcile hook: calls go to `inner` (which counts them), reconciliations to `hook`.
final class ReconcilingTool: Tool {
    let inner: CountingTool
    let hook: @Sendable (String, ToolArguments) async throws -> ToolReconciliation
    let asked = Mutex<[String]>([])

    init(inner: CountingTool, hook: @escaping @Sendable (String, ToolArguments) async throws -> ToolReconciliation) {
        self.inner = inner
        self.hook = hook
    }

    var name: String { inner.name }
    var description: String { inner.description }
    var parametersSchema: JSONValue { inner.parametersSchema }
    var hasSideEffects: Bool { true }

    func invoke(_ arguments: ToolArguments, context: ToolContext) async throws -> ToolOutput {
        try await inner.invoke(arguments, context: context)
    }

    func reconcile(idempotencyKey: String, arguments: ToolArguments) async throws -> ToolReconciliation {
        asked.withLock { $0.append(idempotencyKey) }
        return try await hook(idempotencyKey, arguments)
    }
}

/// On resume, a pending side-effecting call is settled by its tool's reconcile hook, never fired again blindly.
@Suite struct ReconcileTests {
    static let plan = Plan(steps: [
        PlanStep(id: "a", tool: "send", arguments: ["input": "invoice 42"], purpose: "send it"),
        PlanStep(id: "b", tool: "echo", arguments: ["input": "after ${a.input}"], dependsOn: ["a"], purpose: "then"),
    ], planner: "llm")

    /// A run that crashed after journaling step `a` as pending.
    static func crashedRun(_ recorder: MemoryRunRecorder) async throws -> TaskRun {
        var run = TaskRun.fresh("send invoice 42")
        run.status = .running
        run.plan = plan
        try await recorder.record(ToolCallRecord(
            stepID: "a", tool: "send", arguments: ["input": "invoice 42"], status: .pending, attempts: 1, idempotencyKey: "\(run.id):a"
        ))
        return run
    }

    func resume(_ run: TaskRun, tools: [any Tool], _ recorder: MemoryRunRecorder) async throws -> TaskRun {
        try await AgentRunner(model: nil, tools: tools, logger: .quiet).run(run, journal: recorder, events: recorder, save: { recorder.save($0) })
    }

    @Test func committedResultIsReusedWithoutInvokingTheTool() async throws {
        // Given a pending call whose tool finds it took effect
        let send = CountingTool("send", sideEffects: true)
        let tool = ReconcilingTool(inner: send) { _, arguments in
            .committed(ToolOutput(text: "sent earlier", data: ["input": arguments["input"] ?? .null]))
        }
        let echo = CountingTool("echo")
        let recorder = MemoryRunRecorder()
        let crashed = try await Self.crashedRun(recorder)
        // When the run resumes
        let run = try await resume(crashed, tools: [tool, echo], recorder)
        // Then the stored result is used, the tool was asked with the step's key and never invoked, and the run went on
        #expect(run.status == .succeeded)
        #expect(send.calls == 0)
        #expect(tool.asked.withLock { $0 } == ["\(crashed.id):a"])
        #expect(recorder.calls["a"]?.status == .succeeded && recorder.calls["a"]?.output?.text == "sent earlier")
        #expect(run.steps.map(\.status) == [.succeeded, .succeeded])
        #expect(run.steps[1].arguments["input"] == "after invoice 42")
        #expect(recorder.events("step_reconciled").first?["outcome"] == "committed")
    }

    @Test func safeToRetryFiresTheCallAgainWithTheSameKey() async throws {
        let send = CountingTool("send", sideEffects: true)
        let tool = ReconcilingTool(inner: send) { _, _ in .safeToRetry }
        let recorder = MemoryRunRecorder()
        let run = try await resume(try await Self.crashedRun(recorder), tools: [tool, CountingTool("echo")], recorder)
        #expect(run.status == .succeeded)
        #expect(send.calls == 1)
        #expect(run.steps[0].idempotencyKey == "\(run.id):a")
    }

    @Test func pendingCallWithNoHookStopsTheRunForAPerson() async throws {
        // Given a pending call whose tool has no reconcile hook
        let send = CountingTool("send", sideEffects: true)
        let echo = CountingTool("echo")
        let recorder = MemoryRunRecorder()
        // When the run resumes
        let run = try await resume(try await Self.crashedRun(recorder), tools: [send, echo], recorder)
        // Then it stops, failed with needs_attention naming the step, and nothing was invoked
        #expect(run.status == .failed)
        #expect(run.errorCode == .needsAttention)
        #expect(run.error?.contains("step 'a' (send") == true)
        #expect(run.error?.contains("needs a person") == true)
        #expect(send.calls == 0 && echo.calls == 0)
        #expect(recorder.calls["a"]?.status == .pending)
        #expect(recorder.events("done").first?["error_code"] == "needs_attention")
    }

    @Test func unknownOrFailingHookAlsoStopsTheRun() async throws {
        struct Broken: Error {}
        for hook in [{ @Sendable (_: String, _: ToolArguments) async throws -> ToolReconciliation in .unknown },
                     { @Sendable (_: String, _: ToolArguments) async throws -> ToolReconciliation in throw Broken() }] {
            let send = CountingTool("send", sideEffects: true)
            let recorder = MemoryRunRecorder()
            let run = try await resume(try await Self.crashedRun(recorder), tools: [ReconcilingTool(inner: send, hook: hook), CountingTool("echo")], recorder)
            #expect(run.status == .failed && run.errorCode == .needsAttention)
            #expect(send.calls == 0)
        }
    }
}
