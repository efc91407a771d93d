/// Migration 5 on SQLite: API keys, rate-limit buckets, budget reservations and the audit log. Times are epoch seconds.
enum SQLiteAccessSchema {
    static let statements = [
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            previous_secret_hash TEXT,
            previous_hash_expires_at REAL,
            rpm INTEGER,
            tpm INTEGER,
            budget_day_micro_usd INTEGER,
            budget_month_micro_usd INTEGER,
            created_at REAL NOT NULL,
            expires_at REAL,
            revoked_at REAL,
            last_used_at REAL
        )
        """,
        """
        CREATE TABLE rate_limits (
            bucket TEXT PRIMARY KEY,
            tat REAL NOT NULL
        )
        """,
        """
        CREATE TABLE budget_reservations (
            id TEXT PRIMARY KEY,
            caller_id TEXT NOT NULL,
            amount_micro_usd INTEGER NOT NULL,
            created_at REAL NOT NULL
        )
        """,
        "CREATE INDEX budget_reservations_caller ON budget_reservations (caller_id)",
        "CREATE INDEX llm_ledger_caller_created ON llm_ledger (caller_id, created_at)",
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            created_at REAL NOT NULL,
            actor TEXT,
            action TEXT NOT NULL,
            target TEXT,
            outcome TEXT NOT NULL,
            client_ip TEXT,
            request_id TEXT
        )
        """,
        "CREATE INDEX audit_log_created_at ON audit_log (created_at)",
    ]
}
