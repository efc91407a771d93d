public import ConciergeCore
public import Foundation
import GRDB

/// GCRA buckets in the SQLite file: one UPSERT per check, serialised by SQLite's single writer.
extension SQLiteStore: RateLimitStore {
    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        let seconds = now.timeIntervalSince1970
        let increment = Double(cost) * GCRA.increment(limit: limit)
        return try await pool.write { db in
            if cost <= limit,
                let tat = try Double.fetchOne(
                    db,
                    sql: """
                        INSERT INTO rate_limits (bucket, tat) VALUES (?1, ?2 + ?3)
                        ON CONFLICT (bucket) DO UPDATE SET tat = max(rate_limits.tat, ?2) + ?3
                        WHERE max(rate_limits.tat, ?2) + ?3 - ?2 <= ?4
                        RETURNING tat
                        """,
                    arguments: [bucket, seconds, increment, GCRA.window]
                )
            {
                return GCRA.decision(allowed: true, tat: tat, now: seconds, cost: cost, limit: limit)
            }
            let tat = try Double.fetchOne(db, sql: "SELECT tat FROM rate_limits WHERE bucket = ?", arguments: [bucket]) ?? seconds
            return GCRA.decision(allowed: false, tat: tat, now: seconds, cost: cost, limit: limit)
        }
    }
}
