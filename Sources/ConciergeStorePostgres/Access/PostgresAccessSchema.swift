/// Migration 5 on PostgreSQL: API keys, rate-limit buckets, budget reservations and the audit log.
enum PostgresAccessSchema {
    static let statements = [
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            previous_secret_hash TEXT,
            previous_hash_expires_at TIMESTAMPTZ,
            rpm BIGINT,
            tpm BIGINT,
            budget_day_micro_usd BIGINT,
            budget_month_micro_usd BIGINT,
            created_at TIMESTAMPTZ NOT NULL,
            expires_at TIMESTAMPTZ,
            revoked_at TIMESTAMPTZ,
            last_used_at TIMESTAMPTZ
        )
        """,
        """
        CREATE TABLE rate_limits (
            bucket TEXT PRIMARY KEY,
            tat DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE budget_reservations (
            id TEXT PRIMARY KEY,
            caller_id TEXT NOT NULL,
            amount_micro_usd BIGINT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )
        """,
        "CREATE INDEX budget_reservations_caller ON budget_reservations (caller_id)",
        "CREATE INDEX llm_ledger_caller_created ON llm_ledger (caller_id, created_at)",
        """
        CREATE TABLE audit_log (
            id BIGSERIAL PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
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
