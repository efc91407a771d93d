import ArgumentParser
import ConciergeCore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("concierge \(ConciergeVersion.current)")
    }
}
