public import ConciergeCore
public import Foundation
import GRDB

/// GCRA buckets in the SQLite file: one UPSERT per check, serialised by SQLite's single writer.
extension SQLiteStore: RateLimitStore {
    public func consume(bucket: String, cost: Int, limit: Int, now: Date) async throws -> RateLimitDecision {
        try await pool.write { db in try Self.consume(db, RateCharge(bucket: bucket, cost: cost, limit: limit), now: now) }
    }

    /// One charge inside the caller's write transaction (statements cached per connection: compiled once).
    static func consume(_ db: Database, _ charge: RateCharge, now: Date) throws -> RateLimitDecision {
        let seconds = now.timeIntervalSince1970
        let increment = Double(charge.cost) * GCRA.increment(limit: charge.limit)
        if charge.cost <= charge.limit {
            let upsert = try db.cachedStatement(sql: """
                INSERT INTO rate_limits (bucket, tat) VALUES (?1, ?2 + ?3)
                ON CONFLICT (bucket) DO UPDATE SET tat = max(rate_limits.tat, ?2) + ?3
                WHERE max(rate_limits.tat, ?2) + ?3 - ?2 <= ?4
                RETURNING tat
                """)
            if let tat = try Double.fetchOne(upsert, arguments: [charge.bucket, seconds, increment, GCRA.window]) {
                return GCRA.decision(allowed: true, tat: tat, now: seconds, cost: charge.cost, limit: charge.limit)
            }
        }
        let select = try db.cachedStatement(sql: "SELECT tat FROM rate_limits WHERE bucket = ?")
        let tat = try Double.fetchOne(select, arguments: [charge.bucket]) ?? seconds
        return GCRA.decision(allowed: false, tat: tat, now: seconds, cost: charge.cost, limit: charge.limit)
    }
}
