public import ConciergeCore
public import Foundation
import GRDB

/// Budget reservations in the SQLite file. SQLite has one writer, so check-and-reserve in one write is atomic.
extension SQLiteStore: BudgetStore {
    public func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {
        try await pool.write { db in try Self.reserve(db, reservation, windows: windows, now: now, reservationTTL: reservationTTL) }
    }

    /// Check-and-reserve inside the caller's write transaction; throws ``BudgetExceeded`` and stores nothing when over.
    static func reserve(_ db: Database, _ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) throws {
        let open = try db.cachedStatement(
            sql: "SELECT COALESCE(SUM(amount_micro_usd), 0) FROM budget_reservations WHERE caller_id = ? AND created_at >= ?"
        )
        let reserved = try Int64.fetchOne(open, arguments: [reservation.callerID, now.timeIntervalSince1970 - reservationTTL]) ?? 0
        for window in windows {
            let spent = try Self.spent(db, callerID: reservation.callerID, since: window.start)
            let committed = spent + reserved
            if committed + reservation.amount.value > window.limit.value {
                throw BudgetExceeded(window: window, committed: MicroUSD(committed), requested: reservation.amount)
            }
        }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO budget_reservations (id, caller_id, amount_micro_usd, created_at) VALUES (?, ?, ?, ?)"
        )
        try insert.execute(arguments: [reservation.id, reservation.callerID, reservation.amount.value, now.timeIntervalSince1970])
    }

    public func release(_ reservationID: String) async throws {
        try await release([reservationID])
    }

    public func release(_ reservationIDs: [String]) async throws {
        guard !reservationIDs.isEmpty else { return }
        try await pool.write { db in try Self.release(db, reservationIDs) }
    }

    /// Drops reservations inside the caller's write transaction.
    static func release(_ db: Database, _ reservationIDs: [String]) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM budget_reservations WHERE id = ?")
        for id in reservationIDs { try statement.execute(arguments: [id]) }
    }

    public func spent(callerID: String, since: Date) async throws -> MicroUSD {
        try await readAside { db in MicroUSD(try Self.spent(db, callerID: callerID, since: since)) }
    }

    /// From the per-day sums when `since` is a UTC midnight (every budget window starts at one), else from the ledger.
    private static func spent(_ db: Database, callerID: String, since: Date) throws -> Int64 {
        if BudgetSpend.isDayStart(since) {
            let statement = try db.cachedStatement(
                sql: "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM budget_spend WHERE caller_id = ? AND day >= ?"
            )
            return try Int64.fetchOne(statement, arguments: [callerID, BudgetSpend.day(since)]) ?? 0
        }
        let statement = try db.cachedStatement(
            sql: "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_ledger WHERE caller_id = ? AND created_at >= ?"
        )
        return try Int64.fetchOne(statement, arguments: [callerID, since.timeIntervalSince1970]) ?? 0
    }
}
