import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

@Suite struct CachingAPIKeyStoreTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func withStore(_ body: @escaping @Sendable (SQLiteStore) async throws -> Void) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: logger)
            _ = try await store.migrate()
            try await store.createKey(APIKeyRecord(id: "0a1b2c3d", name: "k", role: .user, secretHash: "h1", limits: KeyLimits(), createdAt: now))
            try await body(store)
            try await store.close()
        }
    }

    @Test func aChangeElsewhereIsSeenOnlyAfterTheTTL() async throws {
        try await Self.withStore { store in
            // Given a key read once through a cache with a long lifetime, then revoked behind the cache's back
            let cached = CachingAPIKeyStore(store, ttl: .seconds(3600))
            let read1 = try await cached.key(id: "0a1b2c3d")
            #expect(read1?.revokedAt == nil)
            _ = try await store.revokeKey(id: "0a1b2c3d", at: Self.now)
            // Then the cache still answers the old record, and a cache with no lifetime sees the revocation
            let read2 = try await cached.key(id: "0a1b2c3d")
            #expect(read2?.revokedAt == nil)
            let read3 = try await CachingAPIKeyStore(store, ttl: .zero).key(id: "0a1b2c3d")
            #expect(read3?.revokedAt == Self.now)
        }
    }

    @Test func revokingOrRotatingThroughTheCacheIsSeenAtOnce() async throws {
        try await Self.withStore { store in
            let cached = CachingAPIKeyStore(store, ttl: .seconds(3600))
            let read4 = try await cached.key(id: "0a1b2c3d")
            #expect(read4?.secretHash == "h1")
            #expect(try await cached.rotateKey(id: "0a1b2c3d", newHash: "h2", graceUntil: nil))
            let read5 = try await cached.key(id: "0a1b2c3d")
            #expect(read5?.secretHash == "h2")
            #expect(try await cached.revokeKey(id: "0a1b2c3d", at: Self.now))
            let read6 = try await cached.key(id: "0a1b2c3d")
            #expect(read6?.revokedAt == Self.now)
            let read7 = try await cached.key(id: "ffffffff")
            #expect(read7 == nil)
        }
    }

    @Test func touchingUpdatesTheCachedLastUse() async throws {
        try await Self.withStore { store in
            let cached = CachingAPIKeyStore(store, ttl: .seconds(3600))
            _ = try await cached.key(id: "0a1b2c3d")
            try await cached.touchKey(id: "0a1b2c3d", at: Self.now)
            let read8 = try await cached.key(id: "0a1b2c3d")
            #expect(read8?.lastUsedAt == Self.now)
            let read9 = try await store.key(id: "0a1b2c3d")
            #expect(read9?.lastUsedAt == Self.now)
        }
    }
}
