import ConciergeCore
import ConciergeHTTP
import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Synchronization
import Testing

/// Authentication on a real SQLite key table, in `.router` mode, with a clock the test moves.
@Suite struct AuthenticationTests {
    final class TestClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    struct Harness: Sendable {
        let client: any TestClientProtocol
        let store: SQLiteStore
        let keys: AccessTestKeys
        let clock: TestClock

        func get(_ uri: String, _ headers: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: [String: Any]) {
            try await client.execute(uri: uri, method: .get, headers: headers) { response in
                let body = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
                return (response.status, response.headers, body)
            }
        }
    }

    static func with(
        rpm: Int = 0, metricsOpen: Bool = true, metricsToken: String? = nil, _ body: @escaping @Sendable (Harness) async throws -> Void
    ) async throws {
        try await TemporaryDirectory.with { directory in
            let store = try SQLiteStore(dataDirectory: directory, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            _ = try await store.migrate()
            let clock = TestClock()
            let keys = try await AccessTestKeys.issue(in: store)
            let access = AccessControl(
                keys: store, rateLimits: rpm > 0 ? store : nil, defaultRequestsPerMinute: rpm, metricsOpen: metricsOpen,
                metricsToken: metricsToken, now: { clock.now() }
            )
            let dependencies = HTTPDependencies(maxBodyBytes: 1 << 16, healthChecks: [], registry: PrometheusCollectorRegistry(), access: access)
            let router = buildRouter(dependencies) { KeysAdminController(keys: store, now: { clock.now() }).register(on: $0) }
            try await Application(router: router).test(.router) { client in
                try await body(Harness(client: client, store: store, keys: keys, clock: clock))
            }
            try await store.close()
        }
    }

    static func bearer(_ secret: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(secret)"
        return headers
    }

    @Test func unknownRevokedExpiredAndWrongKeysGetTheSame401Body() async throws {
        try await Self.with { h in
            // Given a revoked key and an expiring key
            let revoked = try await KeyIssuer(keys: h.store, now: { h.clock.now() }).create(name: "r", role: .admin, limits: KeyLimits(), expiresAt: nil)
            _ = try await h.store.revokeKey(id: revoked.record.id, at: h.clock.now())
            let expiring = try await KeyIssuer(keys: h.store).create(
                name: "e", role: .admin, limits: KeyLimits(), expiresAt: h.clock.now().addingTimeInterval(60)
            )
            #expect(try await h.get("/admin/keys", Self.bearer(expiring.secret)).status == .ok)
            h.clock.advance(61)
            // When each is presented, and keys that never existed
            let admin = h.keys.secrets[.admin]!
            let presented = [
                revoked.secret, expiring.secret, "ck_0badf00d_" + String(repeating: "A", count: 43), String(admin.dropLast()) + "x",
                "not-a-key", "",
            ]
            var bodies: Set<String> = []
            for secret in presented {
                let answer = try await h.get("/admin/keys", Self.bearer(secret))
                #expect(answer.status == .unauthorized)
                let error = answer.body["error"] as? [String: Any]
                bodies.insert("\(error?["code"] ?? "") \(error?["message"] ?? "")")
            }
            let missing = try await h.get("/admin/keys")
            #expect(missing.status == .unauthorized)
            // Then they all look alike
            #expect(bodies == ["unauthorized A valid API key is required."])
        }
    }

    @Test func storedHashIsTheSHA256OfThePresentedKeyInLowerCaseHex() {
        #expect(APIKeySecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(APIKeySecret.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func theBearerSchemeIgnoresCaseAndNothingElse() async throws {
        try await Self.with { h in
            let admin = h.keys.secrets[.admin]!
            for (scheme, status) in [("bEaReR", HTTPResponse.Status.ok), ("BEARER", .ok), ("Basic", .unauthorized), ("Bearers", .unauthorized)] {
                var headers = HTTPFields()
                headers[.authorization] = "\(scheme) \(admin)"
                let answer = try await h.get("/admin/keys", headers)
                #expect(answer.status == status, "\(scheme)")
            }
        }
    }

    @Test func xAPIKeyWorksAndTwoCredentialsOrAnOversizedOneAreRefused() async throws {
        try await Self.with { h in
            let admin = h.keys.secrets[.admin]!
            var apiKey = HTTPFields()
            apiKey[HTTPField.Name("X-API-Key")!] = admin
            #expect(try await h.get("/admin/keys", apiKey).status == .ok)
            var both = Self.bearer(admin)
            both[HTTPField.Name("X-API-Key")!] = admin
            let ambiguous = try await h.get("/admin/keys", both)
            #expect(ambiguous.status == .badRequest)
            var twice = HTTPFields()
            twice.append(HTTPField(name: .authorization, value: "Bearer \(admin)"))
            twice.append(HTTPField(name: .authorization, value: "Bearer \(admin)"))
            #expect(try await h.get("/admin/keys", twice).status == .badRequest)
            #expect(try await h.get("/admin/keys", Self.bearer(admin + String(repeating: "x", count: 100_000))).status == .unauthorized)
        }
    }

    @Test func rotationKeepsTheOldSecretOnlyForItsGracePeriod() async throws {
        try await Self.with { h in
            let issuer = KeyIssuer(keys: h.store, now: { h.clock.now() })
            let old = h.keys.secrets[.user]!
            let rotated = try await issuer.rotate(id: h.keys.ids[.user]!, grace: 30)
            #expect(rotated.secret != old)
            #expect(try await h.get("/v1/models", Self.bearer(old)).status != .unauthorized)
            #expect(try await h.get("/v1/models", Self.bearer(rotated.secret)).status != .unauthorized)
            h.clock.advance(31)
            #expect(try await h.get("/v1/models", Self.bearer(old)).status == .unauthorized)
            #expect(try await h.get("/v1/models", Self.bearer(rotated.secret)).status != .unauthorized)
            // A rotation without grace retires the old secret at once
            let again = try await issuer.rotate(id: h.keys.ids[.user]!, grace: 0)
            #expect(try await h.get("/v1/models", Self.bearer(rotated.secret)).status == .unauthorized)
            #expect(try await h.get("/v1/models", Self.bearer(again.secret)).status != .unauthorized)
        }
    }

    @Test func theRateLimitAnswers429WithRetryAfterAndRefills() async throws {
        try await Self.with(rpm: 3) { h in
            let admin = Self.bearer(h.keys.secrets[.admin]!)
            var remaining: [String?] = []
            for _ in 0..<3 {
                let answer = try await h.get("/admin/keys", admin)
                #expect(answer.status == .ok)
                remaining.append(answer.headers[HTTPField.Name("RateLimit-Remaining")!])
            }
            #expect(remaining == ["2", "1", "0"])
            let refused = try await h.get("/admin/keys", admin)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "20")
            #expect(refused.headers[HTTPField.Name("RateLimit-Limit")!] == "3")
            #expect((refused.body["error"] as? [String: Any])?["code"] as? String == "rate_limited")
            // Another key has its own bucket
            #expect(try await h.get("/admin/keys", Self.bearer(h.keys.secrets[.user]!)).status == .forbidden)
            h.clock.advance(20)
            #expect(try await h.get("/admin/keys", admin).status == .ok)
        }
    }

