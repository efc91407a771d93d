/// Readiness check that pings the store, bounded by a timeout so a dead database answers "failing" quickly.
public struct DatabaseHealthCheck: HealthCheck {
    public let name = "database"
    let store: any Store
    let timeout: Duration

    public init(store: any Store, timeout: Duration = .seconds(2)) {
        self.store = store
        self.timeout = timeout
    }

    public func check() async -> HealthCheckResult {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await withDeadline(timeout) { try await store.ping() }
            return .ok(latencyMilliseconds: (clock.now - start).inMilliseconds)
        } catch is DeadlineExceeded {
            return .failing("database did not answer within \(timeout.inMilliseconds) ms", latencyMilliseconds: (clock.now - start).inMilliseconds)
        } catch {
            return .failing(StoreError.describe(error), latencyMilliseconds: (clock.now - start).inMilliseconds)
        }
    }
}
