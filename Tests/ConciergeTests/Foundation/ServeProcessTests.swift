import ConciergeStoreSQLite
import ConciergeTestSupport
import Foundation
import HTTPTypes
import GRDB
import Logging
import Testing

/// The real binary, as an operator runs it: start, answer, drain on SIGTERM, exit 0.
@Suite struct ServeProcessTests {
    static func environment(_ directory: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["CONCIERGE_PORT": "0", "CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_SHUTDOWN_DELAY_S": "1.5",
         "CONCIERGE_DRAIN_TIMEOUT_S": "8"].merging(extra) { _, new in new }
    }

    /// Starts `serve`, checks the three operational endpoints, then SIGTERMs it and checks the drain.
    static func checkLifecycle(directory: String, environment: [String: String], backend: String) async throws {
        let server = try ConciergeProcess(["serve"], environment: environment, directory: directory)
        let port = try await server.waitUntilServing()

        let health = try await HTTPProbe.request(port: port, "/health")
        #expect(health.status == .ok)
        #expect(health.body == #"{"status":"ok"}"#)
        let ready = try await HTTPProbe.request(port: port, "/health/ready")
        #expect(ready.status == .ok)
        #expect(ready.json["status"] as? String == "healthy")
        #expect(((ready.json["checks"] as? [String: Any])?["database"] as? [String: Any])?["status"] as? String == "ok")
        let metrics = try await HTTPProbe.request(port: port, "/metrics").body
        #expect(metrics.contains(#"concierge_http_requests_total{method="GET",route="/health",status="200"} 1"#))
        #expect(metrics.contains("process_resident_memory_bytes"))
        let serving = server.logLines.first { ($0["message"] as? String) == "Serving" }
        #expect(serving?["db.backend"] as? String == backend)

        // SIGTERM: readiness turns 503 at once while the server still answers, then the process exits 0.
        let signalled = ContinuousClock.now
        server.signal(SIGTERM)
        let drainingSeen = await eventually(timeout: .seconds(1), every: .milliseconds(10)) {
            (try? await HTTPProbe.request(port: port, "/health/ready", timeout: .seconds(1)).status) == .serviceUnavailable
        }
        #expect(drainingSeen, "readiness did not turn 503 after SIGTERM")
        let status = await server.waitForExit(timeout: .seconds(12))
        #expect(status == 0, "exit status \(String(describing: status)); stderr: \(server.errorOutput)")
        #expect(ContinuousClock.now - signalled < .seconds(8 + 2), "did not stop within the drain timeout")
        #expect(server.logLines.contains { ($0["message"] as? String) == "Stopped" })
        // Every log line is JSON with the required fields.
        for line in server.output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["timestamp"] != nil && object["level"] != nil && object["service"] != nil && object["message"] != nil)
        }
    }

    @Test func sqliteServerLivesAndDrains() async throws {
        try await TemporaryDirectory.with { directory in
            try await Self.checkLifecycle(directory: directory, environment: Self.environment(directory), backend: "sqlite")
            #expect(FileManager.default.fileExists(atPath: "\(directory)/data/concierge.sqlite"))
            // A clean stop checkpointed the WAL and removed it: the database is one file again
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/data/concierge.sqlite-wal"))
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/data/concierge.sqlite-shm"))
        }
    }

    @Test func postgresServerLivesAndDrains() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TemporaryDirectory.with { directory in
                try await Self.checkLifecycle(
                    directory: directory, environment: Self.environment(directory, ["DATABASE_URL": url]), backend: "postgres"
                )
            }
        }
    }

    @Test func newerSchemaIsRefusedAndLeftAlone() async throws {
        try await TemporaryDirectory.with { directory in
            let env = Self.environment(directory)
            let migrated = try await ConciergeProcess.run(["migrate"], environment: env, directory: directory)
            #expect(migrated.status == 0)
            #expect(migrated.stdout.contains("Applied migration 1 create_metadata"))
            let again = try await ConciergeProcess.run(["migrate"], environment: env, directory: directory)
            #expect(again.stdout.contains("Schema is up to date"))

            let database = try DatabaseQueue(path: "\(directory)/data/concierge.sqlite")
            try await database.write { try $0.execute(sql: "INSERT INTO schema_migrations VALUES (999, 'future', 0)") }
            try database.close()

            for command in ["serve", "migrate"] {
                let refused = try await ConciergeProcess.run([command], environment: env, directory: directory)
                #expect(refused.status == 1, "\(command) exit \(refused.status)")
                #expect(refused.stderr.contains("schema version 999 is newer than this binary knows"), "\(refused.stderr)")
            }
            let reopened = try DatabaseQueue(path: "\(directory)/data/concierge.sqlite")
            let versions = try await reopened.read { try Int.fetchAll($0, sql: "SELECT version FROM schema_migrations ORDER BY version") }
            #expect(versions.last == 999)
            #expect(versions.count == SQLiteStore.knownMigrations.count + 1)
        }
    }

    @Test(arguments: [
        ["CONCIERGE_PORT": "99999"], ["CONCIERGE_LOG_LEVEL": "loud"], ["DATABASE_URL": "::not a url::"],
        ["CONCIERGE_LOG_FORMAT": "xml"], ["CONCIERGE_MAX_BODY_BYTES": "lots"],
    ])
    func checkConfigCatchesWrongSetting(_ wrong: [String: String]) async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await ConciergeProcess.run(["check-config"], environment: Self.environment(directory, wrong), directory: directory)
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains(wrong.keys.first!) == true, "\(result.stdout)")
            // serve refuses to start with the same setting, naming it in one line.
            let serve = try await ConciergeProcess.run(["serve"], environment: Self.environment(directory, wrong), directory: directory)
            #expect(serve.status == 1)
            #expect(serve.stderr.split(separator: "\n").count == 1)
            #expect(serve.stderr.contains(wrong.keys.first!))
        }
    }

    @Test func checkConfigPassesAndReportsUnreachableDatabase() async throws {
        try await TemporaryDirectory.with { directory in
            let good = try await ConciergeProcess.run(["check-config"], environment: Self.environment(directory), directory: directory)
            #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/data/concierge.sqlite"), "check-config must not create the database")

            let unreachable = Self.environment(directory, ["DATABASE_URL": "postgres://concierge:hunter2secret@127.0.0.1:1/concierge?sslmode=disable"])
            let bad = try await ConciergeProcess.run(["check-config"], environment: unreachable, directory: directory)
            #expect(bad.status == 1)
            #expect(bad.stdout.hasPrefix("problem: database:"), "\(bad.stdout)")
            #expect(!bad.stdout.contains("hunter2secret") && !bad.stderr.contains("hunter2secret"))
        }
    }

    @Test(arguments: [[], ["serve"], ["migrate"], ["backup"], ["check-config"], ["version"]])
    func everyCommandHasHelp(_ command: [String]) async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await ConciergeProcess.run(command + ["--help"], environment: [:], directory: directory)
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }
}
