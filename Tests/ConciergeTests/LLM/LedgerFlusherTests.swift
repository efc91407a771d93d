@testable import concierge
import ConciergeCore
import ConciergeTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// The flusher writes on its tick, or as soon as a batch of rows waits.
@Suite struct LedgerFlusherTests {
    @Test func aQueuedBatchIsWrittenBeforeTheTick() async throws {
        // Given a flusher whose tick is an hour away, over a ledger whose batch is 4 rows
        let base = WriteBehindLedgerTests.FlakyLedger()
        let ledger = WriteBehindLedger(base, budgets: nil, batchRows: 4)
        let flusher = LedgerFlusher(ledger: ledger, interval: .seconds(3600), logger: WriteBehindLedgerTests.logger)
        let running = Task { try await flusher.run() }
        // When 3 rows are queued nothing is written; the 4th makes the batch, which is written in one write
        try await ledger.record((0..<3).map { LedgerContractTests.row("r\($0)", at: WriteBehindLedgerTests.now) })
        for _ in 0..<200 { await Task.yield() }
        #expect(base.writes.withLock { $0 } == 0)
        try await ledger.record(LedgerContractTests.row("r3", at: WriteBehindLedgerTests.now))
        #expect(await eventually { base.writes.withLock { $0 } == 1 })
        #expect(try await base.records(UsageQuery()).count == 4)
        // And a stop writes what is still queued, below a batch
        try await ledger.record(LedgerContractTests.row("r4", at: WriteBehindLedgerTests.now))
        running.cancel()
        try await running.value
        #expect(try await base.records(UsageQuery()).count == 5)
    }
}
