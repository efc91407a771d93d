public import ConciergeCore

/// The PostgreSQL schema, version by version. Versions and names match `SQLiteMigrations`.
enum PostgresMigrations {
    static let bookkeepingTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )
        """

    static let all: [Migration] = [
        Migration(version: 1, name: "create_metadata", statements: [
            """
            CREATE TABLE concierge_metadata (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            )
            """,
        ]),
        Migration(version: 2, name: "create_jobs", statements: PostgresJobsSchema.statements),
        Migration(version: 3, name: "create_llm_ledger", statements: [
            """
            CREATE TABLE llm_ledger (
                id TEXT PRIMARY KEY,
                created_at TIMESTAMPTZ NOT NULL,
                operation TEXT NOT NULL,
                request_id TEXT,
                run_id TEXT,
                caller_id TEXT,
                alias TEXT,
                deployment TEXT NOT NULL,
                model TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                prompt_tokens BIGINT NOT NULL,
                completion_tokens BIGINT NOT NULL,
                cached_tokens BIGINT NOT NULL,
                cost_micro_usd BIGINT NOT NULL,
                latency_ms BIGINT NOT NULL,
                ttft_ms BIGINT,
                outcome TEXT NOT NULL,
                estimated BOOLEAN NOT NULL,
                error_kind TEXT
            )
            """,
            "CREATE INDEX llm_ledger_created_at ON llm_ledger (created_at)",
            "CREATE INDEX llm_ledger_request_id ON llm_ledger (request_id)",
            """
            CREATE TABLE llm_response_cache (
                key TEXT PRIMARY KEY,
                request TEXT NOT NULL,
                response TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX llm_response_cache_expires_at ON llm_response_cache (expires_at)",
        ]),
        Migration(version: 4, name: "create_task_runs", statements: PostgresStore.runSchema),
        Migration(version: 5, name: "create_api_keys", statements: PostgresAccessSchema.statements),
        Migration(version: 6, name: "create_budget_spend", statements: [
            """
            CREATE TABLE budget_spend (
                caller_id TEXT NOT NULL,
                day INTEGER NOT NULL,
                cost_micro_usd BIGINT NOT NULL,
                PRIMARY KEY (caller_id, day)
            )
            """,
            """
            INSERT INTO budget_spend (caller_id, day, cost_micro_usd)
            SELECT caller_id, floor(extract(epoch FROM created_at) / 86400)::INTEGER, SUM(cost_micro_usd) FROM llm_ledger
            WHERE caller_id IS NOT NULL GROUP BY 1, 2
            """,
        ]),
    ]
}

extension PostgresStore {
    /// Every migration this binary knows, for `check-config`.
    public static var knownMigrations: [Migration] { PostgresMigrations.all }
}
