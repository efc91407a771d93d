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
    ]
}

extension PostgresStore {
    /// Every migration this binary knows, for `check-config`.
    public static var knownMigrations: [Migration] { PostgresMigrations.all }
}
