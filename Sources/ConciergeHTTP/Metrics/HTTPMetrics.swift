public import CoreMetrics
import HTTPTypes
import Synchronization

/// The HTTP server's metrics, with handles cached per (method, route, status) so a request does one dictionary lookup.
public final class HTTPMetrics: Sendable {
    public static let requestsTotal = "concierge_http_requests_total"
    public static let requestDuration = "concierge_http_request_duration_seconds"
    public static let requestsInFlight = "concierge_http_requests_in_flight"

    struct Key: Hashable {
        let method: HTTPRequest.Method
        let route: String
        let status: Int
    }

    struct Handles: Sendable {
        let counter: Counter
        let timer: Timer
    }

    private let factory: any MetricsFactory
    private let handles = Mutex<[Key: Handles]>([:])
    let inFlight: Gauge
    private let inFlightCount = Atomic<Int>(0)

    public init(factory: any MetricsFactory) {
        self.factory = factory
        self.inFlight = Gauge(label: Self.requestsInFlight, factory: factory)
        self.inFlight.record(0)
    }

    /// Requests being handled right now.
    public var currentInFlight: Int { inFlightCount.load(ordering: .relaxed) }

    func requestStarted() {
        let value = inFlightCount.add(1, ordering: .relaxed).newValue
        inFlight.record(value)
    }

    func requestFinished(method: HTTPRequest.Method, route: String, status: Int, nanoseconds: UInt64) {
        let value = inFlightCount.subtract(1, ordering: .relaxed).newValue
        inFlight.record(value)
        let key = Key(method: method, route: route, status: status)
        let handles = handles.withLock { cache in
            if let existing = cache[key] { return existing }
            let dimensions = [("method", method.rawValue), ("route", route), ("status", String(status))]
            let created = Handles(
                counter: Counter(label: Self.requestsTotal, dimensions: dimensions, factory: factory),
                timer: Timer(label: Self.requestDuration, dimensions: [("method", method.rawValue), ("route", route)], factory: factory)
            )
            cache[key] = created
            return created
        }
        handles.counter.increment()
        handles.timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }
}
