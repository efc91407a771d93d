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

    @Test func waitingForABatchEndsWhenItsRowsAreQueuedOrOnCancel() async throws {
        let ledger = WriteBehindLedger(FlakyLedger(), budgets: nil, batchRows: 3)
        // Given the flusher waiting, two rows do not wake it and the third does
        let returned = Mutex(false)
        let waiter = Task {
            await ledger.waitForBatch()
            returned.withLock { $0 = true }
        }
        try await ledger.record([LedgerContractTests.row("a", at: Self.now), LedgerContractTests.row("b", at: Self.now)])
        for _ in 0..<200 { await Task.yield() }
        #expect(!returned.withLock { $0 })
        try await ledger.record(LedgerContractTests.row("c", at: Self.now))
        #expect(await eventually { returned.withLock { $0 } })
        waiter.cancel()  // frees a waiter the third row failed to wake
        await waiter.value
        // With the batch already queued it returns at once; with fewer rows, a cancel ends the wait
        await ledger.waitForBatch()
        try await ledger.flush()
        let cancelled = Task { await ledger.waitForBatch() }
        cancelled.cancel()
        await cancelled.value
        #expect(ledger.pending.rows == 0)
    }

    @Test func waitingForWorkEndsWhenARowOrAReleaseIsQueuedOrOnCancel() async throws {
        let ledger = WriteBehindLedger(FlakyLedger(), budgets: nil, batchRows: 3)
        // Given the flusher waiting on an empty queue, nothing wakes it until a release is queued
        let firstWoke = Mutex(false)
        let first = Task {
            await ledger.waitForWork()
            firstWoke.withLock { $0 = true }
        }
        for _ in 0..<200 { await Task.yield() }
        #expect(!firstWoke.withLock { $0 })
        ledger.releaseAfterDurable("res-1")
        #expect(await eventually { firstWoke.withLock { $0 } })
        first.cancel()  // frees a waiter the release failed to wake
        await first.value
        // And, once that is written, the next wait ends with the first row (one row, below the batch)
        try await ledger.flush()
        let secondWoke = Mutex(false)
        let second = Task {
            await ledger.waitForWork()
            secondWoke.withLock { $0 = true }
        }
        for _ in 0..<200 { await Task.yield() }
        #expect(!secondWoke.withLock { $0 })
        try await ledger.record(LedgerContractTests.row("a", at: Self.now))
        #expect(await eventually { secondWoke.withLock { $0 } })
        second.cancel()
        await second.value
        // With work queued it returns at once; on an empty queue a cancel ends the wait
        await ledger.waitForWork()
        try await ledger.flush()
        let cancelled = Task { await ledger.waitForWork() }
        cancelled.cancel()
        await cancelled.value
        #expect(ledger.pending == (0, 0))
    }
}
