import ConciergeCore
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// `concierge backup`: an online, consistent, checked copy of the SQLite database.
@Suite struct BackupTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func copyTakenWhileWritesGoOnHoldsEveryCommitBeforeIt() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Self.logger)
            _ = try await store.migrate()
            for index in 0..<50 { try await store.setMetadata("before-\(index)", "\(index)") }
            // A writer keeps committing while the copy is taken
            let writer = Task {
                var index = 0
                while !Task.isCancelled {
                    try await store.setMetadata("during-\(index)", "\(index)")
                    index += 1
                }
            }
            let path = "\(directory)/backup/copy.sqlite"
            try FileManager.default.createDirectory(atPath: "\(directory)/backup", withIntermediateDirectories: true)
            let report = try await store.backup(to: path)
            writer.cancel()
            _ = await writer.result
            #expect(report.path == path && report.bytes > 0)
            #expect(report.schemaVersion == SQLiteStore.knownMigrations.map(\.version).max())
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
            // The copy opens as a store of its own, with every commit made before the backup began
            let copy = try SQLiteStore(path: path, logger: Self.logger)
            for index in 0..<50 { #expect(try await copy.metadata("before-\(index)") == "\(index)") }
            #expect(try await copy.appliedMigrations().count == SQLiteStore.knownMigrations.count)
            try await copy.close()
            // An existing file is never overwritten
            await #expect(throws: SQLiteBackupError.self) { try await store.backup(to: path) }
            try await store.close()
        }
    }

    @Test func commandWritesTheCopyAndRefusesToOverwriteOrPostgres() async throws {
        try await TemporaryDirectory.with { directory in
            let environment = ["CONCIERGE_DATA_DIR": "\(directory)/data"]
            let migrated = try await ConciergeProcess.run(["migrate"], environment: environment, directory: directory)
            #expect(migrated.status == 0)
            let created = try await ConciergeProcess.run(["keys", "create", "--name", "ops", "--role", "admin"], environment: environment, directory: directory)
            #expect(created.status == 0)

            let backup = try await ConciergeProcess.run(["backup", "--to", "\(directory)/copy.sqlite"], environment: environment, directory: directory)
            #expect(backup.status == 0, "stderr: \(backup.stderr)")
            #expect(backup.stdout.contains("integrity ok"))
            // The copy serves as a data directory of its own: the key made before the backup is in it
            try FileManager.default.createDirectory(atPath: "\(directory)/restored", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(directory)/copy.sqlite", toPath: "\(directory)/restored/concierge.sqlite")
            let listed = try await ConciergeProcess.run(["keys", "list"], environment: ["CONCIERGE_DATA_DIR": "\(directory)/restored"], directory: directory)
            #expect(listed.status == 0 && listed.stdout.contains("ops"), "stdout: \(listed.stdout) stderr: \(listed.stderr)")

            let again = try await ConciergeProcess.run(["backup", "--to", "\(directory)/copy.sqlite"], environment: environment, directory: directory)
            #expect(again.status == 1 && again.stderr.contains("already exists"))
            let missing = try await ConciergeProcess.run(["backup", "--to", "\(directory)/x.sqlite"], environment: ["CONCIERGE_DATA_DIR": "\(directory)/nothing"], directory: directory)
            #expect(missing.status == 1 && missing.stderr.contains("no database"))
            let postgres = try await ConciergeProcess.run(
                ["backup", "--to", "\(directory)/pg.sqlite"], environment: ["DATABASE_URL": "postgres://u:p@127.0.0.1:1/db"], directory: directory
            )
            #expect(postgres.status == 1 && postgres.stderr.contains("pg_dump"))
        }
    }
}
