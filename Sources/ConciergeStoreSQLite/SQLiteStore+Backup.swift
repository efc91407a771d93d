public import ConciergeCore
import Foundation
import GRDB

/// What ``SQLiteStore/backup(to:)`` wrote.
public struct SQLiteBackupReport: Sendable, Hashable {
    public var path: String
    public var bytes: Int64
    /// The copy's schema version (its highest applied migration).
    public var schemaVersion: Int
}

/// A backup that could not be made; nothing is left at the destination.
public struct SQLiteBackupError: StoreDescribableError, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public var storeDescription: String { description }
}

extension SQLiteStore {
    /// An online, consistent copy of the whole database in a new file at `path`, through SQLite's backup API: it
    /// copies one read snapshot, so writers (a running server) carry on meanwhile and none of their commits is half
    /// in the copy. The copy is written beside `path` first, checked (`PRAGMA integrity_check`), and only then
    /// renamed into place, so `path` never holds a partial backup. An existing `path` is refused.
    public func backup(to path: String) async throws -> SQLiteBackupReport {
        let manager = FileManager.default
        guard !manager.fileExists(atPath: path) else { throw SQLiteBackupError(description: "\(path) already exists; choose a new file") }
        let partial = path + ".partial"
        try? manager.removeItem(atPath: partial)
        do {
            let version = try copy(to: partial)
            try manager.moveItem(atPath: partial, toPath: path)
            let bytes = (try manager.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return SQLiteBackupReport(path: path, bytes: bytes, schemaVersion: version)
        } catch {
            try? manager.removeItem(atPath: partial)
            if let error = error as? SQLiteBackupError { throw error }
            throw SQLiteBackupError(description: "backup to \(path) failed: \(Self.describe(error))")
        }
    }

    /// Copies into a new single-file database at `path` (rollback journal, so no `-wal` file travels beside it) and
    /// returns its schema version once it passes the integrity check.
    private func copy(to path: String) throws -> Int {
        let destination = try DatabaseQueue(path: path)
        defer { try? destination.close() }
        try pool.backup(to: destination)
        return try destination.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard integrity == ["ok"] else {
                throw SQLiteBackupError(description: "the copy failed its integrity check: \(integrity.prefix(3).joined(separator: "; "))")
            }
            return try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM schema_migrations") ?? 0
        }
    }
}
