import ConciergeCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes finished task runs (with their journals and events) older than `tasks.retention_days`, at start and then
/// daily, so finished runs live in the store under a retention policy and never pile up in memory.
struct RunRetentionSweeper: Service {
    let runs: any RunStore
    let retentionSeconds: Double
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await sweep()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    @discardableResult
    func sweep() async -> Int {
        do {
            let deleted = try await runs.deleteFinishedRuns(before: Date().addingTimeInterval(-retentionSeconds))
            logger.info("Swept finished task runs", metadata: ["tasks.deleted": .stringConvertible(deleted)])
            return deleted
        } catch {
            logger.warning("Task run retention sweep failed", metadata: ["error.message": .string(String(describing: error))])
            return 0
        }
    }
}
