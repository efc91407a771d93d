public import Foundation

/// The answer of a rate-limit check, with what the `RateLimit-*` headers need.
public struct RateLimitDecision: Sendable, Hashable {
    public var allowed: Bool
    /// Units per minute.
    public var limit: Int
    public var remaining: Int
    /// Seconds until the bucket is full again.
    public var resetSeconds: Double
    /// Seconds to wait before the refused request could pass; 0 when allowed.
    public var retryAfterSeconds: Double

    public init(allowed: Bool, limit: Int, remaining: Int, resetSeconds: Double, retryAfterSeconds: Double) {
        self.allowed = allowed
        self.limit = limit
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// GCRA (generic cell rate algorithm) over a one-minute window: a bucket is one number, its theoretical arrival
/// time (TAT). `limit` units may be spent at once; they come back at `limit` per minute.
public enum GCRA {
    public static let window = 60.0

    /// Seconds one unit occupies.
    public static func increment(limit: Int) -> Double { window / Double(max(limit, 1)) }

    /// The decision given the bucket's TAT after the attempt (`tat`, epoch seconds) and whether the store admitted it.
    public static func decision(allowed: Bool, tat: Double, now: Double, cost: Int, limit: Int) -> RateLimitDecision {
        let unit = increment(limit: limit)
        let used = max(tat - now, 0)
        let remaining = max(Int(((window - used) / unit).rounded(.down)), 0)
        let retry = allowed ? 0 : max(max(tat, now) + Double(cost) * unit - now - window, 0)
        return RateLimitDecision(allowed: allowed, limit: limit, remaining: remaining, resetSeconds: used, retryAfterSeconds: retry)
    }
}

/// Shared rate-limit state (migration 5, `rate_limits`). In the database, so every replica sees the same buckets.
/// Each call is one atomic statement: concurrent callers on any replica can never together pass more than the limit.
public protocol RateLimitStore: Sendable {
    /// Spends `cost` units of `bucket` when they fit under `limit` per minute.
    func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision
}
