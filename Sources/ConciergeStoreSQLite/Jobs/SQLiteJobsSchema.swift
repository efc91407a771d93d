/// Migration 2 (`create_jobs`) on SQLite. Times are integer microseconds since the Unix epoch.
enum SQLiteJobsSchema {
    static let statements = [
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            queue TEXT NOT NULL,
            state TEXT NOT NULL,
            priority INTEGER NOT NULL,
            payload TEXT NOT NULL,
            result TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            attempt_floor INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            idempotency_key TEXT,
            run_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            claimed_at INTEGER,
            finished_at INTEGER,
            lease_owner TEXT,
            lease_expires_at INTEGER,
            cancel_requested INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        )
        """,
        "CREATE UNIQUE INDEX jobs_idempotency ON jobs (queue, idempotency_key) WHERE idempotency_key IS NOT NULL",
        "CREATE INDEX jobs_due ON jobs (queue, priority DESC, run_at, id) WHERE state = 'queued'",
        "CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'active'",
        "CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL",
        """
        CREATE TABLE job_attempts (
            id INTEGER PRIMARY KEY,
            job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            worker_id TEXT,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            outcome TEXT NOT NULL,
            error TEXT
        )
        """,
        "CREATE INDEX job_attempts_job ON job_attempts (job_id, attempt)",
    ]
}
