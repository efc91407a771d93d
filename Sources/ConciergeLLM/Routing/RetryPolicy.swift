/// How often and how long the router waits before trying a deployment again.
public struct RetryPolicy: Sendable {
    /// Retries per deployment after the first attempt.
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// A `Retry-After` longer than this is not waited for: the router falls back instead.
    public var maxRetryAfter: Duration
    /// A number in 0..<1; tests pin it.
    public var random: @Sendable () -> Double

    public init(
        maxRetries: Int = 2, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(8),
        maxRetryAfter: Duration = .seconds(30), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.random = random
    }

    /// The pause before retry number `retry` (0 for the first retry): exponential backoff with "equal jitter"
    /// (half fixed, half random), or the provider's `Retry-After` when it asks for longer.
    /// Nil means do not retry this deployment (the provider asks for a longer wait than we accept).
    public func delay(beforeRetry retry: Int, retryAfter: Duration?) -> Duration? {
        if let retryAfter, retryAfter > maxRetryAfter { return nil }
        let exponential = min(baseDelay * (1 << min(retry, 20)), maxDelay)
        let jittered = exponential / 2 + (exponential / 2) * random()
        guard let retryAfter else { return jittered }
        return max(retryAfter, jittered)
    }
}
