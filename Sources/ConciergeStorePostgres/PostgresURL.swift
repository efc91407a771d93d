import ConciergeCore
import Foundation
import PostgresNIO
import NIOSSL

/// A parsed `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…`).
public struct PostgresURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    /// Parses `string`; the error names what is wrong and never repeats the password.
    public init(_ string: String) throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme else {
            throw StoreError.invalidConfiguration("DATABASE_URL is not a URL (expected postgres://user:password@host:port/database)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw StoreError.invalidConfiguration("DATABASE_URL scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalidConfiguration("DATABASE_URL has no host")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw StoreError.invalidConfiguration("DATABASE_URL port \(port) is out of range 1-65535")
        }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw StoreError.invalidConfiguration("DATABASE_URL has no user name")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        let modeValue = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard let mode = SSLMode(rawValue: modeValue) else {
            throw StoreError.invalidConfiguration(
                "DATABASE_URL sslmode '\(modeValue)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.host = host
        self.port = port
        self.username = user
        self.password = components.percentEncodedPassword?.removingPercentEncoding
        self.database = database.isEmpty ? user : database
        self.sslMode = mode
    }

    /// The URL with the password replaced by `***`, safe for logs and `check-config`.
    public static func redacted(_ string: String) -> String {
        guard var components = URLComponents(string: string) else { return "<unparsable URL>" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "<unparsable URL>"
    }

    func clientConfiguration(poolSize: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = max(1, poolSize)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The TLS settings libpq's `sslmode` implies: nil for `disable`; `required` unless `prefer`.
    var tlsSettings: (configuration: TLSConfiguration, required: Bool)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: break
        }
        return (tls, sslMode != .prefer)
    }

    private var tls: PostgresClient.Configuration.TLS {
        guard let settings = tlsSettings else { return .disable }
        return settings.required ? .require(settings.configuration) : .prefer(settings.configuration)
    }
}
