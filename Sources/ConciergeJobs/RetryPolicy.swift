import ConciergeCore
import Foundation

/// Exponential backoff with jitter between attempts: `base × factor^(attempt-1)`, capped at `maximum`, then
/// "equal jitter" (a random point in the upper half), so retries of a failed batch spread out.
public struct RetryPolicy: Sendable, Equatable {
    public var base: Duration
    public var factor: Double
    public var maximum: Duration
    public var jitter: Bool

    public init(base: Duration = .seconds(1), factor: Double = 2, maximum: Duration = .seconds(300), jitter: Bool = true) {
        self.base = base
        self.factor = max(1, factor)
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay before the attempt after `attempt` (1 for the first).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let seconds = min(base.inSeconds * pow(factor, exponent), maximum.inSeconds)
        let jittered = jitter ? seconds / 2 + Double.random(in: 0...(seconds / 2)) : seconds
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }
}
