import ConciergeCore
import ConciergeTestSupport
import Foundation
import Testing

/// The behaviour every `JobStore` must have, run unchanged against SQLite and PostgreSQL with a hand-moved clock.
@Suite struct JobStoreContractTests {
    @Test(arguments: JobBackend.allCases)
    func claimsHighestPriorityFirstThenEarliestStart(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            // Given jobs of mixed priority and start time
            let early = clock.now().addingTimeInterval(-20)
            let low = try await store.enqueue("q", priority: 0)
            let highLate = try await store.enqueue("q", priority: 5)
            let highEarly = try await store.enqueue("q", priority: 5, runAt: early)
            let middle = try await store.enqueue("q", priority: 1)
            // When claiming one at a time and then in a batch
            let first = try await store.claim("q", limit: 1)
            let rest = try await store.claim("q", limit: 10)
            // Then priority wins, then the earlier start, and a batch comes back in that order
            #expect(first.map(\.id) == [highEarly])
            #expect(rest.map(\.id) == [highLate, middle, low])
            #expect(try await store.claim("q").isEmpty)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func delayedJobStartsOnlyWhenDue(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let id = try await store.enqueue("q", runAt: clock.now().addingTimeInterval(60))
            #expect(try await store.claim("q").isEmpty)
            #expect(try await store.state(id) == .scheduled)
            #expect(try await store.counts().first?.scheduled == 1)
            clock.advance(by: .seconds(61))
            #expect(try await store.state(id) == .waiting)
            let claimed = try await store.claim("q")
            #expect(claimed.map(\.id) == [id])
            #expect(claimed.first?.attempt == 1)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func failedAttemptIsRetriedAfterItsBackoff(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let id = try await store.enqueue("q", maxAttempts: 3)
            let first = try #require(try await store.claim("q").first)
            #expect(try await store.fail(first, "boom 1", retryAfter: .seconds(10)) == [first.lease])
            #expect(try await store.state(id) == .failed)
            #expect(try await store.claim("q").isEmpty)
            clock.advance(by: .seconds(10))
            let second = try #require(try await store.claim("q").first)
            #expect(second.attempt == 2)
            #expect(second.remainingAttempts == 2)
            let record = try #require(try await store.job(id))
            #expect(record.lastError == "boom 1")
            #expect(record.attemptHistory.map(\.outcome) == [.failed, .running])
        }
    }

    @Test(arguments: JobBackend.allCases)
    func lastFailedAttemptDeadLettersKeepingEveryError(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let id = try await store.enqueue("q", maxAttempts: 2)
            for attempt in 1...2 {
                let job = try #require(try await store.claim("q").first)
                _ = try await store.fail(job, "boom \(attempt)", retryAfter: .zero)
            }
            let record = try #require(try await store.job(id))
            #expect(record.state == .dead)
            #expect(record.finishedAt != nil)
            #expect(record.attemptHistory.map(\.error) == ["boom 1", "boom 2"])
            #expect(record.attemptHistory.map(\.number) == [1, 2])
            #expect(try await store.claim("q").isEmpty)
            #expect(try await store.list(JobListQuery(queue: "q", state: .dead)).jobs.map(\.id) == [id])
            #expect(try await store.counts().first?.dead == 1)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func enqueueWithTheSameKeyReturnsTheExistingJob(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let first = try await store.enqueue(EnqueueRequest(queue: "q", payload: #"{"n":1}"#, idempotencyKey: "k"))
            let again = try await store.enqueue(EnqueueRequest(queue: "q", payload: #"{"n":2}"#, idempotencyKey: "k"))
            let otherQueue = try await store.enqueue(EnqueueRequest(queue: "other", idempotencyKey: "k"))
            #expect(first.created)
            #expect(again == EnqueueResult(id: first.id, created: false))
            #expect(otherQueue.created && otherQueue.id != first.id)
            #expect(try await store.job(first.id)?.payload == #"{"n":1}"#)
            #expect(try await store.counts().first { $0.queue == "q" }?.waiting == 1)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func batchEnqueueKeepsOrderAndPayloads(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let requests = try (0..<5).map { try EnqueueRequest(queue: "q", payload: #"{"n":\#($0)}"#, idempotencyKey: $0 == 2 ? "two" : nil) }
            let results = try await store.enqueue(requests)
            #expect(results.count == 5)
            for (index, result) in results.enumerated() {
                #expect(try await store.job(result.id)?.payload == #"{"n":\#(index)}"#)
            }
        }
    }

    @Test(arguments: JobBackend.allCases)
    func cancelledQueuedJobNeverStarts(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let id = try await store.enqueue("q")
            #expect(try await store.cancel(id).state == .cancelled)
            #expect(try await store.claim("q").isEmpty)
            await #expect(throws: JobsError.self) { try await store.cancel(id) }
            await #expect(throws: JobsError.notFound(424242)) { try await store.cancel(424242) }
        }
    }

    @Test(arguments: JobBackend.allCases)
    func cancellingARunningJobReachesItsWorkerAtTheHeartbeat(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let id = try await store.enqueue("q")
            let job = try #require(try await store.claim("q").first)
            let flagged = try await store.cancel(id)
            #expect(flagged.state == .active && flagged.cancelRequested)
            let renewal = try await store.renewLeases([job.lease], leaseDuration: .seconds(30))
            #expect(renewal.cancelRequested == [job.lease])
            #expect(try await store.finish([JobCompletion(lease: job.lease, outcome: .cancelled)]) == [job.lease])
            let record = try #require(try await store.job(id))
            #expect(record.state == .cancelled)
            #expect(record.attemptHistory.map(\.outcome) == [.cancelled])
        }
    }

    @Test(arguments: JobBackend.allCases)
    func expiredLeaseMakesTheJobClaimableAndCountsTheLostAttempt(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let id = try await store.enqueue("q", maxAttempts: 3)
            let lost = try #require(try await store.claim("q", worker: "a", lease: .seconds(30)).first)
            clock.advance(by: .seconds(20))
            #expect(try await store.reapExpiredLeases() == 0)
            #expect(try await store.claim("q", worker: "b").isEmpty)
            clock.advance(by: .seconds(11))
            #expect(try await store.reapExpiredLeases() == 1)
            let retaken = try #require(try await store.claim("q", worker: "b").first)
            #expect(retaken.attempt == 2)
            // The first worker can neither renew nor finish the job any more.
            #expect(try await store.renewLeases([lost.lease], leaseDuration: .seconds(30)).lost == [lost.lease])
            #expect(try await store.finish([JobCompletion(lease: lost.lease, outcome: .completed(result: "{}"))]).isEmpty)
            #expect(try await store.finish([JobCompletion(lease: retaken.lease, outcome: .completed(result: #"{"ok":true}"#))]) == [retaken.lease])
            let record = try #require(try await store.job(id))
            #expect(record.state == .completed)
            #expect(record.result == #"{"ok":true}"#)
            #expect(record.attemptHistory.map(\.outcome) == [.leaseExpired, .completed])
            #expect(record.attemptHistory.first?.workerID == "a")
            #expect(record.attemptHistory.first?.error == "lease expired")
        }
    }

    @Test(arguments: JobBackend.allCases)
    func expiredLeaseOnTheLastAttemptDeadLetters(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            let id = try await store.enqueue("q", maxAttempts: 1)
            _ = try await store.claim("q", lease: .seconds(5))
            clock.advance(by: .seconds(6))
            #expect(try await store.reapExpiredLeases() == 1)
            #expect(try await store.state(id) == .dead)
            #expect(try await store.claim("q").isEmpty)
        }
    }

    @Test(arguments: JobBackend.allCases)
    func releasedJobIsClaimableAtOnceWithoutSpendingAnAttempt(_ backend: JobBackend) async throws {
        try await JobStoreFixtures.with(backend) { store in
            let id = try await store.enqueue("q", maxAttempts: 1)
            let held = try #require(try await store.claim("q", worker: "a").first)
            #expect(try await store.release([held.lease]) == 1)
            #expect(try await store.release([held.lease]) == 0)
            #expect(try await store.state(id) == .waiting)
            let again = try #require(try await store.claim("q", worker: "b").first)
            #expect(again.attempt == 2)
            #expect(again.remainingAttempts == 1)
            let record = try #require(try await store.job(id))
            #expect(record.attemptHistory.map(\.outcome) == [.released, .running])
        }
    }

    @Test(arguments: JobBackend.allCases)
    func countsEveryStatePerQueue(_ backend: JobBackend) async throws {
        let clock = ManualJobClock()
        try await JobStoreFixtures.with(backend, clock: clock) { store in
            _ = try await store.enqueue("a")
            _ = try await store.enqueue("a", runAt: clock.now().addingTimeInterval(300))
            let toRun = try await store.enqueue("a", priority: 9)
            let toFail = try await store.enqueue("a", priority: 8, maxAttempts: 1)
            let toRetry = try await store.enqueue("a", priority: 7)
            _ = try await store.enqueue("b")
            let jobs = try await store.claim("a", limit: 3)
            #expect(jobs.map(\.id) == [toRun, toFail, toRetry])
            _ = try await store.finish([JobCompletion(lease: jobs[0].lease, outcome: .completed(result: "{}"))])
            _ = try await store.fail(jobs[1], "x")
            _ = try await store.fail(jobs[2], "x", retryAfter: .seconds(60))
            let active = try await store.enqueue("a", priority: 5)
            _ = try await store.claim("a", limit: 1)
            clock.advance(by: .seconds(2))
            let counts = try await store.counts()
            #expect(counts.map(\.queue) == ["a", "b"])
            let a = try #require(counts.first)
            #expect([a.waiting, a.scheduled, a.active, a.completed, a.failed, a.dead] as [Int] == [1, 1, 1, 1, 1, 1])
            #expect(a.oldestWaitingAgeSeconds.map { abs($0 - 2) < 0.01 } == true)
            #expect(try await store.state(active) == .active)
            #expect(try await store.oldestWaitingAge().map { abs($0 - 2) < 0.01 } == true)
        }
    }
}
