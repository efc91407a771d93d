public import Foundation

/// Stored answers keyed by a hash of the normalised request, shared by every replica on the same store.
/// Implementations compare `request` (the normalised request text) too, so a hash collision never serves
/// another request's answer.
public protocol ResponseCache: Sendable {
    /// The unexpired entry for `key` whose stored request text equals `request`, if any.
    func cachedResponse(key: String, request: String, now: Date) async throws -> ChatResponse?
    /// Stores (or replaces) an entry.
    func storeResponse(_ response: ChatResponse, key: String, request: String, expiresAt: Date, now: Date) async throws
    /// Deletes expired entries; returns how many.
    @discardableResult
    func purgeExpiredResponses(now: Date) async throws -> Int
}
