import Foundation
import GRDB
import Logging
import Synchronization

/// Checkpoints the WAL off the commit path. SQLite's automatic checkpoint runs inside whichever commit pushes the
/// WAL past 1,000 pages, so about one commit in a few hundred pays a checkpoint with its fsyncs (3–5 ms here): the
/// p99 of a task run or a gateway call. The store turns the automatic checkpoint off on its connections and this
/// type runs `PRAGMA wal_checkpoint(PASSIVE)` on a connection of its own, on GRDB's queue thread, whenever the WAL
/// file has grown past `threshold` bytes (checked every `interval`, a `stat`). A passive checkpoint never waits for
/// writers or readers, so commits go on meanwhile; the writer reuses the WAL from its start once a checkpoint has
/// caught up, as before. Commits themselves never fsync (synchronous=NORMAL in WAL mode).
final class WALCheckpointer: Sendable {
    private let walPath: String
    private let connection: DatabaseQueue
    private let threshold: Int64
    private let interval: Duration
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(path: String, configuration: Configuration, threshold: Int64 = 4 << 20, interval: Duration = .milliseconds(200), logger: Logger) throws {
        walPath = path + "-wal"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.threshold = threshold
        self.interval = interval
        self.logger = logger
    }

    func start() {
        let interval = self.interval
        let loop = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                if walBytes >= threshold { await checkpoint() }
            }
        }
        task.withLock { $0 = loop }
    }

    deinit {
        task.withLock { $0?.cancel() }
    }

    /// Stops the loop, waiting for a checkpoint in progress; the connection stays open for ``close()``.
    func stop() async {
        let loop = task.withLock { task in
            defer { task = nil }
            return task
        }
        loop?.cancel()
        await loop?.value
    }

    /// Closes the connection. Close it after the store's pool: the last connection to a WAL database to close
    /// checkpoints it and removes the `-wal` and `-shm` files, and the pool's last connection is a read-only reader,
    /// which cannot (GRDB closes its writer first), whereas this one can.
    func close() throws {
        try connection.close()
    }

    var walBytes: Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: walPath)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    /// One passive checkpoint: copies what it can of the WAL into the database file.
    func checkpoint() async {
        do {
            try await connection.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error.message": .string(SQLiteStore.describe(error))])
        }
    }
}
