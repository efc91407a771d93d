import ConciergeTestSupport
import Foundation
import HTTPTypes
import Testing

/// `concierge keys …` as an operator runs it, then the key against a real server.
@Suite struct KeysCLITests {
    static func environment(_ directory: String) -> [String: String] {
        ["CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_PORT": "0", "CONCIERGE_SHUTDOWN_DELAY_S": "0"]
    }

    static func run(_ arguments: [String], _ directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await ConciergeProcess.run(arguments, environment: environment(directory), directory: directory)
    }

    static func bearer(_ secret: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(secret)"
        return headers
    }

    @Test func createdKeyOpensAdminRoutesUntilRevokedAndListNeverShowsTheSecret() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a migrated database and a key made on the command line
            #expect(try await Self.run(["migrate"], directory).status == 0)
            let created = try await Self.run(["keys", "create", "--name", "ops; DROP TABLE api_keys;--", "--role", "admin", "--rpm", "50"], directory)
            #expect(created.status == 0)
            let secret = String(try #require(created.stdout.split(separator: "\n").last))
            #expect(secret.hasPrefix("ck_") && secret.count > 40)
            let listed = try await Self.run(["keys", "list"], directory)
            #expect(listed.stdout.contains("ops; DROP TABLE api_keys;--"))
            #expect(!listed.stdout.contains(secret.suffix(20)))
            #expect(listed.stdout.contains("rpm=50"))
            // When the server runs
            let server = try ConciergeProcess(["serve"], environment: Self.environment(directory), directory: directory)
            let port = try await server.waitUntilServing()
            // Then the key opens /admin, a missing one does not, and the limit headers are there
            let ok = try await HTTPProbe.request(port: port, "/admin/keys", headers: Self.bearer(secret))
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("RateLimit-Limit")!] == "50")
            #expect(!ok.body.contains(secret.suffix(20)))
            #expect(try await HTTPProbe.request(port: port, "/admin/keys").status == .unauthorized)
            // And revoking it on the command line (another process) closes it within the key cache's lifetime (5 s)
            let id = String(secret.dropFirst(3).prefix(8))
            #expect(try await Self.run(["keys", "revoke", id], directory).stdout == "Revoked key \(id).\n")
            #expect(try await eventually(timeout: .seconds(8), every: .milliseconds(500)) {
                try await HTTPProbe.request(port: port, "/admin/keys", headers: Self.bearer(secret)).status == .unauthorized
            })
            server.signal(SIGTERM)
            _ = await server.waitForExit(timeout: .seconds(15))
        }
    }

    @Test func authOffOnLoopbackWarnsAtStartAndLetsLocalCallsIn() async throws {
        try await TemporaryDirectory.with { directory in
            var environment = Self.environment(directory)
            environment["CONCIERGE_AUTH"] = "off"
            let server = try ConciergeProcess(["serve"], environment: environment, directory: directory)
            let port = try await server.waitUntilServing()
            #expect(try await HTTPProbe.request(port: port, "/admin/keys").status == .ok)
            #expect(server.logLines.contains { $0["level"] as? String == "warning" && ($0["message"] as? String)?.contains("Authentication is off") == true })
            server.signal(SIGTERM)
            _ = await server.waitForExit(timeout: .seconds(15))
        }
    }

    @Test func authOffIsRefusedOffLoopback() async throws {
        try await TemporaryDirectory.with { directory in
            var environment = Self.environment(directory)
            environment["CONCIERGE_AUTH"] = "off"
            environment["CONCIERGE_HOST"] = "0.0.0.0"
            let result = try await ConciergeProcess.run(["check-config"], environment: environment, directory: directory)
            #expect(result.status != 0)
            #expect((result.stdout + result.stderr).contains("CONCIERGE_AUTH"))
        }
    }
}
