import ConciergeCore
import ConciergeTestSupport
import Foundation
import Testing

/// A run's progress (status changes, events) rides on its next durable write, or is written once it has waited the
/// journal's progress interval; the run's writes keep their order.
@Suite struct RunProgressTests {
    static func started(_ store: any RunStore) async throws -> TaskRun {
        let run = TaskRun(id: TaskID.make(), request: TaskRequest(task: "what is 2 + 2"), createdAt: Date())
        _ = try await store.createRun(run, idempotencyKey: nil)
        return run
    }

    static func planned(_ run: TaskRun) -> TaskRun {
        var run = run
        run.status = .running
        run.plan = Plan(steps: [PlanStep(id: "a", tool: "calculator", arguments: ["expression": "2+2"], purpose: "p")], planner: "rules")
        return run
    }

    @Test(arguments: JobBackend.allCases)
    func progressRidesOnTheNextJournaledCall(backend: JobBackend) async throws {
        try await MigratedStore.with(backend) { store, _ in
            // Given a journal whose progress would wait an hour on its own
            let run = try await Self.started(store)
            let journal = StoredRunJournal(writer: RunWriter(store: store), runID: run.id, progressInterval: .seconds(3600))
            // When the run reports its plan and a step start as progress
            await journal.emit("status", ["status": "running"])
            await journal.progress(Self.planned(run))
            await journal.emit("step_started", ["step_id": "a"])
            // Then nothing of it is written yet
            #expect(try await store.run(run.id)?.status == .queued)
            #expect(try await store.events(runID: run.id, after: 0).isEmpty)
            // When the step's call is journaled
            let call = ToolCallRecord(stepID: "a", tool: "calculator", arguments: ["expression": "2+2"], status: .succeeded,
                                      output: ToolOutput(text: "4", data: ["value": "4"]), attempts: 1, idempotencyKey: "\(run.id):a")
            try await journal.record(call)
            // Then the plan, the events and the call are stored together, in order
            let stored = try #require(try await store.run(run.id))
            #expect(stored.status == .running && stored.plan == Self.planned(run).plan && stored.steps == [call])
            #expect(try await store.events(runID: run.id, after: 0).map(\.type) == ["status", "step_started"])
        }
    }

    @Test(arguments: JobBackend.allCases)
    func progressIsWrittenWithinTheInterval(backend: JobBackend) async throws {
        try await MigratedStore.with(backend) { store, _ in
            // Given a journal with a short progress interval and a step that has started but not finished
            let run = try await Self.started(store)
            let journal = StoredRunJournal(writer: RunWriter(store: store), runID: run.id, progressInterval: .milliseconds(30))
            await journal.progress(Self.planned(run))
            await journal.emit("step_started", ["step_id": "a"])
            // Then the status and the event become visible with no other write
            #expect(await eventually(timeout: .seconds(10)) { (try? await store.run(run.id))?.status == .running })
            #expect(try await store.events(runID: run.id, after: 0).map(\.type) == ["step_started"])
        }
    }

    @Test func aSavedRunIsNeverOverwrittenByEarlierProgress() async throws {
        try await MigratedStore.with(.sqlite) { store, _ in
            // Given progress waiting to be written and a timer about to write it
            let run = try await Self.started(store)
            let watch = DeadlineWatch(tick: .milliseconds(1))
            let journal = StoredRunJournal(writer: RunWriter(store: store), runID: run.id, progressInterval: .milliseconds(1), watch: watch)
            // When many progress reports, timer flushes and saves interleave, ending with the finished run
            var finished = Self.planned(run)
            finished.status = .succeeded
            finished.answer = TaskAnswer(text: "4", result: ["value": "4"], sources: [])
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask {
                        await journal.emit("status", ["n": .number(Double(index))])
                        await journal.progress(Self.planned(run))
                    }
                }
            }
            try await journal.save(finished)
            // Then, once every timer has fired, the stored run is the finished one and the events are numbered in order
            #expect(await eventually(timeout: .seconds(10)) { watch.pending == 0 })
            await journal.flush()
            #expect(try await store.run(run.id)?.status == .succeeded)
            let events = try await store.events(runID: run.id, after: 0)
            #expect(events.count == 50 && events.map(\.sequence) == Array(1...50))
        }
    }

    @Test func zeroIntervalWritesProgressAtOnce() async throws {
        try await MigratedStore.with(.sqlite) { store, _ in
            let run = try await Self.started(store)
            let journal = StoredRunJournal(writer: RunWriter(store: store), runID: run.id, progressInterval: .zero)
            await journal.progress(Self.planned(run))
            #expect(try await store.run(run.id)?.status == .running)
        }
    }
}
