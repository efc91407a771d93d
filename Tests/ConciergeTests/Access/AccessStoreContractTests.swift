import ConciergeCore
import ConciergeStorePostgres
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import Logging
import Testing

/// The key table and the rate-limit buckets behave the same on SQLite and PostgreSQL.
@Suite struct AccessStoreContractTests {
    typealias AccessStore = APIKeyStore & RateLimitStore
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Runs `body` with `replicas` stores on one freshly migrated database (SQLite: one store).
    static func with(_ backend: JobBackend, replicas: Int = 1, _ body: @escaping @Sendable ([any AccessStore]) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            try await TemporaryDirectory.with { directory in
                let store = try SQLiteStore(dataDirectory: directory, logger: logger)
                _ = try await store.migrate()
                try await body([store])
                try await store.close()
            }
        case .postgres:
            try await TestPostgres.withFreshDatabase { url in
                let stores = try (0..<replicas).map { _ in PostgresStore(url: try PostgresURL(url), poolSize: 20, logger: logger) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for store in stores { group.addTask { try await store.run() } }
                    defer { group.cancelAll() }
                    _ = try await stores[0].migrate()
                    try await body(stores)
                }
            }
        }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// One freshly migrated PostgreSQL store (the test is cancelled without `CONCIERGE_TEST_DATABASE_URL`).
    static func withPostgres(_ body: @escaping @Sendable (PostgresStore) async throws -> Void) async throws {
        try await TestPostgres.withStore(logger: logger) { store in
            _ = try await store.migrate()
            try await body(store)
        }
    }

    @Test(arguments: JobBackend.allCases) func keysRoundTripVerbatimAndRevokeAndRotate(_ backend: JobBackend) async throws {
        try await Self.with(backend) { stores in
            let store = stores[0]
            let name = #"o'brien"; DROP TABLE api_keys; -- \ %_ ü"#
            let limits = KeyLimits(requestsPerMinute: 7, tokensPerMinute: 9000, budgetPerDay: MicroUSD(1_500_000), budgetPerMonth: nil)
            let record = APIKeyRecord(
                id: "0a1b2c3d", name: name, role: .analyst, secretHash: String(repeating: "ab", count: 32), limits: limits,
                createdAt: Self.now, expiresAt: Self.now.addingTimeInterval(3600)
            )
            try await store.createKey(record)
            await #expect(throws: AccessError.duplicateKey("0a1b2c3d")) { try await store.createKey(record) }
            let read = try #require(try await store.key(id: "0a1b2c3d"))
            #expect(read.name == name && read.role == .analyst && read.limits == limits && read.secretHash == record.secretHash)
            #expect(abs(read.expiresAt!.timeIntervalSince(record.expiresAt!)) < 0.001)
            #expect(try await store.rotateKey(id: "0a1b2c3d", newHash: "new", graceUntil: Self.now.addingTimeInterval(60)))
            let rotated = try #require(try await store.key(id: "0a1b2c3d"))
            #expect(rotated.secretHash == "new" && rotated.previousSecretHash == record.secretHash)
            #expect(try await store.revokeKey(id: "0a1b2c3d", at: Self.now))
            #expect(try await store.rotateKey(id: "0a1b2c3d", newHash: "newer", graceUntil: nil) == false)
            #expect(try await store.revokeKey(id: "ffffffff", at: Self.now) == false)
            #expect(try await store.listKeys().map(\.id) == ["0a1b2c3d"])
        }
    }

    @Test(arguments: JobBackend.allCases) func concurrentCallersOnEveryReplicaPassExactlyTheLimit(_ backend: JobBackend) async throws {
        try await Self.with(backend, replicas: 3) { stores in
            // 60 concurrent requests spread over the replicas against a limit of 10 per minute, all at one instant
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<60 {
                    let store = stores[index % stores.count]
                    group.addTask { try await store.consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now).allowed }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 10)
            // One unit comes back every 6 seconds
            #expect(try await stores[0].consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now.addingTimeInterval(5.9)).allowed == false)
            #expect(try await stores[0].consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now.addingTimeInterval(6)).allowed)
            // A cost above the limit never passes; token costs spend several units
            #expect(try await stores[0].consume(bucket: "tpm:key:x", cost: 11, limit: 10, now: Self.now).allowed == false)
            let tokens = try await stores[0].consume(bucket: "tpm:key:x", cost: 7, limit: 10, now: Self.now)
            #expect(tokens.allowed && tokens.remaining == 3)
        }
    }

    /// Buckets in the process's memory, as the server keeps them on SQLite (``ProcessAdmission``): sixty concurrent
    /// requests pass exactly the limit, and units come back at the same rate as from the stores' buckets.
    @Test func processBucketsPassExactlyTheLimit() async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Self.logger)
            let limiter = ProcessAdmission(spend: store)
            let decisions = try await withThrowingTaskGroup(of: RateLimitDecision.self) { group in
                for _ in 0..<60 {
                    group.addTask { try await limiter.consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now) }
                }
                return try await group.reduce(into: [RateLimitDecision]()) { $0.append($1) }
            }
            #expect(decisions.filter(\.allowed).count == 10)
            #expect(Set(decisions.filter(\.allowed).map(\.remaining)) == Set(0..<10))
            #expect(try await limiter.consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now.addingTimeInterval(5.9)).allowed == false)
            #expect(try await limiter.consume(bucket: "rpm:key:shared", cost: 1, limit: 10, now: Self.now.addingTimeInterval(6)).allowed)
            try await store.close()
        }
    }
}
