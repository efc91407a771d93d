public import ConciergeCore
public import Foundation
import Synchronization

/// Key lookups from memory for a short time, so that authenticating a request reads the database at most once per key
/// per `ttl` instead of once per request. Revoking, rotating or touching a key through this store updates the cache at
/// once; a change made elsewhere (`concierge keys revoke` in another process, another replica) is seen within `ttl`.
/// Unknown ids are not cached. The cache holds at most `capacity` keys and is cleared when it would grow past that.
public final class CachingAPIKeyStore: APIKeyStore {
    private struct Cached {
        var record: APIKeyRecord
        var fetchedAt: ContinuousClock.Instant
    }

    private let base: any APIKeyStore
    private let ttl: Duration
    private let capacity: Int
    private let cache = Mutex<[String: Cached]>([:])

    public init(_ base: any APIKeyStore, ttl: Duration, capacity: Int = 10_000) {
        self.base = base
        self.ttl = ttl
        self.capacity = capacity
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[id] }), now - hit.fetchedAt < ttl { return hit.record }
        guard let record = try await base.key(id: id) else {
            cache.withLock { _ = $0.removeValue(forKey: id) }
            return nil
        }
        cache.withLock { cache in
            if cache.count >= capacity, cache[id] == nil { cache.removeAll(keepingCapacity: true) }
            cache[id] = Cached(record: record, fetchedAt: now)
        }
        return record
    }

    public func createKey(_ record: APIKeyRecord) async throws {
        try await base.createKey(record)
    }

    public func listKeys() async throws -> [APIKeyRecord] {
        try await base.listKeys()
    }

    public func revokeKey(id: String, at time: Date) async throws -> Bool {
        defer { forget(id) }
        return try await base.revokeKey(id: id, at: time)
    }

    public func rotateKey(id: String, newHash: String, graceUntil: Date?) async throws -> Bool {
        defer { forget(id) }
        return try await base.rotateKey(id: id, newHash: newHash, graceUntil: graceUntil)
    }

    public func touchKey(id: String, at time: Date) async throws {
        cache.withLock { $0[id]?.record.lastUsedAt = time }
        try await base.touchKey(id: id, at: time)
    }

    func forget(_ id: String) {
        cache.withLock { _ = $0.removeValue(forKey: id) }
    }
}
