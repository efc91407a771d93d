import ConciergeCore
public import Logging
import NIOSSL
import PostgresNIO

extension PostgresStore {
    /// Opens one connection outside the pool and runs `SELECT 1`, so `check-config` reports the real reason
    /// (refused, authentication failed, no such database) instead of a pool timeout.
    public static func probe(_ url: PostgresURL, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try url.connectionTLS()
        )
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            do {
                try await connection.query("SELECT 1", logger: logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw StoreError.unavailable(describe(error))
        }
    }
}

extension PostgresURL {
    /// The single-connection form of the TLS settings.
    func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let settings = tlsSettings else { return .disable }
        let context = try NIOSSLContext(configuration: settings.configuration)
        return settings.required ? .require(context) : .prefer(context)
    }
}
