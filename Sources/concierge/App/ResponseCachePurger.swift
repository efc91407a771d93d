import ConciergeCore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes expired response-cache entries every few minutes, until graceful shutdown.
struct ResponseCachePurger: Service {
    let cache: any ResponseCache
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // The first purge waits one interval: migrations run after services start.
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            guard !Task.isShuttingDownGracefully, !Task.isCancelled else { return }
            do {
                let removed = try await cache.purgeExpiredResponses(now: Date())
                if removed > 0 { logger.debug("Purged response cache", metadata: ["llm.cache.removed": .stringConvertible(removed)]) }
            } catch {
                logger.warning("Response cache purge failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            }
        }
    }
}
