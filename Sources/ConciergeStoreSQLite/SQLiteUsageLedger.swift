public import ConciergeCore
public import Foundation
import GRDB

/// The usage ledger in the SQLite file (migration 3, `llm_ledger`).
extension SQLiteStore: UsageLedger {
    public func record(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        guard let ledgerWriter else { return try await pool.write { db in try Self.write(records, db) } }
        // A synchronous write, so that SQLite runs on the writer thread and at its priority.
        try await ledgerWriter.run { [pool] in try pool.write { db in try Self.write(records, db) } }
    }

    private static func write(_ records: [UsageRecord], _ db: Database) throws {
        for record in records { try Self.insert(record, db) }
        // The per-day spend the budget checks read (migration 6), in the same transaction as the rows.
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO budget_spend (caller_id, day, cost_micro_usd) VALUES (?, ?, ?)
                ON CONFLICT (caller_id, day) DO UPDATE SET cost_micro_usd = budget_spend.cost_micro_usd + excluded.cost_micro_usd
                """
        )
        for increment in BudgetSpend.increments(records) {
            try statement.execute(arguments: [increment.callerID, increment.day, increment.cost])
        }
    }

    private static func insert(_ record: UsageRecord, _ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO llm_ledger (id, created_at, operation, request_id, run_id, caller_id, alias, deployment, model, attempt,
                    prompt_tokens, completion_tokens, cached_tokens, cost_micro_usd, latency_ms, ttft_ms, outcome, estimated, error_kind)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try statement.execute(arguments: [
            record.id, record.time.timeIntervalSince1970, record.operation, record.requestID, record.runID, record.callerID,
            record.alias, record.deployment, record.model, record.attempt, record.promptTokens, record.completionTokens,
            record.cachedTokens, record.cost.value, record.latencyMilliseconds, record.timeToFirstTokenMilliseconds,
            record.outcome.rawValue, record.estimated, record.errorKind,
        ])
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        try await readAside { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let requestID = query.requestID {
                conditions.append("request_id = ?")
                _ = arguments.append(contentsOf: [requestID])
            }
            if let since = query.since {
                conditions.append("created_at >= ?")
                _ = arguments.append(contentsOf: [since.timeIntervalSince1970])
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: "SELECT * FROM llm_ledger \(filter) ORDER BY created_at DESC, id LIMIT ?", arguments: arguments)
                .map(Self.usageRecord)
        }
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        try await readAside { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, COALESCE(SUM(prompt_tokens), 0) AS p, COALESCE(SUM(completion_tokens), 0) AS c,
                        COALESCE(SUM(cached_tokens), 0) AS k, COALESCE(SUM(cost_micro_usd), 0) AS cost
                    FROM llm_ledger WHERE created_at >= ?
                    """,
                arguments: [since?.timeIntervalSince1970 ?? 0]
            )
            guard let row else { return UsageTotals(rows: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, cost: .zero) }
            return UsageTotals(rows: row["n"], promptTokens: row["p"], completionTokens: row["c"], cachedTokens: row["k"], cost: MicroUSD(row["cost"]))
        }
    }

    static func usageRecord(_ row: Row) -> UsageRecord {
        var record = UsageRecord(
            id: row["id"], time: Date(timeIntervalSince1970: row["created_at"]), operation: row["operation"], requestID: row["request_id"],
            runID: row["run_id"], callerID: row["caller_id"], alias: row["alias"], deployment: row["deployment"], model: row["model"],
            attempt: row["attempt"],
            usage: TokenUsage(promptTokens: row["prompt_tokens"], completionTokens: row["completion_tokens"], cachedTokens: row["cached_tokens"]),
            cost: MicroUSD(row["cost_micro_usd"]), latencyMilliseconds: row["latency_ms"], timeToFirstTokenMilliseconds: row["ttft_ms"],
            outcome: UsageOutcome(rawValue: row["outcome"]) ?? .error, errorKind: row["error_kind"]
        )
        record.estimated = row["estimated"]
        return record
    }
}
