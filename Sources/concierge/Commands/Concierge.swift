import ArgumentParser

/// The `concierge` command line.
@main
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
