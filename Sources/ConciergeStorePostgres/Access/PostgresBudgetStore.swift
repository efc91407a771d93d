public import ConciergeCore
public import Foundation
import PostgresNIO

/// Budget reservations in PostgreSQL. Check-and-reserve runs in one transaction under a per-caller advisory lock,
/// so concurrent calls on every replica are admitted one after another and can never overspend together.
extension PostgresStore: BudgetStore {
    public func reserve(_ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval) async throws {
        try await transaction { connection in
            try await Self.reserve(connection, reservation, windows: windows, now: now, reservationTTL: reservationTTL, logger: logger)
        }
    }

    /// Check-and-reserve on `connection`, which must be inside a transaction (the advisory lock lasts until it ends).
    /// Throws ``BudgetExceeded`` and stores nothing when over.
    static func reserve(
        _ connection: PostgresConnection, _ reservation: BudgetReservation, windows: [BudgetWindow], now: Date, reservationTTL: TimeInterval,
        logger: Logger
    ) async throws {
        let caller = reservation.callerID
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(caller), 6))", logger: logger)
        let cutoff = now.addingTimeInterval(-reservationTTL)
        var reserved: Int64 = 0
        let rows = try await connection.query(
            "SELECT COALESCE(SUM(amount_micro_usd), 0)::BIGINT FROM budget_reservations WHERE caller_id = \(caller) AND created_at >= \(cutoff)",
            logger: logger
        )
        for try await value in rows.decode(Int64.self) { reserved = value }
        for window in windows {
            let spent = try await Self.spent(connection, callerID: caller, since: window.start, logger: logger)
            if spent + reserved + reservation.amount.value > window.limit.value {
                throw BudgetExceeded(window: window, committed: MicroUSD(spent + reserved), requested: reservation.amount)
            }
        }
        try await connection.query(
            """
            INSERT INTO budget_reservations (id, caller_id, amount_micro_usd, created_at)
            VALUES (\(reservation.id), \(caller), \(reservation.amount.value), \(now))
            """,
            logger: logger
        )
    }

    public func release(_ reservationID: String) async throws {
        try await client.query("DELETE FROM budget_reservations WHERE id = \(reservationID)", logger: logger)
    }

    public func release(_ reservationIDs: [String]) async throws {
        guard !reservationIDs.isEmpty else { return }
        try await client.query("DELETE FROM budget_reservations WHERE id = ANY(\(reservationIDs))", logger: logger)
    }

    public func spent(callerID: String, since: Date) async throws -> MicroUSD {
        try await client.withConnection { connection in
            MicroUSD(try await Self.spent(connection, callerID: callerID, since: since, logger: logger))
        }
    }

    /// From the per-day sums when `since` is a UTC midnight (every budget window starts at one), else from the ledger.
    private static func spent(_ connection: PostgresConnection, callerID: String, since: Date, logger: Logger) async throws -> Int64 {
        if BudgetSpend.isDayStart(since) {
            let rows = try await connection.query(
                "SELECT COALESCE(SUM(cost_micro_usd), 0)::BIGINT FROM budget_spend WHERE caller_id = \(callerID) AND day >= \(BudgetSpend.day(since))",
                logger: logger
            )
            for try await value in rows.decode(Int64.self) { return value }
            return 0
        }
        let rows = try await connection.query(
            "SELECT COALESCE(SUM(cost_micro_usd), 0)::BIGINT FROM llm_ledger WHERE caller_id = \(callerID) AND created_at >= \(since)",
            logger: logger
        )
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }
}
