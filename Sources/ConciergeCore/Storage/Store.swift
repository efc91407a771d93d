/// The durable store behind Concierge: an embedded SQLite file or a PostgreSQL database.
///
/// Both implementations pass the same contract suite (`StoreContractTests`), so everything built on
/// a `Store` behaves the same on either. Later subsystems (jobs, ledger, keys) extend the contract.
public protocol Store: Sendable {
    /// Which backend this is, for logs and the readiness document.
    var backend: StoreBackend { get }

    /// Applies every pending migration in order and reports what was done.
    /// Throws ``StoreError/schemaTooNew(found:known:)`` without touching the database when the
    /// database was migrated by a newer binary.
    func migrate() async throws -> MigrationReport

    /// The migrations recorded as applied in the database, oldest first.
    func appliedMigrations() async throws -> [AppliedMigration]

    /// A cheap round trip to the database (`SELECT 1`).
    func ping() async throws

    /// Reads a value from the store's metadata table.
    func metadata(_ key: String) async throws -> String?

    /// Writes a value to the store's metadata table, replacing any previous value.
    func setMetadata(_ key: String, _ value: String) async throws

    /// Closes the database; later calls fail.
    func close() async throws
}

public enum StoreBackend: String, Sendable, Codable {
    case sqlite
    case postgres
}

/// A migration that was applied to a database.
public struct AppliedMigration: Sendable, Equatable, Codable {
    public var version: Int
    public var name: String

    public init(version: Int, name: String) {
        self.version = version
        self.name = name
    }
}

/// What `migrate()` did.
public struct MigrationReport: Sendable, Equatable {
    /// Migrations applied by this call, oldest first; empty when the schema was current.
    public var applied: [AppliedMigration]
    /// The schema version after the call.
    public var version: Int

    public init(applied: [AppliedMigration], version: Int) {
        self.applied = applied
        self.version = version
    }
}
