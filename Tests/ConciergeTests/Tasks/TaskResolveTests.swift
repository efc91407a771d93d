import ConciergeAgents
import ConciergeCore
import ConciergeHTTP
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Testing

/// `resolve`: a person settles the pending side-effecting call that stopped a run, and the run resumes from its
/// journal on a new job — on SQLite and PostgreSQL alike.
@Suite struct TaskResolveTests {
    static let plan = Plan(steps: [
        PlanStep(id: "a", tool: "send", arguments: ["input": "invoice 42"], purpose: "send it"),
        PlanStep(id: "b", tool: "echo", arguments: ["input": "after ${a.input}"], dependsOn: ["a"], purpose: "then"),
    ], planner: "llm")

    /// A run that crashed with `send` journaled as pending, then resumed: it stops for a person.
    static func stoppedRun(_ service: DurableTaskService, _ runs: any RunStore) async throws -> TaskRun {
        var run = try await service.submit(TaskRequest(task: "send invoice 42 and say so"), idempotencyKey: nil)
        run.status = .running
        run.plan = plan
        try await runs.saveRun(run)
        try await runs.recordCall(runID: run.id, ToolCallRecord(
            stepID: "a", tool: "send", arguments: ["input": "invoice 42"], status: .pending, attempts: 1, idempotencyKey: "\(run.id):a"
        ))
        #expect(try await service.execute(payload: #"{"run_id":"\#(run.id)"}"#) == #"{"status":"failed"}"#)
        let stopped = try #require(try await runs.run(run.id))
        #expect(stopped.errorCode == .needsAttention)
        return stopped
    }

    @Test(arguments: JobBackend.allCases) func notDoneRunsTheStepAgainWithTheSameKeyOnANewJob(_ backend: JobBackend) async throws {
        try await MigratedStore.with(backend) { runs, jobs in
            let send = CountingTool("send", sideEffects: true)
            let echo = CountingTool("echo")
            let service = DurableTaskService(runs: runs, jobs: jobs, runner: AgentRunner(model: nil, tools: [send, echo], logger: .quiet), logger: .quiet)
            let stopped = try await Self.stoppedRun(service, runs)
            let firstJob = try await runs.jobID(of: stopped.id)
            // When a person says the call did not take effect
            let queued = try await service.resolve(stopped.id, step: "a", as: .notDone)
            // Then the run is queued again on a new job, with no error, and its events say why
            #expect(queued.status == .queued && queued.error == nil && queued.errorCode == nil && queued.finishedAt == nil)
            let job = try #require(try await runs.jobID(of: stopped.id))
            #expect(job != firstJob)
            let record = try #require(try await jobs.job(job))
            #expect(record.queue == DurableTaskService.queue && record.payload == #"{"run_id":"\#(stopped.id)"}"#)
            let events = try await service.events(stopped.id, after: 0)
            let resolved = try #require(events.first { $0.type == "step_resolved" })
            #expect(resolved.data["outcome"] == "not_done" && resolved.data["step_id"] == "a")
            #expect(events.last?.type == "status" && events.last?.data["status"] == "queued")
            #expect(events.map(\.sequence) == Array(1...events.count))
            // And when that job runs, the step fires once more with the same key and the run finishes
            #expect(try await service.execute(payload: record.payload) == #"{"status":"succeeded"}"#)
            #expect(send.calls == 1 && echo.calls == 1)
            let finished = try #require(try await runs.run(stopped.id))
            #expect(finished.status == .succeeded)
            #expect(finished.steps.map(\.idempotencyKey) == ["\(stopped.id):a", "\(stopped.id):b"])
            #expect(finished.steps.map(\.status) == [.succeeded, .succeeded])
        }
    }

