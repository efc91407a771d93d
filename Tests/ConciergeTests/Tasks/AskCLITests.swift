import ConciergeTestSupport
import Foundation
import Testing

/// `concierge ask` as a user runs it, with no model reachable (the rule planner answers).
@Suite struct AskCLITests {
    static func ask(_ arguments: [String], _ directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await ConciergeProcess.run(
            ["ask"] + arguments, environment: ["CONCIERGE_DATA_DIR": "\(directory)/data", "CONCIERGE_LLM_LOCAL_PORT": "9"], directory: directory
        )
    }

    @Test func answersTheAcceptanceTaskOffline() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await Self.ask(["What is 17.5% of 2,340 and what time is it in Tokyo?"], directory)
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.first == "17.5% of 2,340 = 409.5")
            #expect(lines.last?.contains("in Tokyo (Asia/Tokyo, UTC+09:00)") == true)
        }
    }

    @Test func jsonPrintsTheWholeRunAndVerboseShowsThePlanAndSteps() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await Self.ask(["--json", "--verbose", "--planner", "rules", "convert 10 km to miles"], directory)
            #expect(result.status == 0)
            let run = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(run["status"] as? String == "succeeded")
            #expect((run["steps"] as? [[String: Any]])?.first?["tool"] as? String == "unit_convert")
            #expect(result.stderr.contains("plan (rules):") && result.stderr.contains("← s1 succeeded"))
        }
    }

    @Test func aFailedRunExitsNonZeroWithTheReason() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await Self.ask(["--planner", "rules", "write a poem about the sea"], directory)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("task failed: the rule planner found nothing it can do"))
        }
    }
}
