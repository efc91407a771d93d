import Foundation
import GRDB
import Logging
import Synchronization

/// Checkpoints the WAL off the commit path. SQLite's automatic checkpoint runs inside whichever commit pushes the
/// WAL past 1,000 pages, so about one commit in a few hundred pays a checkpoint with its fsyncs (3–5 ms here): the
/// p99 of a task run or a gateway call. The store turns the automatic checkpoint off on its connections and this
/// type checkpoints on a connection of its own, on GRDB's queue thread, whenever the WAL file has grown past
/// `threshold` bytes (checked every `interval`, a `stat`).
///
/// A checkpoint is a passive one: it copies the WAL into the database file without waiting for anyone, so commits go
/// on meanwhile. But a writer reuses the WAL from its start only when a checkpoint has copied *every* frame, and under
/// steady writes new frames always arrive while the passive copy runs: the WAL then never restarts and grows by every
/// byte written (1 GB a minute under the tasks benchmark). So once the WAL holds `restartThreshold` bytes of frames,
/// a second passive checkpoint runs on the store's writer connection, in line with the commits: nothing is written
/// while it copies the few frames that arrived since the first, so it copies them all and the next commit writes from
/// the WAL's start. Commits wait for that short copy (one fsync) in the writer's queue, never in a busy loop; a reader
/// still on the WAL's old frames just defers the restart to a later round.
/// Commits themselves never fsync (synchronous=NORMAL in WAL mode).
final class WALCheckpointer: Sendable {
    private let walPath: String
    private let connection: DatabaseQueue
    private let writer: DatabasePool
    private let threshold: Int64
    private let restartThreshold: Int64
    private let interval: Duration
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(path: String, writer: DatabasePool, configuration: Configuration, policy: WALCheckpointPolicy, logger: Logger) throws {
        walPath = path + "-wal"
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.writer = writer
        threshold = policy.threshold
        restartThreshold = policy.restartThreshold
        interval = policy.interval
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

    /// One checkpoint: a passive copy of the WAL beside the commits, then, when the WAL holds `restartThreshold` bytes
    /// of frames or more (its file never shrinks, so its size says nothing once it has grown), a second one in line
    /// with them, after which the next commit reuses the WAL from its start.
    func checkpoint() async {
        let restartThreshold = self.restartThreshold
        do {
            let restart = try await connection.writeWithoutTransaction { db in
                // The row of a checkpoint: busy, frames in the WAL, frames copied.
                let frames = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")?[1] as Int64? ?? 0
                let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
                return frames * (pageSize + 24) >= restartThreshold
            }
            guard restart else { return }
            try await writer.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        } catch {
            logger.warning("WAL checkpoint failed", metadata: ["error.message": .string(SQLiteStore.describe(error))])
        }
    }
}