    @Test(arguments: JobBackend.allCases) func doneKeepsThePersonsResultAndNeverCallsTheTool(_ backend: JobBackend) async throws {
        try await MigratedStore.with(backend) { runs, jobs in
            let send = CountingTool("send", sideEffects: true)
            let echo = CountingTool("echo")
            let service = DurableTaskService(runs: runs, jobs: jobs, runner: AgentRunner(model: nil, tools: [send, echo], logger: .quiet), logger: .quiet)
            let stopped = try await Self.stoppedRun(service, runs)
            _ = try await service.resolve(stopped.id, step: "a", as: .done(ToolOutput(text: "sent by hand", data: ["input": "invoice 42 (by hand)"])))
            #expect(try await service.execute(payload: #"{"run_id":"\#(stopped.id)"}"#) == #"{"status":"succeeded"}"#)
            #expect(send.calls == 0 && echo.calls == 1)
            let finished = try #require(try await runs.run(stopped.id))
            #expect(finished.steps[0].output?.text == "sent by hand")
            #expect(finished.steps[1].arguments["input"] == "after invoice 42 (by hand)")
        }
    }

    @Test(arguments: JobBackend.allCases) func onlyAPendingStepOfAStoppedRunCanBeResolvedAndOnlyOnce(_ backend: JobBackend) async throws {
        try await MigratedStore.with(backend) { runs, jobs in
            let service = DurableTaskService(
                runs: runs, jobs: jobs, runner: AgentRunner(model: nil, tools: [CountingTool("send", sideEffects: true), CountingTool("echo")], logger: .quiet),
                logger: .quiet
            )
            let stopped = try await Self.stoppedRun(service, runs)
            await #expect(throws: TaskError(.notFound, "task nope does not exist")) { try await service.resolve("nope", step: "a", as: .notDone) }
            await #expect(throws: TaskError(.conflict, "step 'b' of task \(stopped.id) is not a pending call")) {
                try await service.resolve(stopped.id, step: "b", as: .notDone)
            }
            // Two people answer at once: exactly one answer counts
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<2 { group.addTask { (try? await service.resolve(stopped.id, step: "a", as: .notDone)) != nil } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            await #expect(throws: TaskError(.conflict, "task \(stopped.id) is not waiting for a person (status queued)")) {
                try await service.resolve(stopped.id, step: "a", as: .notDone)
            }
            #expect(try await service.events(stopped.id, after: 0).filter { $0.type == "step_resolved" }.count == 1)
        }
    }

    @Test func httpAnswersBadBodiesWith400AndAResolvedRunWith202ThenConflict() async throws {
        try await MigratedStore.with(.sqlite) { runs, jobs in
            let service = DurableTaskService(
                runs: runs, jobs: jobs, runner: AgentRunner(model: nil, tools: [CountingTool("send", sideEffects: true), CountingTool("echo")], logger: .quiet),
                logger: .quiet
            )
            let stopped = try await Self.stoppedRun(service, runs)
            let controller = TasksController(tasks: service)
            let router = buildRouter(HTTPDependencies(maxBodyBytes: 64 * 1024, healthChecks: [], registry: PrometheusCollectorRegistry())) {
                controller.register(on: $0)
            }
            try await Application(router: router).test(.router) { client in
                func post(_ id: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
                    try await client.execute(
                        uri: "/v1/tasks/\(id)/resolve", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
                    ) { ($0.status, String(buffer: $0.body)) }
                }
                let cases: [(String, String, HTTPResponse.Status, String)] = [
                    (stopped.id, #"{"outcome":"done"}"#, .badRequest, "step_id is required"),
                    (stopped.id, #"{"step_id":"a","outcome":"maybe"}"#, .badRequest, "outcome must be done"),
                    (stopped.id, #"{"step_id":"a","outcome":"not_done","text":"x"}"#, .badRequest, "only with outcome done"),
                    (stopped.id, #"{"step_id":"a","outcome":"#, .badRequest, "error"),
                    ("task_missing", #"{"step_id":"a","outcome":"not_done"}"#, .notFound, "does not exist"),
                    (stopped.id, #"{"step_id":"a","outcome":"done","text":"sent by hand","data":{"n":1}}"#, .accepted, #""status":"queued""#),
                    (stopped.id, #"{"step_id":"a","outcome":"done"}"#, .conflict, "not waiting for a person"),
                ]
                for (id, body, status, fragment) in cases {
                    let (got, text) = try await post(id, body)
                    #expect(got == status, "\(body)")
                    #expect(text.contains(fragment), "\(body): \(text)")
                }
            }
        }
    }
}
