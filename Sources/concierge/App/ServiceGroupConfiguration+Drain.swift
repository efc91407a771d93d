import ServiceLifecycle

extension ServiceGroupConfiguration {
    /// Bounds the whole graceful shutdown by the drain timeout; past it, remaining work is cancelled.
    func withShutdownBound(seconds: Double) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int64(seconds * 1000))
        return copy
    }
}
