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
    ]
}

extension SQLiteStore {
    /// Every migration this binary knows, for `check-config`.
    public static var knownMigrations: [Migration] { SQLiteMigrations.all }
}
