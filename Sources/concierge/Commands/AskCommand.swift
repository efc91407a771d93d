import ArgumentParser
import ConciergeAgents
import ConciergeCore
import Foundation
import Metrics

struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Run a task and print the answer (in-process on the configured store, or on a server with --server).",
        discussion: """
            With no model reachable the rule planner plans (arithmetic, unit conversion, time and dates, and the network \
            tools when configured). A failed run exits 1 with the reason on standard error.
            """
    )

    @Argument(help: "The task, in plain language.")
    var task: String

    @Flag(name: .long, help: "Print the whole run as JSON.")
    var json = false

    @Flag(name: .long, help: "Show the plan and each step as it happens (on standard error).")
    var verbose = false

    @Option(name: .long, help: "auto, llm or rules.")
    var planner: String = "auto"

    @Option(name: .long, help: "Submit to a running server at this base URL instead of running in-process.")
    var server: String?

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        guard let choice = TaskRequest.PlannerChoice(rawValue: planner) else {
            printError("--planner must be auto, llm or rules")
            throw ExitCode(2)
        }
        let request = TaskRequest(task: task, planner: choice)
        let run: TaskRun
        do {
            if let server {
                run = try await RemoteTasks.submit(request, server: server, verbose: verbose)
            } else {
                let configuration = try await options.load()
                run = try await LocalTasks.run(request, configuration: configuration, verbose: verbose)
            }
        } catch let error as TaskError {
            printError(error.message)
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
        if json {
            print(try Self.render(run))
        } else if let answer = run.answer?.text, run.status == .succeeded {
            print(answer)
        }
        guard run.status == .succeeded else {
            printError("task \(run.status.rawValue): \(run.error ?? "no answer")")
            throw ExitCode(1)
        }
    }

    static func render(_ run: TaskRun) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(run), as: UTF8.self)
    }

    /// One line per progress event, for `--verbose`.
    static func describe(_ event: RunEvent) -> String? {
        let data = event.data
        switch event.type {
        case "plan":
            let steps = data["steps"]?.arrayValue ?? []
            let lines = steps.map { step in
                "  \(step["id"]?.stringValue ?? "?") \(step["tool"]?.stringValue ?? "?") \(step["arguments"]?.jsonText ?? "{}")"
            }
            return (["plan (\(data["planner"]?.stringValue ?? "?")):"] + lines).joined(separator: "\n")
        case "planner_fallback": return "model planner failed, using rules: \(data["reason"]?.stringValue ?? "")"
        case "step_started": return "→ \(data["step_id"]?.stringValue ?? "") \(data["tool"]?.stringValue ?? "")"
        case "step_finished":
            let detail = data["text"]?.stringValue ?? data["error"]?.stringValue ?? ""
            return "← \(data["step_id"]?.stringValue ?? "") \(data["status"]?.stringValue ?? "") (\(data["duration_ms"]?.numberValue.map { Int($0) } ?? 0) ms): \(detail)"
        case "verification": return "verification: \(data["verdict"]?.stringValue ?? "") by \(data["method"]?.stringValue ?? "")"
        case "status": return "status: \(data["status"]?.stringValue ?? "")"
        default: return nil
        }
    }
}
