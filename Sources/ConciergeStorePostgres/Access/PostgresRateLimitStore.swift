public import ConciergeCore
public import Foundation
import PostgresNIO

/// GCRA buckets in PostgreSQL: one atomic UPSERT per check, so the limit holds across every replica.
/// Replicas pass their own clock; keep them in NTP sync (a skew of s seconds shifts a bucket by s).
extension PostgresStore: RateLimitStore {
    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        try await client.withConnection { connection in
            try await Self.consume(connection, RateCharge(bucket: bucket, cost: cost, limit: limit), now: now, logger: logger)
        }
    }

    /// One charge on `connection` (inside the caller's transaction when it has one).
    static func consume(_ connection: PostgresConnection, _ charge: RateCharge, now: Date, logger: Logger) async throws -> RateLimitDecision {
        let seconds = now.timeIntervalSince1970
        let increment = Double(charge.cost) * GCRA.increment(limit: charge.limit)
        let window = GCRA.window
        let bucket = charge.bucket
        if charge.cost <= charge.limit {
            let rows = try await connection.query(
                """
                INSERT INTO rate_limits (bucket, tat) VALUES (\(bucket), \(seconds + increment))
                ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(rate_limits.tat, \(seconds)) + \(increment)
                WHERE GREATEST(rate_limits.tat, \(seconds)) + \(increment) - \(seconds) <= \(window)
                RETURNING tat
                """,
                logger: logger
            )
            for try await tat in rows.decode(Double.self) {
                return GCRA.decision(allowed: true, tat: tat, now: seconds, cost: charge.cost, limit: charge.limit)
            }
        }
        var tat = seconds
        for try await value in try await connection.query("SELECT tat FROM rate_limits WHERE bucket = \(bucket)", logger: logger).decode(Double.self) {
            tat = value
        }
        return GCRA.decision(allowed: false, tat: tat, now: seconds, cost: charge.cost, limit: charge.limit)
    }
}
