import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// The same run-store contract on both stores.
@Suite struct RunStoreContractTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func contract(_ store: some RunStore) async throws {
        // Given two runs, one with an idempotency key
        var first = TaskRun(id: TaskID.make(now: Date(timeIntervalSince1970: 1_000)), request: TaskRequest(task: "what is 2 + 2"), createdAt: Date())
        let second = TaskRun(id: TaskID.make(now: Date(timeIntervalSince1970: 2_000)), request: TaskRequest(task: "time in Tokyo", planner: .rules), createdAt: Date())
        #expect(try await store.createRun(first, idempotencyKey: "key-1").created)
        #expect(try await store.createRun(second, idempotencyKey: nil).created)
        // Then the same key returns the first run
        let repeated = try await store.createRun(TaskRun(id: TaskID.make(), request: TaskRequest(task: "x"), createdAt: Date()), idempotencyKey: "key-1")
        #expect(!repeated.created && repeated.run.id == first.id)

        // When the run is planned and its journal written
        first.status = .running
        first.plan = Plan(steps: [PlanStep(id: "b", tool: "clock", arguments: [:], purpose: "t"), PlanStep(id: "a", tool: "calculator", arguments: ["expression": "2+2"], purpose: "p")], planner: "rules")
        try await store.saveRun(first)
        let call = ToolCallRecord(stepID: "a", tool: "calculator", arguments: ["expression": "2+2"], status: .succeeded,
                                  output: ToolOutput(text: "4", data: ["value": "4"]), attempts: 1, durationMs: 3, idempotencyKey: "\(first.id):a")
        try await store.recordCall(runID: first.id, call)
        try await store.recordCall(runID: first.id, ToolCallRecord(stepID: "b", tool: "clock", arguments: [:], status: .pending, idempotencyKey: "k"))
        try await store.recordCall(runID: first.id, ToolCallRecord(stepID: "b", tool: "clock", arguments: [:], status: .failed, error: "x", idempotencyKey: "k"))
        // Then the run reads back with its steps in plan order
        let loaded = try #require(try await store.run(first.id))
        #expect(loaded.status == .running && loaded.plan == first.plan)
        #expect(loaded.steps.map(\.stepID) == ["b", "a"] && loaded.steps[1] == call && loaded.steps[0].status == .failed)
        #expect(try await store.journaledCalls(runID: first.id)["a"] == call)

        // Events get increasing sequence numbers and replay after a given one
        for index in 1...3 { try await store.appendEvent(runID: first.id, type: "status", data: ["n": .number(Double(index))]) }
        #expect(try await store.events(runID: first.id, after: 1).map(\.sequence) == [2, 3])
        #expect(try await store.events(runID: first.id, after: 0).last?.data == ["n": 3])

