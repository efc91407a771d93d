import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import Foundation
import Logging
import ServiceLifecycle

/// Opens the store the configuration names: PostgreSQL when `DATABASE_URL` is set, else the SQLite file.
enum StoreFactory {
    /// An open store plus the service that must run for it to work (PostgreSQL's pool).
    struct Opened {
        let store: any Store
        let service: (any Service)?
        /// The same store seen as the usage ledger and the response cache.
        var ledger: (any UsageLedger)?
        var cache: (any ResponseCache)?
        /// The same store seen as the API key table and the rate-limit buckets.
        var keys: any APIKeyStore
        var rateLimits: any RateLimitStore
        var budgets: any BudgetStore
        /// The rate limits and budgets of one call in one transaction (the same store as both).
        var admission: any AdmissionStore
        var audit: any AuditLog
    }

    /// `ledgerBehind`: the ledger's rows are written behind the responses (`serve`), so SQLite writes them from a thread
    /// `llm.ledger_writer_nice` nice steps below the process.
    static func open(_ configuration: AppConfiguration, ledgerBehind: Bool = false, logger: Logger) throws -> Opened {
        if let url = configuration.databaseURL {
            let store = PostgresStore(url: try PostgresURL(url), poolSize: configuration.databasePoolSize, logger: logger)
            return Opened(store: store, service: store, ledger: store, cache: store, keys: store, rateLimits: store, budgets: store, admission: store, audit: store)
        }
        let writerNice = ledgerBehind ? configuration.llmLedgerWriterNice : 0
        let store = try SQLiteStore(path: configuration.sqlitePath, ledgerWriterNice: writerNice, logger: logger)
        // One process per SQLite file: rate limits and budget reservations are decided in its memory, with no write
        // transaction per request; the ledger tells the admission when spend changed (see ProcessAdmission).
        let admission = ProcessAdmission(spend: store)
        return Opened(
            store: store, service: nil, ledger: SpendTrackingLedger(store, admission: admission), cache: store, keys: store, rateLimits: admission,
            budgets: admission, admission: admission, audit: store
        )
    }

    static func knownMigrations(_ configuration: AppConfiguration) -> [Migration] {
        configuration.databaseURL == nil ? SQLiteStore.knownMigrations : PostgresStore.knownMigrations
    }

    /// Runs `body` with an open store (and its pool running), then closes it. For one-shot commands.
    /// With `createIfMissing: false`, a SQLite file that does not exist yet is not created: only its directory is checked.
    static func withStore<T: Sendable>(
        _ configuration: AppConfiguration,
        logger: Logger,
        createIfMissing: Bool = true,
        _ body: @escaping @Sendable (any Store) async throws -> T
    ) async throws -> T {
        if !createIfMissing, configuration.databaseURL == nil, !FileManager.default.fileExists(atPath: configuration.sqlitePath) {
            try checkWritableDirectory(configuration.dataDirectory)
            return try await body(EmptyStore())
        }
        let opened = try open(configuration, logger: logger)
        do {
            let result = try await run(opened, body)
            await close(opened.store, logger: logger)
            return result
        } catch {
            await close(opened.store, logger: logger)
            throw error
        }
    }

    /// Closes a store at the end of a command or the server; a failure is logged, not thrown (the work is done, and
    /// an SQLite store that does not close only leaves its WAL behind for the next open to recover).
    static func close(_ store: any Store, logger: Logger) async {
        do {
            try await store.close()
        } catch {
            logger.error("Store did not close cleanly", metadata: ["error.message": .string("\(error)")])
        }
    }

    private static func run<T: Sendable>(_ opened: Opened, _ body: @escaping @Sendable (any Store) async throws -> T) async throws -> T {
        guard let service = opened.service else { return try await body(opened.store) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await service.run(); return nil }
            group.addTask { try await body(opened.store) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw StoreError.closed
        }
    }

    /// The data directory exists and is writable, or can be created.
    static func checkWritableDirectory(_ path: String) throws {
        var directory = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            throw StoreError.invalidConfiguration("data directory \(path) cannot be created or written (\(directory.path) is not writable)")
        }
    }
}

/// Stands in for a SQLite database that does not exist yet: nothing applied, always reachable.
private struct EmptyStore: Store {
    let backend = StoreBackend.sqlite
    func migrate() async throws -> MigrationReport { MigrationReport(applied: [], version: 0) }
    func appliedMigrations() async throws -> [AppliedMigration] { [] }
    func ping() async throws {}
    func metadata(_ key: String) async throws -> String? { nil }
    func setMetadata(_ key: String, _ value: String) async throws {}
    func close() async throws {}
}
