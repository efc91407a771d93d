import ConciergeCore
public import CoreMetrics
import Synchronization

/// The queue's metrics, created with an injected factory. Labels are queue names and outcomes only.
public final class JobMetrics: Sendable {
    static let waiting = "concierge_jobs_waiting"
    static let active = "concierge_jobs_active"
    static let dead = "concierge_jobs_dead"
    static let total = "concierge_jobs_total"
    static let duration = "concierge_job_duration_seconds"
    static let wait = "concierge_job_wait_seconds"

    /// How an attempt ended, as the `outcome` label of `concierge_jobs_total`.
    enum Outcome: String {
        case completed, failed, dead, cancelled
        case leaseLost = "lease_lost"
        case released
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func count(queue: String, outcome: Outcome) {
        let key = "\(queue)\u{0}\(outcome.rawValue)"
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: Self.total, dimensions: [("queue", queue), ("outcome", outcome.rawValue)], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    func recordDuration(queue: String, _ duration: Duration) { timer(Self.duration, queue).recordNanoseconds(duration.nanoseconds) }
    func recordWait(queue: String, _ duration: Duration) { timer(Self.wait, queue).recordNanoseconds(duration.nanoseconds) }

    /// Sets the waiting, active and dead gauges from fresh counts.
    func update(_ counts: [QueueCounts]) {
        for count in counts {
            gauge(Self.waiting, count.queue).record(count.waiting)
            gauge(Self.active, count.queue).record(count.active)
            gauge(Self.dead, count.queue).record(count.dead)
        }
    }

    private func timer(_ label: String, _ queue: String) -> Timer {
        timers.withLock { timers in
            let key = "\(label)\u{0}\(queue)"
            if let timer = timers[key] { return timer }
            let timer = Timer(label: label, dimensions: [("queue", queue)], factory: factory)
            timers[key] = timer
            return timer
        }
    }

    private func gauge(_ label: String, _ queue: String) -> Gauge {
        gauges.withLock { gauges in
            let key = "\(label)\u{0}\(queue)"
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: [("queue", queue)], factory: factory)
            gauges[key] = gauge
            return gauge
        }
    }
}
