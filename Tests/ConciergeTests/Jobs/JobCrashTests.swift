import ConciergeCore
import ConciergeTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The real binary, killed with SIGKILL while diagnostics jobs run, then restarted: nothing is lost.
/// Jobs sleep 4 s so that a job seen running is still running when the kill lands, even on a loaded machine.
@Suite(.serialized) struct JobCrashTests {
    /// One admin request to a running server, answered with its JSON object.
    static func admin(_ port: Int, _ method: HTTPRequest.Method = .get, _ uri: String, body: String? = nil) async throws -> [String: Any] {
        var headers = HTTPFields()
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await HTTPProbe.request(port: port, uri, method: method, headers: headers, body: body)
        let data = Data(response.body.utf8)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let object else { throw TestFailure(message: "\(method) \(uri) answered \(response.status)") }
        return object
    }

    /// The jobs the diagnostics handler recorded as completed so far.
    static func completedIDs(_ record: String) -> [Int] {
        let lines = ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n")
        return lines.compactMap { line -> Int? in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["outcome"] as? String == "completed" ? object?["job_id"] as? Int : nil
        }
    }

    static func environment(_ directory: String) -> [String: String] {
        [
            "CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_PORT": "0", "CONCIERGE_AUTH": "off", "CONCIERGE_RATE_LIMIT_RPM": "0",
            "CONCIERGE_JOBS_LEASE_S": "2", "CONCIERGE_JOBS_HEARTBEAT_S": "0.5", "CONCIERGE_JOBS_CONCURRENCY": "3",
            "CONCIERGE_JOBS_POLL_MS": "200", "CONCIERGE_SHUTDOWN_DELAY_S": "0",
        ]
    }

    @Test func everyJobReachesATerminalStateAfterSIGKILLAndRestart() async throws {
        try await TemporaryDirectory.with { directory in
            // Given a server running slow diagnostics jobs
            let first = try ConciergeProcess(["serve"], environment: Self.environment(directory), directory: directory)
            let port = try await first.waitUntilServing()
            let record = "\(directory)/runs.jsonl"
            var ids: [Int] = []
            for _ in 0..<9 {
                let job = try await Self.admin(port, .post, "/admin/jobs", body: #"{"queue":"diagnostics","payload":{"sleep_ms":4000,"record_path":"\#(record)"}}"#)
                ids.append(try #require(job["id"] as? Int))
            }
            // When it is killed while jobs are running (4 s jobs: the window between listing and the kill must stay
            // far shorter than a job, also when the whole suite loads the machine)
            var running: [Int] = []
            let started = try await eventually(timeout: .seconds(20)) {
                let page = try await Self.admin(port, .get, "/admin/jobs?queue=diagnostics&state=active")
                running = (page["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                return !running.isEmpty
            }
            #expect(started)
            first.kill(SIGKILL)
            _ = await first.waitForExit(timeout: .seconds(10))
            // On a loaded machine a job seen running may still have finished before the kill landed: leave those out
            let finishedBeforeKill = Set(Self.completedIDs(record))
            running.removeAll { finishedBeforeKill.contains($0) }
            #expect(!running.isEmpty, "no job was still running when the kill landed")
            // And restarted on the same data
            let second = try ConciergeProcess(["serve"], environment: Self.environment(directory), directory: directory)
            let secondPort = try await second.waitUntilServing()
            // Then every job completes, none is lost, and the killed ones show the lost attempt
            let finished = try await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
                let queues = try await Self.admin(secondPort, .get, "/admin/queues")["queues"] as? [[String: Any]]
                return (queues?.first?["completed"] as? Int) == ids.count
            }
            #expect(finished)
            for id in running {
                let job = try await Self.admin(secondPort, .get, "/admin/jobs/\(id)")
                let outcomes = (job["attempt_history"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
                #expect(job["state"] as? String == "completed")
                #expect(outcomes == ["lease_expired", "completed"], "job \(id): \(outcomes)")
                #expect(job["attempts"] as? Int == 2)
            }
            #expect(Set(Self.completedIDs(record)) == Set(ids))
            second.signal(SIGTERM)
            #expect(await second.waitForExit(timeout: .seconds(20)) == 0)
        }
    }
}
