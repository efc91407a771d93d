import ArgumentParser
import ConciergeCore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations and print what was done."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.load()
        let logger = LoggingBootstrap.bootstrap(configuration)
        do {
            let report = try await StoreFactory.withStore(configuration, logger: logger) { store in try await store.migrate() }
            if report.applied.isEmpty {
                print("Schema is up to date at version \(report.version).")
            } else {
                for migration in report.applied { print("Applied migration \(migration.version) \(migration.name)") }
                print("Schema is now at version \(report.version).")
            }
        } catch {
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }
}
