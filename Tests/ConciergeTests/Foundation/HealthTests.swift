import ConciergeCore
import ConciergeHTTP
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct HealthTests {
    @Test func livenessIsOKWithoutTouchingChecks() async throws {
        // A failing database must not affect liveness.
        let deps = HTTPDependencies.test(checks: [FixedHealthCheck(name: "database", result: .failing("down"))])
        try await Application(router: buildRouter(deps)).test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.body.text == #"{"status":"ok"}"#)
        }
    }

    @Test func readinessReportsEveryCheck() async throws {
        try await Application(router: buildRouter(.test())).test(.router) { client in
            let response = try await client.execute(uri: "/health/ready", method: .get)
            #expect(response.status == .ok)
            let body = response.body.json
            #expect(body["status"] as? String == "healthy")
            #expect(body["version"] as? String == ConciergeVersion.current)
            #expect((body["uptime_s"] as? Double).map { $0 >= 0 } == true)
            let database = try #require((body["checks"] as? [String: Any])?["database"] as? [String: Any])
            #expect(database["status"] as? String == "ok")
            #expect(database["latency_ms"] as? Double == 0.5)
        }
    }

    @Test func failingCheckMakesReadiness503WithReason() async throws {
        let deps = HTTPDependencies.test(checks: [
            FixedHealthCheck(name: "database", result: .failing("connection refused")),
            FixedHealthCheck(name: "other", result: .ok()),
        ])
        try await Application(router: buildRouter(deps)).test(.router) { client in
            let response = try await client.execute(uri: "/health/ready", method: .get)
            #expect(response.status == .serviceUnavailable)
            let body = response.body.json
            #expect(body["status"] as? String == "unhealthy")
            let database = try #require((body["checks"] as? [String: Any])?["database"] as? [String: Any])
            #expect(database["status"] as? String == "failing")
            #expect(database["reason"] as? String == "connection refused")
        }
    }

    @Test func drainingMakesReadiness503() async throws {
        let deps = HTTPDependencies.test()
        try await Application(router: buildRouter(deps)).test(.router) { client in
            #expect(try await client.execute(uri: "/health/ready", method: .get).status == .ok)
            deps.readiness.startDraining()
            let response = try await client.execute(uri: "/health/ready", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.json["draining"] as? Bool == true)
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func databaseCheckTimesOutInsteadOfHanging() async throws {
        struct HangingStore: Store {
            let backend = StoreBackend.sqlite
            func migrate() async throws -> MigrationReport { .init(applied: [], version: 0) }
            func appliedMigrations() async throws -> [AppliedMigration] { [] }
            func ping() async throws { try await Task.sleep(for: .seconds(60)) }
            func metadata(_ key: String) async throws -> String? { nil }
            func setMetadata(_ key: String, _ value: String) async throws {}
            func close() async throws {}
        }
        let result = await DatabaseHealthCheck(store: HangingStore(), timeout: .milliseconds(50)).check()
        #expect(result.status == .failing)
        #expect(result.reason?.contains("did not answer") == true)
    }
}
