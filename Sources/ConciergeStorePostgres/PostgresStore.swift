public import ConciergeCore
import Foundation
public import Logging
package import PostgresNIO
public import ServiceLifecycle

/// The PostgreSQL store, for running several replicas against one database.
///
/// The connection pool runs as a `Service`: put the store in the `ServiceGroup` (or call `run()`)
/// before using it, and it reconnects on its own when the database comes back.
public final class PostgresStore: Store, Service {
    public let backend = StoreBackend.postgres
    /// The pool; `package` so the queue and ledger in this target reach it, never other targets.
    package let client: PostgresClient
    package let logger: Logger

    public init(url: PostgresURL, poolSize: Int, logger: Logger) {
        self.client = PostgresClient(configuration: url.clientConfiguration(poolSize: poolSize), backgroundLogger: logger)
        self.logger = logger
    }

    /// Runs the connection pool until graceful shutdown or cancellation.
    public func run() async throws {
        await client.run()
    }

    public func migrate() async throws -> MigrationReport {
        do {
            return try await transaction { connection in
                // One migrator at a time across replicas.
                try await connection.query("SELECT pg_advisory_xact_lock(7247823)", logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: PostgresMigrations.bookkeepingTable), logger: logger)
                var applied: [Int] = []
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                    .decode(Int.self) { applied.append(version) }
                let pending = try MigrationPlanner.pending(applied: applied, known: PostgresMigrations.all)
                for migration in pending {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(migration.version), \(migration.name), now())",
                        logger: logger
                    )
                }
                let version = (applied + pending.map(\.version)).max() ?? 0
                return MigrationReport(applied: pending.map { AppliedMigration(version: $0.version, name: $0.name) }, version: version)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.unavailable(Self.describe(error))
        }
    }

    public func appliedMigrations() async throws -> [AppliedMigration] {
        let exists = try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return [] }
        var result: [AppliedMigration] = []
        let rows = try await client.query("SELECT version, name FROM schema_migrations ORDER BY version", logger: logger)
        for try await (version, name) in rows.decode((Int, String).self) {
            result.append(AppliedMigration(version: version, name: name))
        }
        return result
    }

    public func ping() async throws {
        do {
            try await client.query("SELECT 1", logger: logger)
        } catch {
            throw StoreError.unavailable(Self.describe(error))
        }
    }

    public func metadata(_ key: String) async throws -> String? {
        let rows = try await client.query("SELECT value FROM concierge_metadata WHERE key = \(key)", logger: logger)
        for try await value in rows.decode(String.self) { return value }
        return nil
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        try await client.query(
            """
            INSERT INTO concierge_metadata (key, value, updated_at) VALUES (\(key), \(value), now())
            ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
            """,
            logger: logger
        )
    }

    public func close() async throws {}

    /// A one-line, credential-free description of a driver error.
    package static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return "PostgreSQL: \(message)" }
            if let underlying = error.underlying { return "PostgreSQL \(error.code): \(underlying)" }
            return "PostgreSQL \(error.code)"
        }
        return String(describing: type(of: error))
    }
}
