public import ConciergeCore
public import Logging
public import ServiceLifecycle

/// Deletes finished jobs (completed, dead, cancelled, archived) older than the retention, at start and then
/// every `interval` (a day by default).
public struct JobRetentionSweeper: Service {
    let store: any JobStore
    let retention: Duration
    let interval: Duration
    let logger: Logger

    public init(store: any JobStore, retention: Duration, interval: Duration = .seconds(86_400), logger: Logger) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await sweep()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    /// Runs one sweep; returns how many jobs were deleted.
    @discardableResult
    public func sweep() async -> Int {
        do {
            let deleted = try await store.deleteFinished(before: store.clock.now().adding(.zero - retention))
            logger.info("Swept finished jobs", metadata: ["jobs.deleted": .stringConvertible(deleted)])
            return deleted
        } catch {
            logger.warning("Job retention sweep failed", metadata: ["error.message": .string(String(describing: error))])
            return 0
        }
    }
}
