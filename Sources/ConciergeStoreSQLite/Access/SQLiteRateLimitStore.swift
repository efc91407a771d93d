public import ConciergeCore
public import Foundation
import GRDB

/// GCRA buckets in the SQLite file: one UPSERT per check, serialised by SQLite's single writer.
extension SQLiteStore: BatchRateLimitStore {
    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        try await consume([RateLimitCheck(bucket: bucket, cost: cost, limit: limit, now: now)])[0]
    }

    public func consume(_ checks: [RateLimitCheck]) async throws -> [RateLimitDecision] {
        try await pool.write { db in try checks.map { try Self.consume($0, db) } }
    }

    private static func consume(_ check: RateLimitCheck, _ db: Database) throws -> RateLimitDecision {
        let seconds = check.now.timeIntervalSince1970
        let increment = Double(check.cost) * GCRA.increment(limit: check.limit)
        if check.cost <= check.limit,
            let tat = try Double.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO rate_limits (bucket, tat) VALUES (?1, ?2 + ?3)
                        ON CONFLICT (bucket) DO UPDATE SET tat = max(rate_limits.tat, ?2) + ?3
                        WHERE max(rate_limits.tat, ?2) + ?3 - ?2 <= ?4
                        RETURNING tat
                        """
                ),
                arguments: [check.bucket, seconds, increment, GCRA.window]
            )
        {
            return GCRA.decision(allowed: true, tat: tat, now: seconds, cost: check.cost, limit: check.limit)
        }
        let tat =
            try Double.fetchOne(db.cachedStatement(sql: "SELECT tat FROM rate_limits WHERE bucket = ?"), arguments: [check.bucket]) ?? seconds
        return GCRA.decision(allowed: false, tat: tat, now: seconds, cost: check.cost, limit: check.limit)
    }
}
