import ConciergeCore
import Foundation
import ConciergeTestSupport
import Synchronization
import Testing

@Suite struct RunSignalsTests {
    @Test func aSignalBetweenRegisterAndWaitIsNotMissed() async {
        // Given a ticket registered before the (simulated) store read
        let signals = RunSignals()
        let ticket = signals.register("task_1", finishedOnly: true)
        // When the run finishes before the waiter starts waiting
        signals.signal("task_1", finished: true)
        // Then the wait returns signalled, and the ticket is spent
        #expect(await signals.wait(ticket, timeout: .seconds(60)))
        #expect(signals.waiting == 0)
    }

    @Test func theFinishedRunIsHandedToItsWaiterAndTheFirstSignalWins() async {
        // Given a waiter on a run
        let signals = RunSignals()
        let ticket = signals.register("task_1", finishedOnly: true)
        var cancelled = TaskRun(id: "task_1", request: TaskRequest(task: "t"), createdAt: Date(timeIntervalSince1970: 0))
        cancelled.status = .cancelled
        // When it is cancelled, and then its worker's late save (not stored) signals again without a run
        signals.signal("task_1", finished: true, run: cancelled)
        signals.signal("task_1", finished: true, run: nil)
        // Then the waiter gets the cancelled run from the first signal
        let woken = await signals.waitForRun(ticket, timeout: .seconds(60))
        #expect(woken.signalled && woken.run == cancelled)
        #expect(signals.waiting == 0)
    }

    @Test func progressWakesEventWaitersButNotFinishWaiters() async {
        let signals = RunSignals()
        let events = signals.register("task_1", finishedOnly: false)
        let finish = signals.register("task_1", finishedOnly: true)
        let other = signals.register("task_2", finishedOnly: false)
        signals.signal("task_1", finished: false)
        #expect(await signals.wait(events, timeout: .seconds(60)))
        #expect(!signals.remove(finish))
        #expect(!signals.remove(other))
        #expect(signals.waiting == 0)
    }

    @Test func aWaiterIsWokenWhileWaiting() async {
        let signals = RunSignals()
        let ticket = signals.register("task_1", finishedOnly: true)
        async let woken = signals.wait(ticket, timeout: .seconds(60))
        // (whether the waiter has parked yet or not, the signal reaches it)
        signals.signal("task_1", finished: true)
        #expect(await woken)
    }

    @Test func groupCommitWritesConcurrentInputsTogetherAndIsolatesAFailure() async throws {
        // Given a flush that fails any batch containing a negative number
        let batches = Mutex<[[Int]]>([])
        let commit = GroupCommit<Int, Int> { inputs in
            batches.withLock { $0.append(inputs) }
            if inputs.contains(where: { $0 < 0 }) { throw CancellationError() }
            return inputs.map { $0 * 10 }
        }
        // When many callers submit at once, one of them bad
        let results = await withTaskGroup(of: (Int, Int?).self) { group in
            for input in [-1] + Array(1...50) { group.addTask { (input, try? await commit.submit(input)) } }
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        // Then every good input is written exactly as given, the bad one fails alone
        #expect(results[-1]! == nil)
        for input in 1...50 { #expect(results[input]! == input * 10) }
        #expect(batches.withLock { $0.flatMap { $0 }.filter { $0 == 7 }.count } >= 1)
    }

    @Test func aCancelledLeaderDoesNotFailTheInputsItWritesFor() async throws {
        // Given a flush that fails in a cancelled task, and whose first call waits for a gate
        let (gate, open) = AsyncStream<Void>.makeStream()
        let calls = Mutex(0)
        let commit = GroupCommit<Int, Int> { inputs in
            if calls.withLock({ $0 += 1; return $0 }) == 1 { for await _ in gate { break } }
            try Task.checkCancellation()
            return inputs
        }
        // When a first write is in progress, B queues first (so it will lead the next batch), then C and D
        let first = Task { try await commit.submit(1) }
        #expect(await eventually { calls.withLock { $0 } == 1 })
        let b = Task { try await commit.submit(2) }
        #expect(await eventually { commit.queued == 1 })
        let others = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for input in [3, 4] { group.addTask { try await commit.submit(input) } }
                return try await group.reduce(0, +)
            }
        }
        #expect(await eventually { commit.queued == 3 })
        // and B is cancelled before it leads
        b.cancel()
        open.yield()
        // Then the batch B leads is written regardless: C's and D's writes succeed
        #expect(try await first.value == 1)
        #expect(try await others.value == 7)
        _ = try? await b.value
    }
}
