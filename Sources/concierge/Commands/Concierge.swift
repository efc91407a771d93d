import ArgumentParser
import Foundation

/// The `concierge` command line.
struct Concierge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concierge",
        abstract: "Concierge: a self-hosted AI assistant server.",
        subcommands: [
            ServeCommand.self, AskCommand.self, WorkerCommand.self, JobsCommand.self, KeysCommand.self, MigrateCommand.self, BackupCommand.self,
            CheckConfigCommand.self, VersionCommand.self,
        ],
        defaultSubcommand: nil
    )
}

/// The entry point: threading is fitted to the process's CPUs before any task starts, then the command runs.
@main
enum ConciergeMain {
    static func main() async {
        do {
            try ThreadingTuning.apply(environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
        await Concierge.main()
    }
}
