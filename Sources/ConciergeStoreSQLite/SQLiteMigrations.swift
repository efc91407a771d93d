public import ConciergeCore

/// The SQLite schema, version by version. Versions and names match `PostgresMigrations`.
enum SQLiteMigrations {
    static let bookkeepingTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at REAL NOT NULL
        )
        """

    static let all: [Migration] = [
        Migration(version: 1, name: "create_metadata", statements: [
            """
            CREATE TABLE concierge_metadata (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                updated_at REAL NOT NULL
            )
            """,
        ]),
        Migration(version: 2, name: "create_jobs", statements: SQLiteJobsSchema.statements),
        Migration(version: 3, name: "create_llm_ledger", statements: [
            """
            CREATE TABLE llm_ledger (
                id TEXT PRIMARY KEY,
                created_at REAL NOT NULL,
                operation TEXT NOT NULL,
                request_id TEXT,
                run_id TEXT,
                caller_id TEXT,
                alias TEXT,
                deployment TEXT NOT NULL,
                model TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                cached_tokens INTEGER NOT NULL,
                cost_micro_usd INTEGER NOT NULL,
                latency_ms INTEGER NOT NULL,
                ttft_ms INTEGER,
                outcome TEXT NOT NULL,
                estimated INTEGER NOT NULL,
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
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL
            )
            """,
            "CREATE INDEX llm_response_cache_expires_at ON llm_response_cache (expires_at)",
        ]),
        Migration(version: 4, name: "create_task_runs", statements: SQLiteStore.runSchema),
        Migration(version: 5, name: "create_api_keys", statements: SQLiteAccessSchema.statements),
        Migration(version: 6, name: "create_budget_spend", statements: [
            """
            CREATE TABLE budget_spend (
                caller_id TEXT NOT NULL,
                day INTEGER NOT NULL,
                cost_micro_usd INTEGER NOT NULL,
                PRIMARY KEY (caller_id, day)
            ) WITHOUT ROWID
            """,
            """
            INSERT INTO budget_spend (caller_id, day, cost_micro_usd)
            SELECT caller_id, CAST(created_at / 86400 AS INTEGER), SUM(cost_micro_usd) FROM llm_ledger
            WHERE caller_id IS NOT NULL GROUP BY 1, 2
            """,
        ]),
    ]
}

extension SQLiteStore {
    /// Every migration this binary knows, for `check-config`.
    public static var knownMigrations: [Migration] { SQLiteMigrations.all }
}
