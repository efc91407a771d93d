import ConciergeTestSupport
import Foundation
import Testing

/// `concierge jobs …` and `concierge worker` as an operator runs them.
@Suite struct JobsCLITests {
    static func run(_ arguments: [String], _ directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await ConciergeProcess.run(arguments, environment: ["CONCIERGE_DATA_DIR": "\(directory)/data"], directory: directory)
    }

    @Test func enqueueStatsShowAndDeadLetterFromTheCommandLine() async throws {
        try await TemporaryDirectory.with { directory in
            #expect(try await Self.run(["migrate"], directory).status == 0)
            let enqueued = try await Self.run(
                ["jobs", "enqueue", "--queue", "mail", "--payload", #"{"to":"x"}"#, "--priority", "2", "--idempotency-key", "k"], directory
            )
            #expect(enqueued.status == 0)
            #expect(enqueued.stdout == "enqueued job 1\n")
            let again = try await Self.run(["jobs", "enqueue", "--queue", "mail", "--idempotency-key", "k"], directory)
            #expect(again.stdout.contains("job 1 already exists"))
            let stats = try await Self.run(["jobs", "stats"], directory)
            #expect(stats.stdout.split(separator: "\n").last?.split(separator: " ").prefix(2) == ["mail", "1"])
            let shown = try await Self.run(["jobs", "show", "1"], directory)
            #expect(shown.status == 0)
            #expect(shown.stdout.contains(#""state" : "waiting""#))
            let missing = try await Self.run(["jobs", "show", "99"], directory)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("job 99 does not exist"))
            let retried = try await Self.run(["jobs", "retry", "1"], directory)
            #expect(retried.status == 1)
            #expect(retried.stderr.contains("only dead, cancelled or archived"))
            #expect(try await Self.run(["jobs", "cancel", "1"], directory).stdout == "job 1 is cancelled\n")
            #expect(try await Self.run(["jobs", "retry", "1"], directory).stdout == "job 1 is waiting\n")
            let bad = try await Self.run(["jobs", "enqueue", "--queue", "mail", "--payload", "{nope"], directory)
            #expect(bad.status == 1 && bad.stderr.contains("payload is not valid JSON"))
        }
    }

    @Test func workerRefusesSQLiteAndPointsToServe() async throws {
        try await TemporaryDirectory.with { directory in
            let result = try await Self.run(["worker"], directory)
            #expect(result.status == 2)
            #expect(result.stderr.contains("concierge worker needs PostgreSQL"))
            #expect(result.stderr.contains("concierge serve"))
        }
    }

    @Test func everyJobsSubcommandHasHelp() async throws {
        try await TemporaryDirectory.with { directory in
            for command in ["stats", "list", "show", "dead", "retry", "retry-all", "archive", "cancel", "cleanup", "release-stale", "enqueue"] {
                let help = try await Self.run(["jobs", command, "--help"], directory)
                #expect(help.status == 0, "jobs \(command) --help")
                #expect(help.stdout.contains("USAGE: concierge jobs \(command)"))
            }
        }
    }
}
