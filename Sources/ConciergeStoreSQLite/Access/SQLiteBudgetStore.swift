public import ConciergeCore
public import Foundation
import GRDB

/// Budget reservations in the SQLite file. SQLite has one writer, so check-and-reserve in one write is atomic.
extension SQLiteStore: BatchBudgetStore {
    public func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {
        let check = BudgetCheck(reservation: reservation, windows: windows, now: now, reservationTTL: reservationTTL)
        if let exceeded = try await reserve([check])[0] { throw exceeded }
    }

    public func reserve(_ checks: [BudgetCheck]) async throws -> [BudgetExceeded?] {
        try await pool.write { db in try checks.map { try Self.reserve($0, db) } }
    }

    /// Stores the reservation when it fits every window; else returns the window it would exceed.
    private static func reserve(_ check: BudgetCheck, _ db: Database) throws -> BudgetExceeded? {
        let reservation = check.reservation
        let reserved =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT COALESCE(SUM(amount_micro_usd), 0) FROM budget_reservations WHERE caller_id = ? AND created_at >= ?"),
                arguments: [reservation.callerID, check.now.timeIntervalSince1970 - check.reservationTTL]
            ) ?? 0
        for window in check.windows {
            let committed = try spent(db, callerID: reservation.callerID, since: window.start) + reserved
            if committed + reservation.amount.value > window.limit.value {
                return BudgetExceeded(window: window, committed: MicroUSD(committed), requested: reservation.amount)
            }
        }
        try db.cachedStatement(sql: "INSERT INTO budget_reservations (id, caller_id, amount_micro_usd, created_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [reservation.id, reservation.callerID, reservation.amount.value, check.now.timeIntervalSince1970])
        return nil
    }

    public func release(_ reservationID: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM budget_reservations WHERE id = ?", arguments: [reservationID])
        }
    }

    public func release(_ reservationIDs: [String]) async throws {
        guard !reservationIDs.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: "DELETE FROM budget_reservations WHERE id = ?")
            for id in reservationIDs { try statement.execute(arguments: [id]) }
        }
    }

    public func spent(callerID: String, since: Date) async throws -> MicroUSD {
        try await pool.read { db in MicroUSD(try Self.spent(db, callerID: callerID, since: since)) }
    }

    /// From the per-day sums when `since` is a UTC midnight (every budget window starts at one), else from the ledger.
    private static func spent(_ db: Database, callerID: String, since: Date) throws -> Int64 {
        if BudgetSpend.isDayStart(since) {
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM budget_spend WHERE caller_id = ? AND day >= ?"),
                arguments: [callerID, BudgetSpend.day(since)]
            ) ?? 0
        }
        return try Int64.fetchOne(
            db, sql: "SELECT COALESCE(SUM(cost_micro_usd), 0) FROM llm_ledger WHERE caller_id = ? AND created_at >= ?",
            arguments: [callerID, since.timeIntervalSince1970]
        ) ?? 0
    }
}
