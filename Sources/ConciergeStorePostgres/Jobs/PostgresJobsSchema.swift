/// Migration 2 (`create_jobs`) on PostgreSQL.
enum PostgresJobsSchema {
    /// The LISTEN/NOTIFY channel; the payload is the queue name.
    static let channel = "concierge_jobs"

    static let statements = [
        """
        CREATE TABLE jobs (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            queue TEXT NOT NULL,
            state TEXT NOT NULL,
            priority INTEGER NOT NULL,
            payload TEXT NOT NULL,
            result TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            attempt_floor INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            idempotency_key TEXT,
            run_at TIMESTAMPTZ NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL,
            claimed_at TIMESTAMPTZ,
            finished_at TIMESTAMPTZ,
            lease_owner TEXT,
            lease_expires_at TIMESTAMPTZ,
            cancel_requested BOOLEAN NOT NULL DEFAULT false,
            last_error TEXT
        )
        """,
        "CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key) WHERE idempotency_key IS NOT NULL",
        "CREATE INDEX jobs_due ON jobs (queue, priority DESC, run_at, id) WHERE state = 'queued'",
        "CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'active'",
        "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL",
        """
        CREATE TABLE job_attempts (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            worker_id TEXT,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            outcome TEXT NOT NULL,
            error TEXT
        )
        """,
        "CREATE INDEX job_attempts_job ON job_attempts (job_id, attempt)",
        """
        CREATE FUNCTION concierge_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE q TEXT;
        BEGIN
            FOR q IN SELECT DISTINCT queue FROM inserted LOOP
                PERFORM pg_notify('\(channel)', q);
            END LOOP;
            RETURN NULL;
        END
        $$
        """,
        """
        CREATE TRIGGER jobs_notify AFTER INSERT ON jobs REFERENCING NEW TABLE AS inserted
        FOR EACH STATEMENT EXECUTE FUNCTION concierge_jobs_notify()
        """,
    ]
}
