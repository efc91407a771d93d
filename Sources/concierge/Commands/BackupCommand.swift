import ArgumentParser
import ConciergeCore
import ConciergeStoreSQLite
import Foundation

/// `concierge backup --to FILE`: an online copy of the embedded SQLite database, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to a new file, consistently, while the server keeps running.",
        discussion: "PostgreSQL deployments back up with pg_dump (see docs/operations.md, \"Backups and restore\")."
    )

    @OptionGroup var options: ConfigOptions
    @Option(name: .customLong("to"), help: "The backup file to create (must not exist yet).") var destination: String

    func run() async throws {
        let configuration = try await options.load()
        guard configuration.databaseURL == nil else {
            printError("backup copies the embedded SQLite database; this configuration uses PostgreSQL: use pg_dump (docs/operations.md)")
            throw ExitCode(1)
        }
        guard FileManager.default.fileExists(atPath: configuration.sqlitePath) else {
            printError("no database at \(configuration.sqlitePath) to back up")
            throw ExitCode(1)
        }
        let logger = LoggingBootstrap.bootstrap(configuration)
        let destination = self.destination
        do {
            let store = try SQLiteStore(path: configuration.sqlitePath, logger: logger)
            let report: SQLiteBackupReport
            do {
                report = try await store.backup(to: destination)
            } catch {
                await StoreFactory.close(store, logger: logger)
                throw error
            }
            await StoreFactory.close(store, logger: logger)
            print("Backed up \(configuration.sqlitePath) to \(report.path): \(report.bytes) bytes, schema version \(report.schemaVersion), integrity ok.")
        } catch {
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }
}
