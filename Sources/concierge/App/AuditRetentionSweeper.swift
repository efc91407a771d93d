import ConciergeCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes audit events older than the retention period once an hour, until graceful shutdown.
struct AuditRetentionSweeper: Service {
    let log: any AuditLog
    let retentionDays: Double
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let removed = try await log.purgeAudit(before: Date().addingTimeInterval(-retentionDays * 86_400))
                if removed > 0 { logger.info("Purged audit events", metadata: ["audit.removed": .stringConvertible(removed)]) }
            } catch {
                logger.warning("Audit purge failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
