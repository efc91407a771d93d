import ConciergeCore
import Logging
import ServiceLifecycle

/// Writes the queued ledger rows one `interval` after the first of them was queued, or as soon as the ledger's batch
/// of rows is queued if that comes first, and everything still queued once graceful shutdown has drained the HTTP
/// server and the workers (it is listed before them, so it stops after them).
struct LedgerFlusher: Service {
    let ledger: WriteBehindLedger
    let interval: Duration
    let metrics: LedgerMetrics
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await cancelWhenGracefulShutdown { await waitForWork() }
            await flush()
        }
        // Shutdown: keep trying a little while the store is still open, then say what is lost.
        for _ in 0..<3 where ledger.pending != (0, 0) { await flush() }
        let left = ledger.pending
        if left.rows > 0 {
            logger.error("Ledger rows lost at shutdown", metadata: ["llm.ledger.rows": .stringConvertible(left.rows)])
        }
    }

    /// Nothing while nothing is queued (an idle server does not tick); then the tick or the batch, whichever comes
    /// first, so a row waits at most one interval.
    func waitForWork() async {
        await ledger.waitForWork()
        guard !Task.isCancelled else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [interval] in try? await Task.sleep(for: interval) }
            group.addTask { [ledger] in await ledger.waitForBatch() }
            await group.next()
            group.cancelAll()
        }
    }

    func flush() async {
        let queued = ledger.pending.rows
        metrics.queued(rows: queued)
        let start = ContinuousClock.now
        defer { metrics.queued(rows: ledger.pending.rows) }
        do {
            try await ledger.flush()
            if queued > 0 { metrics.wrote(in: ContinuousClock.now - start) }
        } catch {
            metrics.failed()
            logger.error(
                "Ledger write failed", metadata: ["llm.ledger.rows": .stringConvertible(ledger.pending.rows), "error.type": .string(String(describing: type(of: error)))]
            )
        }
    }
}
