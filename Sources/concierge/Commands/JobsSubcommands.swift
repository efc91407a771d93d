import ArgumentParser
import ConciergeCore
import Foundation

struct JobsStatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Per-queue counts and the oldest waiting job's age.")
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let counts = try await JobsCommand.withJobStore(options) { try await $0.counts() }
        let p = JobsCommand.pad
        print(p("QUEUE", 16) + p("WAITING", 9) + p("SCHEDULED", 10) + p("ACTIVE", 8) + p("COMPLETED", 11) + p("FAILED", 8) + p("DEAD", 7)
            + "OLDEST_WAITING_S")
        for c in counts {
            print(p(c.queue, 16) + p("\(c.waiting)", 9) + p("\(c.scheduled)", 10) + p("\(c.active)", 8) + p("\(c.completed)", 11)
                + p("\(c.failed)", 8) + p("\(c.dead)", 7) + (c.oldestWaitingAgeSeconds.map { String(format: "%.3f", $0) } ?? "-"))
        }
    }
}

struct JobsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List jobs, newest first.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "Only this state: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).") var state: String?
    @Option(help: "Jobs per page (1-500).") var limit = 50
    @Option(help: "Jobs with an id below this one (the next-page cursor printed last).") var before: Int64?

    func run() async throws {
        var parsed: JobState?
        if let state {
            guard let value = JobState(rawValue: state) else { throw ValidationError("unknown state '\(state)'") }
            parsed = value
        }
        let query = JobListQuery(queue: queue, state: parsed, limit: limit, before: before)
        let page = try await JobsCommand.withJobStore(options) { try await $0.list(query) }
        JobsCommand.printTable(page.jobs)
        if let next = page.nextCursor { print("next page: --before \(next)") }
    }
}

struct JobsDeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead", abstract: "List dead-lettered jobs.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "Only this queue.") var queue: String?
    @Option(help: "Jobs per page (1-500).") var limit = 50

    func run() async throws {
        let query = JobListQuery(queue: queue, state: .dead, limit: limit)
        JobsCommand.printTable(try await JobsCommand.withJobStore(options) { try await $0.list(query) }.jobs)
    }
}

struct JobsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one job with every attempt, as JSON.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var job: JobIDArgument

    func run() async throws {
        let id = job.id
        guard let record = try await JobsCommand.withJobStore(options, { try await $0.job(id) }) else {
            printError("job \(id) does not exist")
            throw ExitCode(1)
        }
        JobsCommand.printJSON(record)
    }
}

struct JobsRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry", abstract: "Run a dead, cancelled or archived job again.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var job: JobIDArgument

    func run() async throws {
        let id = job.id
        let record = try await JobsCommand.withJobStore(options) { try await $0.retry(id) }
        print("job \(record.id) is \(record.state.rawValue)")
    }
}

struct JobsRetryAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "retry-all", abstract: "Retry every dead job of a queue.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "The queue.") var queue: String

    func run() async throws {
        let queue = self.queue
        print("retried \(try await JobsCommand.withJobStore(options) { try await $0.retryAllDead(queue: queue) }) jobs")
    }
}

struct JobsArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "archive", abstract: "Move a finished job out of the dead-letter list.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var job: JobIDArgument

    func run() async throws {
        let id = job.id
        let record = try await JobsCommand.withJobStore(options) { try await $0.archive(id) }
        print("job \(record.id) is \(record.state.rawValue)")
    }
}

struct JobsCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a queued job, or ask a running one to stop.")
    @OptionGroup var options: ConfigOptions
    @OptionGroup var job: JobIDArgument

    func run() async throws {
        let id = job.id
        let record = try await JobsCommand.withJobStore(options) { try await $0.cancel(id) }
        print(record.state == .cancelled ? "job \(record.id) is cancelled" : "job \(record.id) is running; its worker stops it at the next heartbeat")
    }
}

struct JobsCleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cleanup", abstract: "Delete finished jobs older than N days.")
    @OptionGroup var options: ConfigOptions
    @Option(name: .customLong("older-than-days"), help: "Age in days of the finished jobs to delete.") var days: Double

    func validate() throws {
        guard days >= 0 else { throw ValidationError("--older-than-days must not be negative") }
    }

    func run() async throws {
        let days = self.days
        let deleted = try await JobsCommand.withJobStore(options) { jobs in
            try await jobs.deleteFinished(before: jobs.clock.now().addingTimeInterval(-days * 86_400))
        }
        print("deleted \(deleted) jobs")
    }
}

struct JobsReleaseStaleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release-stale", abstract: "Release the leases of jobs running longer than N seconds (the attempt counts as lost)."
    )
    @OptionGroup var options: ConfigOptions
    @Option(name: .customLong("older-than-seconds"), help: "Running time after which a job counts as stuck.") var seconds: Double

    func validate() throws {
        guard seconds >= 1 else { throw ValidationError("--older-than-seconds must be at least 1") }
    }

    func run() async throws {
        let age = Duration.milliseconds(Int64(seconds * 1000))
        print("released \(try await JobsCommand.withJobStore(options) { try await $0.releaseStale(olderThan: age) }) jobs")
    }
}

struct JobsEnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enqueue", abstract: "Put a job on a queue and print its id.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "The queue.") var queue: String
    @Option(help: "The JSON payload.") var payload = "{}"
    @Option(help: "Higher runs first.") var priority = 0
    @Option(name: .customLong("delay-s"), help: "Seconds before the job may start.") var delay: Double?
    @Option(name: .customLong("max-attempts"), help: "Attempts before the job is dead-lettered.") var maxAttempts = EnqueueRequest.defaultMaxAttempts
    @Option(name: .customLong("idempotency-key"), help: "Enqueuing again with this key returns the existing job.") var idempotencyKey: String?
    @Option(help: "Enqueue this many identical jobs in one transaction (no idempotency key).") var count = 1

    func run() async throws {
        let (queue, payload, priority, delay, maxAttempts, key, count) = (queue, payload, priority, delay, maxAttempts, idempotencyKey, count)
        guard count >= 1, count == 1 || key == nil else { throw ValidationError("--count must be at least 1 and cannot be used with --idempotency-key") }
        let results = try await JobsCommand.withJobStore(options) { jobs in
            let runAt = delay.map { jobs.clock.now().addingTimeInterval($0) }
            let request = try EnqueueRequest(
                queue: queue, payload: payload, priority: priority, runAt: runAt, maxAttempts: maxAttempts, idempotencyKey: key
            )
            var results: [EnqueueResult] = []
            var remaining = count
            while remaining > 0 {
                let batch = min(remaining, 5_000)
                results += try await jobs.enqueue(Array(repeating: request, count: batch))
                remaining -= batch
            }
            return results
        }
        if results.count == 1, let result = results.first {
            print(result.created ? "enqueued job \(result.id)" : "job \(result.id) already exists with this idempotency key")
        } else {
            print("enqueued \(results.count) jobs (ids \(results.first?.id ?? 0)-\(results.last?.id ?? 0))")
        }
    }
}