        // A batch of writes: document, job link, journaled call and events land together, sequences continue
        var third = TaskRun(id: TaskID.make(now: Date(timeIntervalSince1970: 500)), request: TaskRequest(task: "batch"), createdAt: Date())
        #expect(try await store.createRun(third, idempotencyKey: nil).created)
        third.status = .verifying
        let batchCall = ToolCallRecord(stepID: "a", tool: "calculator", arguments: [:], status: .succeeded, idempotencyKey: "\(third.id):a")
        let appended = try await store.commit([
            RunWrite(runID: first.id, events: [.init(type: "step_started", data: ["x": 1]), .init(type: "step_finished", data: ["x": 2])]),
            RunWrite(runID: third.id, run: third, jobID: 7, call: batchCall, events: [.init(type: "status", data: ["status": "verifying"])]),
            RunWrite(runID: third.id),
        ])
        #expect(appended.map { $0.events.map(\.sequence) } == [[4, 5], [1], []])
        #expect(appended.map(\.savedDocument) == [false, true, false])
        #expect(try await store.events(runID: first.id, after: 3).map(\.type) == ["step_started", "step_finished"])
        let batched = try #require(try await store.run(third.id))
        #expect(batched.status == .verifying && batched.steps == [batchCall])
        #expect(try await store.jobID(of: third.id) == 7)
        #expect(try await store.events(runID: third.id, after: 0) == [RunEvent(sequence: 1, type: "status", data: ["status": "verifying"])])
        // A batch naming a run that does not exist fails as a whole
        await #expect(throws: (any Error).self) {
            try await store.commit([RunWrite(runID: third.id, events: [.init(type: "x", data: .null)]), RunWrite(runID: "task_missing", events: [.init(type: "x", data: .null)])])
        }
        #expect(try await store.events(runID: third.id, after: 1).isEmpty)
        third.status = .succeeded
        try await store.saveRun(third)

        // Listing is newest first with a cursor and a status filter
        #expect(try await store.listRuns(status: nil, owner: nil, limit: 1, after: nil).map(\.id) == [second.id])
        #expect(try await store.listRuns(status: nil, owner: nil, limit: 5, after: second.id).map(\.id) == [first.id, third.id])
        #expect(try await store.listRuns(status: .running, owner: nil, limit: 5, after: nil).map(\.id) == [first.id])

        // A cancelled run stays cancelled when its worker saves later
        var cancelled = second
        cancelled.status = .cancelled
        try await store.saveRun(cancelled)
        var late = second
        late.status = .running
        try await store.saveRun(late)
        late.status = .succeeded
        #expect(try await store.commit([RunWrite(runID: second.id, run: late)]).map(\.savedDocument) == [false])
        #expect(try await store.run(second.id)?.status == .cancelled)
        try await store.setJob(second.id, jobID: 42)
        #expect(try await store.jobID(of: second.id) == 42)

        // Retention deletes finished runs only
        #expect(try await store.deleteFinishedRuns(before: Date().addingTimeInterval(60)) == 2)
        let gone = try await store.run(second.id)
        let kept = try await store.run(first.id)
        #expect(gone == nil && kept != nil)
    }

    @Test func sqlite() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory + "/c.sqlite", logger: Self.logger)
            let report = try await store.migrate()
            #expect(report.applied.contains(AppliedMigration(version: 4, name: "create_task_runs")))
            try await Self.contract(store)
            try await store.close()
        }
    }

    /// Submit with its job and first event in one transaction, the same on both stores.
    static func submitContract(_ store: some RunStore & RunSubmitting, jobs: some JobStore, foreignJobs: some JobStore) async throws {
        let run = TaskRun(id: TaskID.make(), request: TaskRequest(task: "2 + 2"), createdAt: Date())
        let job = try EnqueueRequest(queue: "tasks", payload: #"{"run_id":"\#(run.id)"}"#, idempotencyKey: run.id)
        let queued: [RunWrite.Event] = [.init(type: "status", data: ["status": "queued"])]
        // When a run is submitted with its job and first event
        let submitted = try #require(try await store.submitRun(run, idempotencyKey: "k", job: job, events: queued, jobs: jobs))
        // Then the run, the job linked to it and the event are stored
        #expect(submitted.created && submitted.run == run)
        let jobID = try #require(try await store.jobID(of: run.id))
        #expect(try await jobs.job(jobID)?.payload == job.payload)
        #expect(try await store.events(runID: run.id, after: 0) == [RunEvent(sequence: 1, type: "status", data: ["status": "queued"])])
        // And the next event follows the submitted ones
        try await store.appendEvent(runID: run.id, type: "status", data: ["status": "running"])
        #expect(try await store.events(runID: run.id, after: 1).map(\.sequence) == [2])
        // And the same idempotency key returns that run, writing nothing
        let again = TaskRun(id: TaskID.make(), request: TaskRequest(task: "other"), createdAt: Date())
        let repeated = try #require(try await store.submitRun(again, idempotencyKey: "k", job: job, events: queued, jobs: jobs))
        #expect(!repeated.created && repeated.run.id == run.id)
        #expect(try await store.run(again.id) == nil)
        #expect(try await jobs.counts().first { $0.queue == "tasks" }?.waiting == 1)
        // And a queue in another database is refused, so the caller writes separately
        #expect(try await store.submitRun(again, idempotencyKey: nil, job: job, events: queued, jobs: foreignJobs) == nil)
        #expect(try await store.run(again.id) == nil)
    }

    /// A batch of submissions in one transaction, the same on both stores: each run with its own job and events, and
    /// a later submission with an idempotency key an earlier one of the batch took returns that run.
    static func submitBatchContract(_ store: some RunStore & RunSubmitting, jobs: some JobStore) async throws {
        func submission(_ task: String, key: String?) throws -> RunSubmission {
            let run = TaskRun(id: TaskID.make(), request: TaskRequest(task: task), createdAt: Date())
            let job = try EnqueueRequest(queue: "batch", payload: #"{"run_id":"\#(run.id)"}"#, idempotencyKey: run.id)
            return RunSubmission(run: run, idempotencyKey: key, job: job, events: [.init(type: "status", data: ["status": .string(task)])])
        }
        let batch = [try submission("a", key: "batch-a"), try submission("b", key: nil), try submission("again", key: "batch-a")]
        // When three runs are submitted in one batch, the third with the first one's idempotency key
        let results = try await store.submitRuns(batch, jobs: jobs).map { try $0.get() }
        // Then the first two are created, each with its own job and first event
        #expect(results.map(\.created) == [true, true, false])
        for (index, submitted) in results.prefix(2).enumerated() {
            #expect(submitted.run == batch[index].run)
            let jobID = try #require(try await store.jobID(of: submitted.run.id))
            #expect(try await jobs.job(jobID)?.payload == batch[index].job.payload)
            let events = try await store.events(runID: submitted.run.id, after: 0)
            #expect(events == [RunEvent(sequence: 1, type: "status", data: ["status": .string(submitted.run.request.task)])])
        }
        // And the third returns the first run and writes nothing of its own
        #expect(results[2].run.id == batch[0].run.id)
        #expect(try await store.run(batch[2].run.id) == nil)
        #expect(try await jobs.counts().first { $0.queue == "batch" }?.waiting == 2)
    }

    @Test func sqliteSubmitsARunWithItsJobInOneTransaction() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(path: directory + "/s.sqlite", logger: Self.logger)
            _ = try await store.migrate()
            let other = try SQLiteStore(path: directory + "/o.sqlite", logger: Self.logger)
            _ = try await other.migrate()
            try await Self.submitContract(store, jobs: SQLiteJobStore(store: store), foreignJobs: SQLiteJobStore(store: other))
            try await Self.submitBatchContract(store, jobs: SQLiteJobStore(store: store))
            try await other.close()
            try await store.close()
        }
    }

    @Test func postgresSubmitsARunWithItsJobInOneTransaction() async throws {
        try await TestPostgres.withStore(logger: Self.logger) { store in
            _ = try await store.migrate()
            try await TemporaryDirectory.with { directory in
                let other = try SQLiteStore(path: directory + "/o.sqlite", logger: Self.logger)
                _ = try await other.migrate()
                try await Self.submitContract(store, jobs: PostgresJobStore(store: store), foreignJobs: SQLiteJobStore(store: other))
                try await Self.submitBatchContract(store, jobs: PostgresJobStore(store: store))
                try await other.close()
            }
        }
    }

    @Test func postgres() async throws {
        try await TestPostgres.withStore(logger: Self.logger) { store in
            let report = try await store.migrate()
            #expect(report.applied.contains(AppliedMigration(version: 4, name: "create_task_runs")))
            try await Self.contract(store)
        }
    }
}
