import ArgumentParser
import ConciergeCore
import Foundation

/// `concierge jobs …`: the operator's view of the job queue, straight against the database.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect and repair the job queue (counts, lists, retries, cleanup, stuck leases, enqueue).",
        subcommands: [
            JobsStatsCommand.self, JobsListCommand.self, JobsShowCommand.self, JobsDeadCommand.self, JobsRetryCommand.self,
            JobsRetryAllCommand.self, JobsArchiveCommand.self, JobsCancelCommand.self, JobsCleanupCommand.self,
            JobsReleaseStaleCommand.self, JobsEnqueueCommand.self,
        ]
    )

    /// Runs `body` with the configured job store; prints one line and exits 1 on any error.
    static func withJobStore<T: Sendable>(_ options: ConfigOptions, _ body: @escaping @Sendable (any JobStore) async throws -> T) async throws -> T {
        let configuration = try await options.load()
        do {
            return try await StoreFactory.withStore(configuration, logger: LoggingBootstrap.quiet()) { store in
                guard try await store.appliedMigrations().contains(where: { $0.version == 2 }) else {
                    throw JobsError.invalidRequest("the job tables do not exist yet: run `concierge migrate` first")
                }
                return try await body(try JobsComposition.jobStore(for: store).store)
            }
        } catch let error as JobsError {
            printError(error.message)
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }

    static func printTable(_ jobs: [JobRecord]) {
        print(pad("ID", 10) + pad("QUEUE", 16) + pad("STATE", 11) + pad("ATTEMPTS", 10) + pad("RUN_AT", 26) + "LAST_ERROR")
        for job in jobs {
            print(
                pad(String(job.id), 10) + pad(job.queue, 16) + pad(job.state.rawValue, 11)
                    + pad("\(job.attempts)/\(job.attempts + job.remainingAttempts)", 10) + pad(iso(job.runAt), 26)
                    + (job.lastError.map { String($0.prefix(80)) } ?? "")
            )
        }
    }

    static func printJSON(_ record: JobRecord) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        if let data = try? encoder.encode(record) { print(String(decoding: data, as: UTF8.self)) }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

struct JobIDArgument: ParsableArguments {
    @Argument(help: "The job id.") var id: Int64
}
