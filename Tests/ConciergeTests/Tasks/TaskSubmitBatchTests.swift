import ConciergeAgents
import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Testing

/// Concurrent submissions share transactions (group commit) and still each get exactly their own run and job.
@Suite struct TaskSubmitBatchTests {
    @Test func concurrentSubmissionsEachGetOneRunAndOneJob() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a task service over one SQLite store with its queue, and no worker
            let store = try SQLiteStore(dataDirectory: directory, logger: .quiet)
            _ = try await store.migrate()
            let jobs = SQLiteJobStore(store: store)
            let runner = AgentRunner(model: ScriptedChatModel(steps: []), tools: [], logger: .quiet)
            let service = DurableTaskService(runs: store, jobs: jobs, runner: runner, logger: .quiet)
            // When 60 tasks are submitted at once, 20 of them in pairs that share an idempotency key
            let submitted = try await withThrowingTaskGroup(of: (Int, TaskRun).self) { group in
                for index in 0..<60 {
                    let key = index < 20 ? "pair-\(index / 2)" : nil
                    group.addTask { (index, try await service.submit(TaskRequest(task: "task \(index)"), idempotencyKey: key)) }
                }
                var runs: [Int: TaskRun] = [:]
                for try await (index, run) in group { runs[index] = run }
                return runs
            }
            // Then each pair returned one run, and every other submission its own
            for pair in 0..<10 { #expect(submitted[2 * pair]?.id == submitted[2 * pair + 1]?.id) }
            let ids = Set(submitted.values.map(\.id))
            #expect(ids.count == 50)
            // And each of the 50 runs is stored, queued, with its own job and first event
            for id in ids {
                let run = try #require(try await store.run(id))
                #expect(run.status == .queued)
                let jobID = try #require(try await store.jobID(of: id))
                #expect(try await jobs.job(jobID)?.payload == #"{"run_id":"\#(id)"}"#)
                #expect(try await store.events(runID: id, after: 0).map(\.type) == ["status"])
            }
            #expect(try await jobs.counts().first { $0.queue == DurableTaskService.queue }?.waiting == 50)
            try await store.close()
        }
    }
}
