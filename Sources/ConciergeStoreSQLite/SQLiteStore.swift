public import ConciergeCore
import Foundation
package import GRDB
public import Logging

/// The embedded default store: one SQLite file in WAL mode, opened once per process (GRDB's rule 1).
public final class SQLiteStore: Store {
    public let backend = StoreBackend.sqlite
    /// The GRDB pool; `package` so the queue and ledger in this target reach it, never other targets.
    package let pool: DatabasePool
    public let path: String
    private let checkpointer: WALCheckpointer
    /// The thread ledger rows are written from when a nice value was given (``LedgerWriterThread``).
    package let ledgerWriter: LedgerWriterThread?

    /// Opens (creating if needed) the database file at `path`, creating its directory too. With a `ledgerWriterNice`
    /// from 1 to 19, ``record(_:)`` writes from a thread whose nice value is that much above the process's: for a ledger
    /// whose rows are written behind the responses, which no call waits for.
    public convenience init(path: String, ledgerWriterNice: Int = 0, logger: Logger) throws {
        try self.init(path: path, checkpoints: WALCheckpointPolicy(), ledgerWriterNice: ledgerWriterNice, logger: logger)
    }

    /// Opens the database file at `path` with its own checkpoint policy (tests shorten it).
    package init(path: String, checkpoints: WALCheckpointPolicy, ledgerWriterNice: Int = 0, logger: Logger) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.invalidConfiguration("cannot create data directory \(directory): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL survives a process crash; see docs/operations.md for power loss.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Checkpoints run beside the commits, not inside one (WALCheckpointer).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: configuration)
            self.checkpointer = try WALCheckpointer(path: path, writer: pool, configuration: configuration, policy: checkpoints, logger: logger)
        } catch {
            throw StoreError.unavailable("cannot open SQLite database at \(path): \(SQLiteStore.describe(error))")
        }
        self.path = path
        ledgerWriter = ledgerWriterNice > 0 ? LedgerWriterThread(niceSteps: ledgerWriterNice, logger: logger) : nil
        checkpointer.start()
        logger.debug("Opened SQLite store", metadata: ["db.path": .string(path)])
    }

    /// Opens `concierge.sqlite` inside `dataDirectory`.
    public convenience init(dataDirectory: String, logger: Logger) throws {
        try self.init(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("concierge.sqlite").path, logger: logger)
    }

    public func migrate() async throws -> MigrationReport {
        try await pool.write { db in
            try db.execute(sql: SQLiteMigrations.bookkeepingTable)
            let applied = try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations")
            let pending = try MigrationPlanner.pending(applied: applied, known: SQLiteMigrations.all)
            for migration in pending {
                for statement in migration.statements { try db.execute(sql: statement) }
                try db.execute(
                    sql: "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    arguments: [migration.version, migration.name, Date().timeIntervalSince1970]
                )
            }
            let version = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
            return MigrationReport(applied: pending.map { AppliedMigration(version: $0.version, name: $0.name) }, version: version)
        }
    }

    public func appliedMigrations() async throws -> [AppliedMigration] {
        try await readAside { db in
            guard try db.tableExists("schema_migrations") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT version, name FROM schema_migrations ORDER BY version").map {
                AppliedMigration(version: $0["version"], name: $0["name"])
            }
        }
    }

    public func ping() async throws {
        _ = try readHere { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func metadata(_ key: String) async throws -> String? {
        try readHere { db in
            try String.fetchOne(db, sql: "SELECT value FROM concierge_metadata WHERE key = ?", arguments: [key])
        }
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO concierge_metadata (key, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """,
                arguments: [key, value, Date().timeIntervalSince1970]
            )
        }
    }

    /// The journal mode in force (`wal` for a store opened by this type).
    public func journalMode() async throws -> String {
        try readHere { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Closes every connection; the checkpointer's closes last, so the WAL is checkpointed and removed.
    public func close() async throws {
        await ledgerWriter?.shutdown()
        await checkpointer.stop()
        try pool.close()
        try checkpointer.close()
    }

    /// Bytes in the write-ahead log now (for tests and diagnostics).
    package var walBytes: Int64 { checkpointer.walBytes }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode)" }
        return String(describing: error)
    }
}
