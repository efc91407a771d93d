import ArgumentParser
import Foundation

/// The flags shared by every command that reads the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (YAML or JSON). Also CONCIERGE_CONFIG.")
    var config: String?

    @Option(name: .long, help: "Address to bind. Also CONCIERGE_HOST (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to bind. Also CONCIERGE_PORT (default 8080).")
    var port: String?

    @Option(name: .customLong("data-dir"), help: "Data directory for the SQLite file. Also CONCIERGE_DATA_DIR (default ./data).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL; unset means SQLite. Also DATABASE_URL.")
    var databaseURL: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Also CONCIERGE_LOG_LEVEL.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "json or text. Also CONCIERGE_LOG_FORMAT.")
    var logFormat: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        flags["host"] = host
        flags["port"] = port
        flags["data-dir"] = dataDirectory
        flags["database-url"] = databaseURL
        flags["log-level"] = logLevel
        flags["log-format"] = logFormat
        return flags
    }

    /// Loads the configuration; on any problem prints one line per problem to standard error and exits 1.
    func load() async throws -> AppConfiguration {
        let (configuration, problems) = await ConfigurationLoader.load(
            environment: ProcessInfo.processInfo.environment, flags: flags, configFile: config
        )
        guard problems.isEmpty else {
            for problem in problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
            throw ExitCode(1)
        }
        return configuration
    }
}
