import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct WriteBehindLedgerTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A ledger that can be made to fail, over an in-memory one.
    final class FlakyLedger: UsageLedger {
        let base = InMemoryUsageLedger()
        let failing = Mutex(false)
        let writes = Mutex(0)
        func record(_ records: [UsageRecord]) async throws {
            if failing.withLock({ $0 }) { throw StoreError.unavailable("down") }
            writes.withLock { $0 += 1 }
            try await base.record(records)
        }
        func records(_ query: UsageQuery) async throws -> [UsageRecord] { try await base.records(query) }
        func totals(since: Date?) async throws -> UsageTotals { try await base.totals(since: since) }
    }

    @Test func rowsAreWrittenByTheFlushInOneBatch() async throws {
        // Given 300 concurrent calls recording their rows
        let base = FlakyLedger()
        let ledger = WriteBehindLedger(base, budgets: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<300 { group.addTask { try await ledger.record(LedgerContractTests.row("r\(index)", at: Self.now)) } }
            try await group.waitForAll()
        }
        // Then nothing is written until the flush, which writes every row exactly once in one write
        #expect(try await base.records(UsageQuery()).isEmpty)
        #expect(ledger.pending.rows == 300)
        try await ledger.flush()
        let rows = try await base.records(UsageQuery(limit: 10_000))
        #expect(rows.count == 300 && Set(rows.compactMap(\.requestID)).count == 300)
        #expect(base.writes.withLock { $0 } == 1)
        #expect(ledger.pending.rows == 0)
    }

    @Test func aFailedFlushKeepsItsRowsAndReleasesForTheNextOne() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Self.logger)
            _ = try await store.migrate()
            let base = FlakyLedger()
            let ledger = WriteBehindLedger(base, budgets: store)
            // Given a reserved call whose row is queued, and a store that fails
            let reservation = BudgetReservation(callerID: "k1", amount: MicroUSD(500))
            let window = BudgetWindow(name: "day", start: Self.now.addingTimeInterval(-60), resetsAt: Self.now.addingTimeInterval(3600), limit: MicroUSD(1000))
            try await store.reserve(reservation, windows: [window], now: Self.now, reservationTTL: 900)
            try await ledger.record(LedgerContractTests.row("r1", at: Self.now))
            ledger.releaseAfterDurable(reservation.id)
            base.failing.withLock { $0 = true }
            // When the flush fails, the reservation still holds (a second 600 does not fit) and the work is kept
            await #expect(throws: StoreError.self) { try await ledger.flush() }
            #expect(ledger.pending.rows == 1 && ledger.pending.releases == 1)
            await #expect(throws: BudgetExceeded.self) {
                try await store.reserve(BudgetReservation(callerID: "k1", amount: MicroUSD(600)), windows: [window], now: Self.now, reservationTTL: 900)
            }
            // Then once the store is back, the row is written and only then the reservation released
            base.failing.withLock { $0 = false }
            try await ledger.flush()
            #expect(ledger.pending.rows == 0 && ledger.pending.releases == 0)
            #expect(try await base.records(UsageQuery()).count == 1)
            try await store.reserve(BudgetReservation(callerID: "k1", amount: MicroUSD(600)), windows: [window], now: Self.now, reservationTTL: 900)
            try await store.close()
        }
    }

    @Test func aFullQueueMakesCallersWaitForTheFlush() async throws {
        // Given a queue of 2 rows, already full
        let base = FlakyLedger()
        let ledger = WriteBehindLedger(base, budgets: nil, capacity: 2)
        try await ledger.record([LedgerContractTests.row("a", at: Self.now), LedgerContractTests.row("b", at: Self.now)])
        // When a third call records, it waits; the flush makes room and its row is queued
        let third = Task { try await ledger.record(LedgerContractTests.row("c", at: Self.now)) }
        #expect(await eventually { ledger.pending.rows == 2 })
        try await ledger.flush()
        try await third.value
        #expect(ledger.pending.rows == 1)
        try await ledger.flush()
        #expect(try await base.records(UsageQuery()).count == 3)
    }

    /// A flusher's wait running in its own task, and whether it has returned.
    final class Waiter: Sendable {
        private let returned = Mutex(false)
        private let task = Mutex<Task<Void, Never>?>(nil)

        init(_ wait: @escaping @Sendable () async -> Void) {
            let started = Task { [self] in
                await wait()
                returned.withLock { $0 = true }
            }
            task.withLock { $0 = started }
        }

        var hasReturned: Bool { returned.withLock { $0 } }

        /// Still waiting after every other task had 200 turns to run.
        func isStillWaiting() async -> Bool {
            for _ in 0..<200 { await Task.yield() }
            return !hasReturned
        }

        /// Cancels the wait (freeing a waiter nothing woke) and waits for its task.
        func end() async {
            let started = task.withLock { $0 }
            started?.cancel()
            await started?.value
        }
    }

    @Test func waitingForABatchEndsWhenItsRowsAreQueuedOrOnCancel() async throws {
        let ledger = WriteBehindLedger(FlakyLedger(), budgets: nil, batchRows: 3)
        // Given the flusher waiting, two rows do not wake it and the third does
        let waiter = Waiter { await ledger.waitForBatch() }
        try await ledger.record([LedgerContractTests.row("a", at: Self.now), LedgerContractTests.row("b", at: Self.now)])
        #expect(await waiter.isStillWaiting())
        try await ledger.record(LedgerContractTests.row("c", at: Self.now))
        #expect(await eventually { waiter.hasReturned })
        await waiter.end()
        // With the batch already queued it returns at once; with fewer rows, a cancel ends the wait
        try await Self.returnsAtOnceThenEndsOnCancel(ledger) { await ledger.waitForBatch() }
    }

    @Test func waitingForWorkEndsWhenARowOrAReleaseIsQueuedOrOnCancel() async throws {
        let ledger = WriteBehindLedger(FlakyLedger(), budgets: nil, batchRows: 3)
        // Given the flusher waiting on an empty queue, nothing wakes it until a release is queued
        let first = Waiter { await ledger.waitForWork() }
        #expect(await first.isStillWaiting())
        ledger.releaseAfterDurable("res-1")
        #expect(await eventually { first.hasReturned })
        await first.end()
        // And, once that is written, the next wait ends with the first row (one row, below the batch)
        try await ledger.flush()
        let second = Waiter { await ledger.waitForWork() }
        #expect(await second.isStillWaiting())
        try await ledger.record(LedgerContractTests.row("a", at: Self.now))
        #expect(await eventually { second.hasReturned })
        await second.end()
        // With work queued it returns at once; on an empty queue a cancel ends the wait
        try await Self.returnsAtOnceThenEndsOnCancel(ledger) { await ledger.waitForWork() }
    }

    /// `wait` returns at once while what it waits for is queued; after a flush, a cancel ends it.
    static func returnsAtOnceThenEndsOnCancel(_ ledger: WriteBehindLedger, _ wait: @escaping @Sendable () async -> Void) async throws {
        await wait()
        try await ledger.flush()
        let cancelled = Task { await wait() }
        cancelled.cancel()
        await cancelled.value
        #expect(ledger.pending == (0, 0))
    }
}
