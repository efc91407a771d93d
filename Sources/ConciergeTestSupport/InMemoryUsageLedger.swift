public import ConciergeCore
public import Foundation
import Synchronization

/// A ledger and response cache in memory, for router and gateway tests.
public final class InMemoryUsageLedger: UsageLedger, ResponseCache {
    private let rows = Mutex<[UsageRecord]>([])
    private let entries = Mutex<[String: (request: String, response: ChatResponse, expiresAt: Date)]>([:])

    public init() {}

    public var all: [UsageRecord] { rows.withLock { $0 } }

    public func record(_ records: [UsageRecord]) async throws {
        rows.withLock { $0 += records }
    }

    public func records(_ query: UsageQuery) async throws -> [UsageRecord] {
        rows.withLock { rows in
            Array(
                rows.reversed()
                    .filter { query.requestID == nil || $0.requestID == query.requestID }
                    .filter { query.since == nil || $0.time >= query.since! }
                    .prefix(query.limit)
            )
        }
    }

    public func totals(since: Date?) async throws -> UsageTotals {
        let selected = rows.withLock { $0.filter { since == nil || $0.time >= since! } }
        return UsageTotals(
            rows: selected.count, promptTokens: selected.reduce(0) { $0 + $1.promptTokens },
            completionTokens: selected.reduce(0) { $0 + $1.completionTokens }, cachedTokens: selected.reduce(0) { $0 + $1.cachedTokens },
            cost: selected.reduce(MicroUSD.zero) { $0 + $1.cost }
        )
    }

    public func cachedResponse(key: String, request: String, now: Date) async throws -> ChatResponse? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.request == request, entry.expiresAt > now else { return nil }
            return entry.response
        }
    }

    public func storeResponse(_ response: ChatResponse, key: String, request: String, expiresAt: Date, now: Date) async throws {
        entries.withLock { $0[key] = (request, response, expiresAt) }
    }

    public func purgeExpiredResponses(now: Date) async throws -> Int {
        entries.withLock { entries in
            let expired = entries.filter { $0.value.expiresAt <= now }.map(\.key)
            for key in expired { entries.removeValue(forKey: key) }
            return expired.count
        }
    }
}
