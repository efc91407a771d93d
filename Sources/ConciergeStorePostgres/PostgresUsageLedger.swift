public import ConciergeCore
public import Foundation
import PostgresNIO

/// The usage ledger in PostgreSQL (migration 3, `llm_ledger`).
extension PostgresStore: UsageLedger {
    public func record(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let increments = BudgetSpend.increments(records)
        if records.count == 1, increments.isEmpty {
            try await client.query(Self.insert(records[0]), logger: logger)
            return
        }
        try await client.withTransaction(logger: logger) { connection in
            for record in records { try await connection.query(Self.insert(record), logger: logger) }
            // The per-day spend the budget checks read (migration 6); sorted, so concurrent writers never deadlock.
            for increment in increments {
                try await connection.query(
                    """
                    INSERT INTO budget_spend (caller_id, day, cost_micro_usd) VALUES (\(increment.callerID), \(increment.day), \(increment.cost))
                    ON CONFLICT (caller_id, day) DO UPDATE SET cost_micro_usd = budget_spend.cost_micro_usd + EXCLUDED.cost_micro_usd
                    """,
                    logger: logger
                )
            }
        }
    }

    private static func insert(_ record: UsageRecord) -> PostgresQuery {
        """
        INSERT INTO llm_ledger (id, created_at, operation, request_id, run_id, caller_id, alias, deployment, model, attempt,
            prompt_tokens, completion_tokens, cached_tokens, cost_micro_usd, latency_ms, ttft_ms, outcome, estimated, error_kind)
        VALUES (\(record.id), \(record.time), \(record.operation), \(record.requestID), \(record.runID), \(record.callerID),
            \(record.alias), \(record.deployment), \(record.model), \(record.attempt), \(record.promptTokens),
            \(record.completionTokens), \(record.cachedTokens), \(record.cost.value), \(record.latencyMilliseconds),
            \(record.timeToFirstTokenMilliseconds), \(record.outcome.rawValue), \(record.estimated), \(record.errorKind))
        """
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        let since = query.since ?? Date(timeIntervalSince1970: 0)
        let rows: PostgresRowSequence
        if let requestID = query.requestID {
            rows = try await client.query(
                "SELECT * FROM llm_ledger WHERE request_id = \(requestID) AND created_at >= \(since) ORDER BY created_at DESC, id LIMIT \(query.limit)",
                logger: logger
            )
        } else {
            rows = try await client.query(
                "SELECT * FROM llm_ledger WHERE created_at >= \(since) ORDER BY created_at DESC, id LIMIT \(query.limit)", logger: logger
            )
        }
        var result: [UsageRecord] = []
        for try await row in rows { result.append(try Self.usageRecord(row.makeRandomAccess())) }
        return result
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        let rows = try await client.query(
            """
            SELECT COUNT(*)::BIGINT, COALESCE(SUM(prompt_tokens), 0)::BIGINT, COALESCE(SUM(completion_tokens), 0)::BIGINT,
                COALESCE(SUM(cached_tokens), 0)::BIGINT, COALESCE(SUM(cost_micro_usd), 0)::BIGINT
            FROM llm_ledger WHERE created_at >= \(since ?? Date(timeIntervalSince1970: 0))
            """,
            logger: logger
        )
        for try await (count, prompt, completion, cached, cost) in rows.decode((Int, Int, Int, Int, Int64).self) {
            return UsageTotals(rows: count, promptTokens: prompt, completionTokens: completion, cachedTokens: cached, cost: MicroUSD(cost))
        }
        return UsageTotals(rows: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, cost: .zero)
    }

    static func usageRecord(_ row: PostgresRandomAccessRow) throws -> UsageRecord {
        func value<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
            try row[column].decode(T.self, context: .default)
        }
        var record = UsageRecord(
            id: try value("id"), time: try value("created_at"), operation: try value("operation"), requestID: try value("request_id"),
            runID: try value("run_id"), callerID: try value("caller_id"), alias: try value("alias"), deployment: try value("deployment"),
            model: try value("model"), attempt: Int(try value("attempt", Int32.self)),
            usage: TokenUsage(promptTokens: try value("prompt_tokens"), completionTokens: try value("completion_tokens"), cachedTokens: try value("cached_tokens")),
            cost: MicroUSD(try value("cost_micro_usd")), latencyMilliseconds: try value("latency_ms"),
            timeToFirstTokenMilliseconds: try value("ttft_ms"), outcome: UsageOutcome(rawValue: try value("outcome")) ?? .error,
            errorKind: try value("error_kind")
        )
        record.estimated = try value("estimated")
        return record
    }
}
