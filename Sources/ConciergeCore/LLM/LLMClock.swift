/// Time as the router sees it, so tests drive backoff and breaker cool-downs without sleeping.
public protocol LLMClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    /// Waits (backoff); throws `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemLLMClock: LLMClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
