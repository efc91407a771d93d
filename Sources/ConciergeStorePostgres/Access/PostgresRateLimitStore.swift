public import ConciergeCore
public import Foundation
import PostgresNIO

/// GCRA buckets in PostgreSQL: one atomic UPSERT per check, so the limit holds across every replica.
/// Replicas pass their own clock; keep them in NTP sync (a skew of s seconds shifts a bucket by s).
extension PostgresStore: RateLimitStore {
    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        let seconds = now.timeIntervalSince1970
        let increment = Double(cost) * GCRA.increment(limit: limit)
        let window = GCRA.window
        if cost <= limit {
            let rows = try await client.query(
                """
                INSERT INTO rate_limits (bucket, tat) VALUES (\(bucket), \(seconds + increment))
                ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(rate_limits.tat, \(seconds)) + \(increment)
                WHERE GREATEST(rate_limits.tat, \(seconds)) + \(increment) - \(seconds) <= \(window)
                RETURNING tat
                """,
                logger: logger
            )
            for try await tat in rows.decode(Double.self) {
                return GCRA.decision(allowed: true, tat: tat, now: seconds, cost: cost, limit: limit)
            }
        }
        var tat = seconds
        for try await value in try await client.query("SELECT tat FROM rate_limits WHERE bucket = \(bucket)", logger: logger).decode(Double.self) {
            tat = value
        }
        return GCRA.decision(allowed: false, tat: tat, now: seconds, cost: cost, limit: limit)
    }
}
