import ConciergeCore
import Foundation
import Logging

extension ModelRouter {
    /// A cached answer, recorded in the ledger as a `cache_hit` row with no tokens and no cost (nothing was generated).
    func cachedResponse(_ key: ResponseCacheKey, request: ChatRequest) async -> ChatResponse? {
        guard let cache else { return nil }
        let start = clock.now()
        let hit: ChatResponse?
        do {
            hit = try await cache.cachedResponse(key: key.hash, request: key.text, now: wallClock())
        } catch {
            logger.warning("Response cache read failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
            return nil
        }
        metrics.cacheLookup(hit: hit != nil)
        guard let hit else { return nil }
        let elapsed = clock.now() - start
        metrics.attempt(deployment: "cache", model: hit.model, outcome: .cacheHit, duration: elapsed, timeToFirstToken: nil)
        await write(
            UsageRecord(
                time: wallClock(), operation: request.attribution.operation ?? "chat", requestID: request.attribution.requestID,
                runID: request.attribution.runID, callerID: request.attribution.callerID, alias: request.model, deployment: "cache",
                model: hit.model, attempt: 1, usage: .zero, cost: .zero, latencyMilliseconds: Int(elapsed.inMilliseconds.rounded()),
                timeToFirstTokenMilliseconds: nil, outcome: .cacheHit
            )
        )
        return hit
    }

    func store(_ response: ChatResponse, key: ResponseCacheKey) async {
        guard let cache, response.finishReason != .length || response.content != nil else { return }
        let now = wallClock()
        do {
            try await cache.storeResponse(response, key: key.hash, request: key.text, expiresAt: now.addingTimeInterval(settings.cacheTTL.inSeconds), now: now)
        } catch {
            logger.warning("Response cache write failed", metadata: ["error.type": .string(String(describing: type(of: error)))])
        }
    }
}
