public import ConciergeCore
import Synchronization

/// A per-deployment circuit breaker: opens after `failureThreshold` consecutive provider-side failures, lets one
/// probe through after `coolDown`, and closes when the probe succeeds.
public final class CircuitBreaker: Sendable {
    public enum State: String, Sendable {
        case closed, open
        case halfOpen = "half_open"
    }

    private struct Storage {
        var state = State.closed
        var consecutiveFailures = 0
        var openedAt = Duration.zero
        var probeInFlight = false
    }

    public let failureThreshold: Int
    public let coolDown: Duration
    private let clock: any LLMClock
    private let storage = Mutex(Storage())
    private let onChange: @Sendable (State) -> Void

    public init(failureThreshold: Int, coolDown: Duration, clock: any LLMClock, onChange: @escaping @Sendable (State) -> Void = { _ in }) {
        self.failureThreshold = max(failureThreshold, 1)
        self.coolDown = coolDown
        self.clock = clock
        self.onChange = onChange
    }

    /// The state now (an open breaker past its cool-down reads as half-open).
    public var state: State {
        storage.withLock { storage in
            if storage.state == .open, clock.now() - storage.openedAt >= coolDown { return .halfOpen }
            return storage.state
        }
    }

    /// Whether a call may go to the deployment now. In half-open state only one probe is admitted at a time.
    public func admit() -> Bool {
        let (admitted, changed) = storage.withLock { storage -> (Bool, State?) in
            switch storage.state {
            case .closed:
                return (true, nil)
            case .open:
                guard clock.now() - storage.openedAt >= coolDown else { return (false, nil) }
                storage.state = .halfOpen
                storage.probeInFlight = true
                return (true, .halfOpen)
            case .halfOpen:
                guard !storage.probeInFlight else { return (false, nil) }
                storage.probeInFlight = true
                return (true, nil)
            }
        }
        if let changed { onChange(changed) }
        return admitted
    }

    public func recordSuccess() {
        let changed = storage.withLock { storage -> State? in
            storage.consecutiveFailures = 0
            storage.probeInFlight = false
            guard storage.state != .closed else { return nil }
            storage.state = .closed
            return .closed
        }
        if let changed { onChange(changed) }
    }

    public func recordFailure() {
        let changed = storage.withLock { storage -> State? in
            storage.consecutiveFailures += 1
            storage.probeInFlight = false
            let shouldOpen = storage.state == .halfOpen || storage.consecutiveFailures >= failureThreshold
            guard shouldOpen else { return nil }
            let wasOpen = storage.state == .open
            storage.state = .open
            storage.openedAt = clock.now()
            return wasOpen ? nil : .open
        }
        if let changed { onChange(changed) }
    }

    /// A call that was admitted ended without telling anything about the deployment's health (cancelled, bad request).
    public func recordNeutral() {
        storage.withLock { $0.probeInFlight = false }
    }
}
