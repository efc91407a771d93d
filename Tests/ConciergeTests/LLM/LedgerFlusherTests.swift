@testable import concierge
import ConciergeCore
import ConciergeTestSupport
import Foundation
import Logging
import Prometheus
import Synchronization
import Testing

/// The flusher writes on its tick, or as soon as a batch of rows waits.
@Suite struct LedgerFlusherTests {
    @Test func aQueuedBatchIsWrittenBeforeTheTick() async throws {
        // Given a flusher whose tick is an hour away, over a ledger whose batch is 4 rows
        let base = WriteBehindLedgerTests.FlakyLedger()
        let ledger = WriteBehindLedger(base, budgets: nil, batchRows: 4)
        let registry = PrometheusCollectorRegistry()
        let flusher = LedgerFlusher(
            ledger: ledger, interval: .seconds(3600), metrics: LedgerMetrics(factory: PrometheusMetricsFactory(registry: registry)),
            logger: WriteBehindLedgerTests.logger
        )
        let running = Task { try await flusher.run() }
        // When 3 rows are queued nothing is written; the 4th makes the batch, which is written in one write
        try await ledger.record((0..<3).map { LedgerContractTests.row("r\($0)", at: WriteBehindLedgerTests.now) })
        for _ in 0..<200 { await Task.yield() }
        #expect(base.writes.withLock { $0 } == 0)
        try await ledger.record(LedgerContractTests.row("r3", at: WriteBehindLedgerTests.now))
        #expect(await eventually { base.writes.withLock { $0 } == 1 })
        #expect(try await base.records(UsageQuery()).count == 4)
        // And the metrics show one write, and no rows queued after it
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_write_seconds_count 1\n"))
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_queued_rows 0"))
        // And a stop writes what is still queued, below a batch
        try await ledger.record(LedgerContractTests.row("r4", at: WriteBehindLedgerTests.now))
        running.cancel()
        try await running.value
        #expect(try await base.records(UsageQuery()).count == 5)
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_write_failures_total 0"))
    }

    @Test func aFailedWriteIsCounted() async throws {
        // Given a flusher over a ledger whose store is down
        let base = WriteBehindLedgerTests.FlakyLedger()
        base.failing.withLock { $0 = true }
        let ledger = WriteBehindLedger(base, budgets: nil)
        let registry = PrometheusCollectorRegistry()
        let flusher = LedgerFlusher(
            ledger: ledger, interval: .seconds(3600), metrics: LedgerMetrics(factory: PrometheusMetricsFactory(registry: registry)),
            logger: WriteBehindLedgerTests.logger
        )
        // When a flush of 2 rows fails
        try await ledger.record((0..<2).map { LedgerContractTests.row("r\($0)", at: WriteBehindLedgerTests.now) })
        await flusher.flush()
        // Then it is counted, the rows stay queued (and the gauge says so), and no write time is recorded
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_write_failures_total 1"))
        #expect(ledger.pending.rows == 2)
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_queued_rows 2"))
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_write_seconds_count 0\n"))
        // And the next flush, with the store back, writes them
        base.failing.withLock { $0 = false }
        await flusher.flush()
        #expect(ledger.pending.rows == 0)
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_write_seconds_count 1\n"))
        #expect(Self.metrics(registry).contains("concierge_llm_ledger_queued_rows 0"))
    }

    static func metrics(_ registry: PrometheusCollectorRegistry) -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
