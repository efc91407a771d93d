import ConciergeCore
import ConciergeTestSupport
import Foundation
import Testing

/// The operator side of the `JobStore` contract, against both stores.
@Suite struct JobStoreAdminContractTests {
    /// Enqueues a job with one attempt and fails it, leaving it dead.
    static func deadJob(_ store: any JobStore, queue: String = "q") async throws -> JobID {
        let id = try await store.enqueue(queue, maxAttempts: 1)
        let job = try #require(try await store.claim(queue, limit: 1).first)
        _ = try await store.fail(job, "boom")
        return id
    }

    @Test(arguments: JobBackend.allCases)
    func retryGivesADeadJobAFreshBudget(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let id = try await Self.deadJob(store)
            let retried = try await store.retry(id)
            #expect(retried.state == .waiting)
            #expect(retried.remainingAttempts == 1)
            let again = try #require(try await store.claim("q").first)
            #expect(again.attempt == 2)
            await #expect(throws: JobsError.self) { try await store.retry(id) }
        }
    }

    @Test(arguments: JobBackend.allCases)
    func retryAllDeadRequeuesOnlyThatQueue(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            _ = try await Self.deadJob(store, queue: "q")
            _ = try await Self.deadJob(store, queue: "q")
            let other = try await Self.deadJob(store, queue: "other")
            #expect(try await store.retryAllDead(queue: "q") == 2)
            #expect(try await store.claim("q").count == 2)
            #expect(try await store.state(other) == .dead)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func archiveTakesAJobOutOfTheDeadLetterList(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let id = try await Self.deadJob(store)
            #expect(try await store.archive(id).state == .archived)
            #expect(try await store.list(JobListQuery(state: .dead)).jobs.isEmpty)
            #expect(try await store.counts().first?.dead == 0)
            let running = try await store.enqueue("q")
            _ = try await store.claim("q")
            await #expect(throws: JobsError.self) { try await store.archive(running) }
        }
    }

    @Test(arguments: JobBackend.allCases)
    func deleteRefusesARunningJob(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let dead = try await Self.deadJob(store)
            try await store.delete(dead)
            #expect(try await store.job(dead) == nil)
            let running = try await store.enqueue("q")
            _ = try await store.claim("q")
            await #expect(throws: JobsError.self) { try await store.delete(running) }
            await #expect(throws: JobsError.notFound(dead)) { try await store.delete(dead) }
        }
    }

    @Test(arguments: JobBackend.allCases)
    func cleanupDeletesOnlyFinishedJobsOlderThanTheCutoff(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let old = try await Self.deadJob(store)
            clock.advance(by: .seconds(8 * 86_400))
            let recent = try await Self.deadJob(store)
            let waiting = try await store.enqueue("q")
            let deleted = try await store.deleteFinished(before: clock.now().addingTimeInterval(-7 * 86_400))
            #expect(deleted == 1)
            #expect(try await store.job(old) == nil)
            #expect(try await store.job(recent) != nil)
            #expect(try await store.job(waiting) != nil)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func releaseStaleFreesJobsClaimedLongAgoAndCountsTheAttempt(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let stuck = try await store.enqueue("q")
            _ = try await store.claim("q", worker: "a", lease: .seconds(3600))
            clock.advance(by: .seconds(120))
            let fresh = try await store.enqueue("q")
            _ = try await store.claim("q", worker: "a", lease: .seconds(3600))
            #expect(try await store.releaseStale(olderThan: .seconds(60)) == 1)
            #expect(try await store.state(stuck) == .waiting)
            #expect(try await store.state(fresh) == .active)
            #expect(try await store.job(stuck)?.attemptHistory.first?.outcome == .leaseExpired)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func listPagesNewestFirstWithACursor(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            var ids: [JobID] = []
            for _ in 0..<5 { ids.append(try await store.enqueue("q")) }
            _ = try await store.enqueue("other")
            let first = try await store.list(JobListQuery(queue: "q", limit: 2))
            #expect(first.jobs.map(\.id) == [ids[4], ids[3]])
            let second = try await store.list(JobListQuery(queue: "q", limit: 2, before: first.nextCursor))
            #expect(second.jobs.map(\.id) == [ids[2], ids[1]])
            let last = try await store.list(JobListQuery(queue: "q", limit: 2, before: second.nextCursor))
            #expect(last.jobs.map(\.id) == [ids[0]])
            #expect(last.nextCursor == nil)
            #expect(try await store.list(JobListQuery(state: .waiting, limit: 100)).jobs.count == 6)
        }
    }
}
