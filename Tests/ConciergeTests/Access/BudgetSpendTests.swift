import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import GRDB
import PostgresNIO
import Testing

/// Budget spend comes from the per-day sums of migration 6, kept by the ledger and backfilled from older rows.
@Suite struct BudgetSpendTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC
    static let today = Date(timeIntervalSince1970: Double(BudgetSpend.day(now)) * BudgetSpend.secondsPerDay)

    static func row(_ caller: String?, _ cost: Int64, at time: Date) -> UsageRecord {
        var row = LedgerContractTests.row(UUID().uuidString, at: time)
        row.callerID = caller
        row.cost = MicroUSD(cost)
        return row
    }

    static let rows = [
        row("k1", 100, at: now), row("k1", 40, at: today), row("k1", 50, at: today.addingTimeInterval(-1)),
        row("k1", 7, at: now.addingTimeInterval(-40 * 86_400)), row("k2", 1000, at: now), row(nil, 5, at: now),
    ]

    static func expectSpend(_ store: any BudgetStore) async throws {
        #expect(try await store.spent(callerID: "k1", since: today) == MicroUSD(140))
        #expect(try await store.spent(callerID: "k1", since: today.addingTimeInterval(-86_400)) == MicroUSD(190))
        #expect(try await store.spent(callerID: "k1", since: today.addingTimeInterval(-60 * 86_400)) == MicroUSD(197))
        #expect(try await store.spent(callerID: "k2", since: today) == MicroUSD(1000))
        // Not a UTC midnight: summed from the ledger itself
        #expect(try await store.spent(callerID: "k1", since: now.addingTimeInterval(-3600)) == MicroUSD(100))
    }

    static let backfill = SQLiteStore.knownMigrations.first { $0.version == 6 }!.statements[1]

    @Test func sqliteSpendIsKeptByTheLedgerAndBackfilled() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: BudgetTests.logger)
            _ = try await store.migrate()
            // Given rows written in two batches (one group-committed with several callers and days)
            try await store.record(Array(Self.rows.prefix(2)))
            try await store.record(Array(Self.rows.dropFirst(2)))
            try await Self.expectSpend(store)
            // When the sums are rebuilt the way migration 6 fills them from older ledger rows, they are the same
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM budget_spend")
                try db.execute(sql: Self.backfill)
            }
            try await Self.expectSpend(store)
            try await store.close()
        }
    }

    @Test func postgresSpendIsKeptByTheLedgerAndBackfilled() async throws {
        try await TestPostgres.withStore(logger: BudgetTests.logger) { store in
            _ = try await store.migrate()
            try await store.record(Array(Self.rows.prefix(1)))
            try await store.record(Array(Self.rows.dropFirst(1)))
            try await Self.expectSpend(store)
            let backfill = PostgresStore.knownMigrations.first { $0.version == 6 }!.statements[1]
            try await store.client.query("DELETE FROM budget_spend", logger: BudgetTests.logger)
            try await store.client.query(PostgresQuery(unsafeSQL: backfill), logger: BudgetTests.logger)
            try await Self.expectSpend(store)
        }
    }
}
