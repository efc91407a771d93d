public import CoreMetrics
import ConciergeCore

/// The model layer's metrics, handles cached per label set.
public final class LLMMetrics: Sendable {
    public static let requestsTotal = "concierge_llm_requests_total"
    public static let requestDuration = "concierge_llm_request_duration_seconds"
    public static let timeToFirstToken = "concierge_llm_time_to_first_token_seconds"
    public static let tokensTotal = "concierge_llm_tokens_total"
    public static let costTotal = "concierge_llm_cost_usd_total"
    public static let quotaRemaining = "concierge_llm_quota_remaining"
    public static let circuitOpen = "concierge_llm_circuit_open"
    public static let cacheLookups = "concierge_llm_cache_lookups_total"

    private let counters: MetricHandleCache<Counter>
    private let floatCounters: MetricHandleCache<FloatingPointCounter>
    private let timers: MetricHandleCache<Timer>
    private let gauges: MetricHandleCache<Gauge>

    public init(factory: any MetricsFactory) {
        counters = MetricHandleCache { Counter(label: $0, dimensions: $1, factory: factory) }
        floatCounters = MetricHandleCache { FloatingPointCounter(label: $0, dimensions: $1, factory: factory) }
        timers = MetricHandleCache { Timer(label: $0, dimensions: $1, factory: factory) }
        gauges = MetricHandleCache { Gauge(label: $0, dimensions: $1, factory: factory) }
    }

    func attempt(deployment: String, model: String, outcome: UsageOutcome, duration: Duration, timeToFirstToken: Duration?) {
        counter(Self.requestsTotal, [("deployment", deployment), ("model", model), ("outcome", outcome.rawValue)]).increment()
        timer(Self.requestDuration, [("deployment", deployment), ("model", model)]).recordNanoseconds(duration.nanoseconds)
        if let timeToFirstToken {
            timer(Self.timeToFirstToken, [("deployment", deployment), ("model", model)]).recordNanoseconds(timeToFirstToken.nanoseconds)
        }
    }

    func quota(deployment: String, remaining: Int, type: String) {
        gauge(Self.quotaRemaining, [("deployment", deployment), ("type", type)]).record(remaining)
    }

    func circuit(deployment: String, open: Bool) {
        gauge(Self.circuitOpen, [("deployment", deployment)]).record(open ? 1 : 0)
    }

    func cacheLookup(hit: Bool) {
        counter(Self.cacheLookups, [("result", hit ? "hit" : "miss")]).increment()
    }

    func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter { counters.handle(label, dimensions) }

    func floatCounter(_ label: String, _ dimensions: [(String, String)]) -> FloatingPointCounter {
        floatCounters.handle(label, dimensions)
    }

    func timer(_ label: String, _ dimensions: [(String, String)]) -> Timer { timers.handle(label, dimensions) }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge { gauges.handle(label, dimensions) }
}
