public import ConciergeCore
public import Foundation

/// Model tokens per minute per key, counted when the call is admitted as estimated prompt tokens plus `max_tokens`
/// (as Azure OpenAI counts its TPM quota), in the same shared GCRA buckets as the request limits.
public struct TokenRateLimiter: Sendable {
    let store: any RateLimitStore
    let now: @Sendable () -> Date

    public init(store: any RateLimitStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// About four bytes per prompt token, plus `max_tokens` (or 1,024 when the request names none).
    public static func tokens(of request: ChatRequest) -> Int {
        let bytes = request.messages.reduce(0) { $0 + ($1.content?.utf8.count ?? 0) + 16 }
        return max(1, bytes / 4) + (request.maxTokens ?? 1024)
    }

    /// Spends the request's tokens from the key's bucket; nil when the key has no token limit.
    public func admit(_ request: ChatRequest, principal: Principal?) async throws -> RateLimitDecision? {
        guard let charge = charge(request, principal: principal) else { return nil }
        return try await store.consume(bucket: charge.bucket, cost: charge.cost, limit: charge.limit, now: now())
    }

    /// The charge ``admit(_:principal:)`` makes, for an ``Admission``; nil when the key has no token limit.
    public func charge(_ request: ChatRequest, principal: Principal?) -> RateCharge? {
        guard let principal, let limit = principal.limits.tokensPerMinute else { return nil }
        return RateCharge(bucket: "tpm:key:\(principal.id)", cost: Self.tokens(of: request), limit: limit)
    }
}
