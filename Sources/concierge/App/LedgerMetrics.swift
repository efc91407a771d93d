import ConciergeCore
import CoreMetrics

/// The write-behind ledger's metrics: how long each write of queued rows takes, how many rows wait (as of the start
/// and the end of the last write), and how many writes failed. A write that keeps taking longer, or a queue that keeps
/// growing, is a ledger falling behind its calls (docs/operations.md, "Ledger writes").
struct LedgerMetrics: Sendable {
    static let writeDuration = "concierge_llm_ledger_write_seconds"
    static let queuedRows = "concierge_llm_ledger_queued_rows"
    static let writeFailures = "concierge_llm_ledger_write_failures_total"

    private let duration: Timer
    private let queued: Gauge
    private let failures: Counter

    init(factory: any MetricsFactory) {
        duration = Timer(label: Self.writeDuration, dimensions: [], factory: factory)
        queued = Gauge(label: Self.queuedRows, dimensions: [], factory: factory)
        failures = Counter(label: Self.writeFailures, dimensions: [], factory: factory)
    }

    /// `rows` rows are queued (at a write's start and end).
    func queued(rows: Int) { queued.record(rows) }
    func wrote(in elapsed: Duration) { duration.recordNanoseconds(elapsed.nanoseconds) }
    func failed() { failures.increment() }
}
