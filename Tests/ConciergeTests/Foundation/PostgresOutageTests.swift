import ConciergeTestSupport
import Foundation
import HTTPTypes
import Testing

/// Readiness follows the database: 503 within 5 s of PostgreSQL stopping, 200 again after it returns, no restart.
@Suite struct PostgresOutageTests {
    @Test func readinessFollowsPostgres() async throws {
        let cluster = try await PostgresCluster()
        do {
            try await check(cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    func check(_ cluster: PostgresCluster) async throws {
        try await TemporaryDirectory.with { directory in
            let server = try ConciergeProcess(
                ["serve"],
                environment: ["CONCIERGE_PORT": "0", "DATABASE_URL": cluster.url, "CONCIERGE_DATA_DIR": directory],
                directory: directory
            )
            defer { server.kill() }
            let port = try await server.waitUntilServing()
            #expect(try await HTTPProbe.request(port: port, "/health/ready").status == .ok)

            try await cluster.stop()
            let stoppedAt = ContinuousClock.now
            let wentDown = await eventually(timeout: .seconds(5), every: .milliseconds(100)) {
                (try? await HTTPProbe.request(port: port, "/health/ready", timeout: .seconds(4)).status) == .serviceUnavailable
            }
            #expect(wentDown, "readiness still 200 five seconds after PostgreSQL stopped")
            #expect(ContinuousClock.now - stoppedAt <= .seconds(5.5))
            let down = try await HTTPProbe.request(port: port, "/health/ready")
            let check = (down.json["checks"] as? [String: Any])?["database"] as? [String: Any]
            #expect(check?["status"] as? String == "failing")
            #expect((check?["reason"] as? String)?.isEmpty == false)
            #expect(try await HTTPProbe.request(port: port, "/health").status == .ok)

            try await cluster.start()
            let cameBack = await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
                (try? await HTTPProbe.request(port: port, "/health/ready", timeout: .seconds(4)).status) == .ok
            }
            #expect(cameBack, "readiness did not return to 200 after PostgreSQL came back")
            #expect(server.process.isRunning)
        }
    }
}
