import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import GRDB
import Logging
import Testing

/// Commits never checkpoint the WAL (that fsyncs inside one unlucky commit); the store's checkpointer does, beside them.
@Suite struct WALCheckpointTests {
    @Test func commitsLeaveCheckpointsToTheCheckpointer() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            _ = try await store.migrate()
            // The store's connections do not checkpoint inside a commit
            #expect(try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") } == 0)
            // When 8 MiB are committed, they land in the WAL first
            let blob = Data(repeating: 7, count: 64 << 10)
            for index in 0..<128 {
                try await store.pool.write { db in
                    try db.execute(sql: "INSERT INTO concierge_metadata (key, value, updated_at) VALUES (?, ?, 0)", arguments: ["k\(index)", blob])
                }
            }
            // Then the checkpointer copies them into the database file soon after, with no commit doing it
            let file = "\(directory)/concierge.sqlite"
            func bytes(_ path: String) -> Int64 { ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0 }
            let copied = await eventually(timeout: .seconds(10), every: .milliseconds(50)) { bytes(file) >= 8 << 20 }
            #expect(copied, "database file \(bytes(file)) bytes, WAL \(store.walBytes) bytes")
            try await store.close()
        }
    }

    @Test func theWALStaysBoundedUnderSteadyWrites() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a store that checkpoints past 256 KiB and restarts the WAL past 1 MiB
            let policy = WALCheckpointPolicy(threshold: 256 << 10, restartThreshold: 1 << 20, interval: .milliseconds(10))
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let store = try SQLiteStore(path: "\(directory)/concierge.sqlite", checkpoints: policy, logger: logger)
            _ = try await store.migrate()
            // When 48 MiB are committed back to back, with no pause in which a passive checkpoint could catch up
            let blob = Data(repeating: 7, count: 16 << 10)
            var largest: Int64 = 0
            for index in 0..<3072 {
                try await store.pool.write { db in
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO concierge_metadata (key, value, updated_at) VALUES (?, ?, 0)",
                        arguments: ["k\(index % 64)", blob]
                    )
                }
                largest = max(largest, store.walBytes)
            }
            // Then the WAL was restarted along the way instead of growing by every byte written (48 MiB and more).
            // The bound leaves room for a checkpointer starved by a busy machine (24 MiB seen under the parallel suite).
            #expect(largest < 32 << 20, "the WAL grew to \(largest) bytes")
            try await store.close()
        }
    }

    @Test func closingTheStoreCheckpointsAndRemovesTheWAL() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a store that has written (the migrations) and been read
            let store = try SQLiteStore(dataDirectory: directory, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            _ = try await store.migrate()
            _ = try await store.appliedMigrations()
            #expect(FileManager.default.fileExists(atPath: "\(directory)/concierge.sqlite-wal"))
            // When it closes
            try await store.close()
            // Then its last connection checkpointed the WAL and removed it and the shared-memory file
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/concierge.sqlite-wal"))
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/concierge.sqlite-shm"))
        }
    }
}
