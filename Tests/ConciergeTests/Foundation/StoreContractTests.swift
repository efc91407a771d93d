import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

/// The contract every `Store` meets, run unchanged against SQLite and PostgreSQL.
enum StoreContract: String, CaseIterable, Sendable {
    case migratesFreshDatabase
    case migrateIsIdempotent
    case metadataRoundTrips
    case pingSucceeds
    case refusesNewerSchemaWithoutModifyingIt

    /// A store plus a way to plant a migration row directly, as a newer binary would have.
    struct Subject: Sendable {
        let store: any Store
        let plantMigration: @Sendable (Int, String) async throws -> Void
    }

    func run(_ subject: Subject) async throws {
        let store = subject.store
        switch self {
        case .migratesFreshDatabase:
            #expect(try await store.appliedMigrations().isEmpty)
            let report = try await store.migrate()
            #expect(report.applied.first == AppliedMigration(version: 1, name: "create_metadata"))
            #expect(report.version == report.applied.map(\.version).max())
            #expect(try await store.appliedMigrations() == report.applied)
        case .migrateIsIdempotent:
            let first = try await store.migrate()
            let second = try await store.migrate()
            #expect(second.applied.isEmpty)
            #expect(second.version == first.version)
        case .metadataRoundTrips:
            _ = try await store.migrate()
            #expect(try await store.metadata("instance") == nil)
            try await store.setMetadata("instance", "a")
            try await store.setMetadata("instance", "b'; DROP TABLE concierge_metadata; --")
            #expect(try await store.metadata("instance") == "b'; DROP TABLE concierge_metadata; --")
        case .pingSucceeds:
            try await store.ping()
        case .refusesNewerSchemaWithoutModifyingIt:
            let report = try await store.migrate()
            try await subject.plantMigration(report.version + 100, "from_the_future")
            let before = try await store.appliedMigrations()
            await #expect(throws: StoreError.schemaTooNew(found: report.version + 100, known: report.version)) {
                try await store.migrate()
            }
            #expect(try await store.appliedMigrations() == before)
        }
    }
}

@Suite struct StoreContractTests {
    static let logger = Logger(label: "test")

    @Test(arguments: StoreContract.allCases)
    func sqlite(_ contract: StoreContract) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Self.logger)
            let subject = StoreContract.Subject(store: store) { version, name in
                try await store.pool.write { db in
                    try db.execute(sql: "INSERT INTO schema_migrations VALUES (?, ?, 0)", arguments: [version, name])
                }
            }
            try await contract.run(subject)
            try await store.close()
        }
    }

    @Test(arguments: StoreContract.allCases)
    func postgres(_ contract: StoreContract) async throws {
        try await TestPostgres.withStore(logger: Self.logger) { store in
            let subject = StoreContract.Subject(store: store) { version, name in
                try await store.client.query("INSERT INTO schema_migrations VALUES (\(version), \(name), now())")
            }
            try await contract.run(subject)
        }
    }

    @Test func sqliteFileIsCreatedInWALMode() async throws {
        try await TemporaryDirectory.with { directory in
            let data = "\(directory)/nested/data"
            let store = try SQLiteStore(dataDirectory: data, logger: Self.logger)
            _ = try await store.migrate()
            #expect(FileManager.default.fileExists(atPath: "\(data)/concierge.sqlite"))
            #expect(try await store.journalMode() == "wal")
            try await store.close()
        }
    }

    @Test func bothBackendsKnowTheSameMigrations() {
        #expect(SQLiteStore.knownMigrations.map(\.version) == PostgresStore.knownMigrations.map(\.version))
        #expect(SQLiteStore.knownMigrations.map(\.name) == PostgresStore.knownMigrations.map(\.name))
    }

    @Test func plannerRefusesNewerAndOrdersPending() throws {
        let known = [Migration(version: 2, name: "b", statements: []), Migration(version: 1, name: "a", statements: [])]
        #expect(try MigrationPlanner.pending(applied: [], known: known).map(\.version) == [1, 2])
        #expect(try MigrationPlanner.pending(applied: [1], known: known).map(\.version) == [2])
        #expect(throws: StoreError.schemaTooNew(found: 3, known: 2)) { try MigrationPlanner.pending(applied: [1, 3], known: known) }
    }

    @Test func postgresURLParsing() throws {
        let url = try PostgresURL("postgresql://app%40corp:p%3Ass@db.internal:6543/main?sslmode=require")
        #expect(url.username == "app@corp")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "main")
        #expect(url.sslMode == .require)
        #expect(PostgresURL.redacted("postgres://u:secret@h/d") == "postgres://u:***@h/d")
        #expect(throws: StoreError.self) { try PostgresURL("postgres://u@h/d?sslmode=maybe") }
        #expect(throws: StoreError.self) { try PostgresURL("postgres:///d") }
    }
}
