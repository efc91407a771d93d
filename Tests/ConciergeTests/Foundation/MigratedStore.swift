import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Logging
import Testing

/// The store protocols both backends implement that contract tests run the same body against.
typealias BackendStore = UsageLedger & BudgetStore & AdmissionStore & RateLimitStore & RunStore

/// A freshly migrated store of `backend` (SQLite in a temporary directory, PostgreSQL in a fresh database) and the
/// job queue in the same database; the store is closed afterwards.
enum MigratedStore {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func with(
        _ backend: JobBackend, poolSize: Int = 20, _ body: @escaping @Sendable (any BackendStore, any JobStore) async throws -> Void
    ) async throws {
        switch backend {
        case .sqlite:
            try await TemporaryDirectory.with { directory in
                let store = try SQLiteStore(dataDirectory: directory, logger: logger)
                _ = try await store.migrate()
                try await body(store, SQLiteJobStore(store: store))
                try await store.close()
            }
        case .postgres:
            try await TestPostgres.withStore(poolSize: poolSize, logger: logger) { store in
                _ = try await store.migrate()
                try await body(store, PostgresJobStore(store: store))
            }
        }
    }
}
