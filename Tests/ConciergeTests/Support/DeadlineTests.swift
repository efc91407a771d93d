import ConciergeCore
import Synchronization
import Testing

/// `withDeadline` over a `DeadlineWatch`: the value in time, `DeadlineExceeded` after cancelling a late operation,
/// the caller's cancellation passed on as itself, and no entry left behind.
@Suite struct DeadlineTests {
    let watch = DeadlineWatch(tick: .milliseconds(5))

    @Test func answerInTimeIsReturnedAndItsEntryRemoved() async throws {
        let value = try await withDeadline(.seconds(5), watch: watch) { 42 }
        #expect(value == 42)
        #expect(watch.pending == 0)
    }

    @Test func lateOperationIsCancelledAndReportedAsDeadlineExceeded() async throws {
        let sawCancellation = Mutex(false)
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(30), watch: watch) {
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    sawCancellation.withLock { $0 = true }
                    throw error
                }
            }
        }
        #expect(sawCancellation.withLock { $0 })
        #expect(watch.pending == 0)
    }

    @Test func operationErrorPassesThroughUnchanged() async throws {
        struct Broken: Error, Equatable {}
        await #expect(throws: Broken()) { try await withDeadline(.seconds(5), watch: watch) { throw Broken() } }
    }

    @Test func callersCancellationReachesTheOperationAndIsNotATimeout() async throws {
        let started = Mutex(false)
        let caller = Task {
            try await withDeadline(.seconds(30), watch: watch) {
                started.withLock { $0 = true }
                try await Task.sleep(for: .seconds(30))
            }
        }
        while !started.withLock({ $0 }) { await Task.yield() }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(watch.pending == 0)
    }

    @Test func manyDeadlinesFireEachOnceAndOnlyWhenDue() async throws {
        let fired = Mutex<[Int]>([])
        let now = ContinuousClock.now
        var tokens: [DeadlineWatch.Token] = []
        for index in 0..<20 {
            tokens.append(watch.register(now + .milliseconds(index < 10 ? 10 : 60_000)) { fired.withLock { $0.append(index) } })
        }
        let early = watch.register(now + .milliseconds(10)) { fired.withLock { $0.append(-1) } }
        watch.cancel(early)
        while fired.withLock({ $0.count }) < 10 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(fired.withLock { $0.sorted() } == Array(0..<10))
        #expect(watch.pending == 10)
        for token in tokens { watch.cancel(token) }
        #expect(watch.pending == 0)
    }

    @Test func aWatchWithOnlyAFarDeadlineSleepsUntilItInsteadOfTicking() async throws {
        // Given a watch ticking every 5 ms with one deadline 2 s away
        let watch = DeadlineWatch(tick: .milliseconds(5))
        let token = watch.register(.now + .seconds(2)) {}
        // When 300 ms pass
        try await Task.sleep(for: .milliseconds(300))
        // Then it has not woken every tick (60 times): it sleeps until the deadline
        #expect(watch.wakeups <= 1)
        watch.cancel(token)
    }

    @Test func anEarlierDeadlineRegisteredLaterStillFiresOnTime() async throws {
        // Given a watch asleep until a deadline 60 s away
        let watch = DeadlineWatch(tick: .milliseconds(5))
        let far = watch.register(.now + .seconds(60)) {}
        try await Task.sleep(for: .milliseconds(20))
        // When a deadline 50 ms away is registered
        let fired = Mutex<ContinuousClock.Instant?>(nil)
        let registered = ContinuousClock.now
        _ = watch.register(registered + .milliseconds(50)) { fired.withLock { $0 = .now } }
        // Then it fires soon after 50 ms, not with the far one after 60 s (the bounds leave room for a starved test
        // process: 2.2 s seen under a CI machine's full load)
        let deadline = ContinuousClock.now + .seconds(30)
        while fired.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let at = try #require(fired.withLock { $0 })
        #expect(at - registered >= .milliseconds(50))
        #expect(at - registered < .seconds(20))
        #expect(watch.pending == 1)
        watch.cancel(far)
    }
}
