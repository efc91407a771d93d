import ArgumentParser
import ConciergeCore
import ConciergeStorePostgres
import Foundation

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate every setting and reach the database; one line per problem, exit 1 on any."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let (configuration, problems) = await ConfigurationLoader.load(
            environment: ProcessInfo.processInfo.environment, flags: options.flags, configFile: options.config
        )
        var lines = problems.map(\.description)
        if problems.isEmpty {
            lines += LLMSetup.resolve(configuration, environment: ProcessInfo.processInfo.environment).problems
            lines += await Self.checkDatabase(configuration)
        }
        guard lines.isEmpty else {
            for line in lines { print("problem: \(SecretScrubber.scrub(line))") }
            throw ExitCode(1)
        }
        let database = configuration.databaseURL.map { "PostgreSQL \(PostgresURL.redacted($0))" } ?? "SQLite \(configuration.sqlitePath)"
        let models = LLMSetup.resolve(configuration, environment: ProcessInfo.processInfo.environment)
        let aliases = models.aliases.keys.sorted().map { "\($0) → \(models.aliases[$0, default: []].joined(separator: ", "))" }
        print("ok: configuration is valid; database reachable (\(database)); model aliases: \(aliases.joined(separator: "; "))")
    }

    /// Reaches the database without changing it: ping, and compare its schema with this binary's.
    static func checkDatabase(_ configuration: AppConfiguration) async -> [String] {
        let logger = LoggingBootstrap.quiet()
        do {
            if let url = configuration.databaseURL {
                try await PostgresStore.probe(try PostgresURL(url), logger: logger)
            }
            return try await StoreFactory.withStore(configuration, logger: logger, createIfMissing: false) { store in
                try await withDeadline(.seconds(5)) { try await store.ping() }
                let applied = try await store.appliedMigrations().map(\.version)
                _ = try MigrationPlanner.pending(applied: applied, known: StoreFactory.knownMigrations(configuration))
                return []
            }
        } catch is DeadlineExceeded {
            return ["database: did not answer within 5 s"]
        } catch {
            return ["database: \(StartupError.describe(error))"]
        }
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(SecretScrubber.scrub(message))\n".utf8))
}
