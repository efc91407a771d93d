#if canImport(Glibc)
import Glibc
#endif
package import Logging
import NIOPosix
import Synchronization

/// The one thread that writes the ledger rows queued behind the responses, at a lower CPU priority than the calls.
///
/// A write of 32 rows takes about 0.35 ms of CPU. At the calls' own priority it delays whichever call shares a core
/// with it, which is the added p99 of a gateway call at c=1 (docs/benchmarks.md, session 20). With a higher nice value
/// the scheduler runs the calls first and the write in their gaps. On a saturated machine the write falls behind, so
/// the next one carries more rows at a lower cost per row; the write-behind queue's bound is the backstop. RocksDB
/// lowers its background compaction threads the same way.
///
/// Linux keeps a nice value per thread: `setpriority(PRIO_PROCESS, 0, n)` changes the calling thread only. The value is
/// relative to the process's, so a process started with `nice` keeps its writer below its calls. An unprivileged
/// thread can raise its nice value but not lower it again, so the thread keeps the value for life and runs nothing
/// else. GRDB runs a synchronous `write` on the calling thread (a `dispatch_sync` onto its writer queue),
/// so the SQLite work of ``run(_:)``'s body happens on this thread.
package final class LedgerWriterThread: Sendable {
    private let pool = NIOThreadPool(numberOfThreads: 1)
    /// How many steps the thread's nice value is above the process's (1–19; the value stops at 19).
    private let steps: Int32
    /// The thread's `setpriority` result: nil until it ran, else the `errno` it failed with or 0.
    private let outcome = Mutex<Int32?>(nil)

    package init(niceSteps: Int, logger: Logger) {
        steps = Int32(clamping: niceSteps)
        pool.start()
        // The pool's one thread takes work in order, so this runs before any write. The thread started with the nice
        // value of the thread that created it.
        pool.submit { [self] _ in
            errno = 0
            let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
            let result = errno == 0 && setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, min(19, current + steps)) == 0 ? 0 : errno
            outcome.withLock { $0 = result }
            if result != 0 {
                logger.warning("Ledger writer runs at the calls' priority", metadata: ["error.errno": .stringConvertible(result)])
            }
        }
    }

    /// Runs `body` on the thread; throws `CancellationError` if the task is cancelled before it starts.
    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    /// nil while the priority is not set yet, else the `errno` of a failed `setpriority` or 0.
    package var priorityError: Int32? { outcome.withLock { $0 } }

    /// Ends the thread once the write in progress, if any, is done; writes still queued fail with `CancellationError`.
    /// The store calls it from `close()`, after the flusher's last write.
    package func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// A store dropped without `close()` still ends the thread (a thread pool must be shut down before it goes).
    deinit {
        pool.shutdownGracefully { _ in }
    }
}
