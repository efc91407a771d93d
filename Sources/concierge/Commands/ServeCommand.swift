import ArgumentParser
import Logging
import Metrics
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server (applies pending migrations first)."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        MemoryTuning.apply()
        let configuration = try await options.load()
        let logger = LoggingBootstrap.bootstrap(configuration)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        do {
            try await ConciergeServer(configuration: configuration, logger: logger, registry: registry).run()
        } catch {
            logger.critical("Server stopped", metadata: ["error.message": .string(StartupError.describe(error))])
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }
}