    @Test func failedAuthenticationIsLimitedPerClientIP() async throws {
        try await Self.with(rpm: 2) { h async throws in
            #expect(try await h.get("/admin/keys").status == .unauthorized)
            #expect(try await h.get("/admin/keys").status == .unauthorized)
            #expect(try await h.get("/admin/keys").status == .tooManyRequests)
        }
    }

    @Test func metricsNeedTheScrapeTokenOffLoopback() async throws {
        try await Self.with(metricsOpen: false, metricsToken: "scrape-token-0123456789") { h async throws in
            #expect(try await h.get("/metrics").status == .unauthorized)
            #expect(try await h.get("/metrics", Self.bearer("scrape-token-0123456789x")).status == .unauthorized)
            #expect(try await h.get("/metrics", Self.bearer("scrape-token-0123456789")).status == .ok)
            #expect(try await h.get("/health").status == .ok)
        }
    }

    @Test func adminKeysRoutesCreateListRevokeAndRotate() async throws {
        try await Self.with { h in
            var headers = Self.bearer(h.keys.secrets[.admin]!)
            headers[.contentType] = "application/json"
            let name = #"x'); DELETE FROM api_keys; -- "quoted" \ %_"#
            let body = try JSONSerialization.data(withJSONObject: ["name": name, "role": "user", "budget_day_usd": 1.5, "expires_at": "2099-01-31"])
            let created = try await h.client.execute(uri: "/admin/keys", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
                (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:])
            }
            #expect(created.0 == .created)
            #expect(created.1["name"] as? String == name)
            #expect(created.1["budget_day_usd"] as? String == "1.500000")
            let secret = try #require(created.1["secret"] as? String)
            let id = try #require(created.1["id"] as? String)
            let list = try await h.get("/admin/keys", headers)
            let keys = list.body["keys"] as? [[String: Any]] ?? []
            #expect(keys.count == 4)
            #expect(keys.allSatisfy { $0["secret"] == nil })
            #expect(keys.contains { $0["name"] as? String == name })
            #expect(try await h.get("/v1/models", Self.bearer(secret)).status != .unauthorized)
            let revoked = try await h.client.execute(uri: "/admin/keys/\(id)/revoke", method: .post, headers: headers) { $0.status }
            #expect(revoked == .ok)
            #expect(try await h.get("/v1/models", Self.bearer(secret)).status == .unauthorized)
            let missing = try await h.client.execute(uri: "/admin/keys/0000beef/rotate", method: .post, headers: headers) { $0.status }
            #expect(missing == .notFound)
        }
    }
}
