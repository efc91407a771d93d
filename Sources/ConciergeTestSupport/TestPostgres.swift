import Foundation
public import Logging
import PostgresNIO
public import ConciergeStorePostgres
public import Testing

/// A real PostgreSQL server for tests, named by `CONCIERGE_TEST_DATABASE_URL` (a role allowed to create databases).
/// `.ci/run` always sets it; locally, tests that need it are skipped with a message when it is unset.
public enum TestPostgres {
    public static let variable = "CONCIERGE_TEST_DATABASE_URL"

    public static var adminURL: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The admin URL, or skips the running test (fails it under CI, where PostgreSQL must be configured).
    public static func requireURL(sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if let adminURL { return adminURL }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(variable) is not set under CI: the PostgreSQL half must run", sourceLocation: sourceLocation)
            throw TestPostgresError.notConfigured
        }
        try Test.cancel("skipped: PostgreSQL not configured (set \(variable) to run the PostgreSQL half)", sourceLocation: sourceLocation)
    }

    /// Creates an empty database, runs `body` with its URL, then drops it.
    public static func withFreshDatabase<T: Sendable>(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let admin = try requireURL(sourceLocation: sourceLocation)
        let name = "concierge_test_\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
        try await runAdmin(admin, "CREATE DATABASE \(name)")
        let url = databaseURL(admin, database: name)
        do {
            let result = try await body(url)
            try? await runAdmin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return result
        } catch {
            try? await runAdmin(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// A ``PostgresStore`` on a fresh database, its pool running while `body` runs. Migrations are not applied:
    /// tests call `store.migrate()` themselves (some inspect its report, some test the migrations).
    public static func withStore(
        poolSize: Int = 4, logger: Logger, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: @Sendable (PostgresStore) async throws -> Void
    ) async throws {
        try await withFreshDatabase(sourceLocation: sourceLocation) { url in
            let store = PostgresStore(url: try PostgresURL(url), poolSize: poolSize, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.run() }
                defer { group.cancelAll() }
                try await body(store)
            }
        }
    }

    /// `admin` with its database name replaced.
    public static func databaseURL(_ admin: String, database: String) -> String {
        guard var components = URLComponents(string: admin) else { return admin }
        components.path = "/\(database)"
        return components.string ?? admin
    }

    static func runAdmin(_ url: String, _ sql: String) async throws {
        let parsed = try PostgresURL(url)
        var configuration = PostgresConnection.Configuration(
            host: parsed.host, port: parsed.port, username: parsed.username, password: parsed.password,
            database: parsed.database, tls: .disable
        )
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "test-postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

public enum TestPostgresError: Error {
    case notConfigured
}
