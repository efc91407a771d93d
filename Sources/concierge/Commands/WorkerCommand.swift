import ArgumentParser
import AsyncHTTPClient
import ConciergeCore
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run job workers without HTTP (PostgreSQL only; with SQLite, `serve` runs the workers).",
        discussion: """
            Applies pending migrations, then claims and runs jobs until SIGTERM or SIGINT. On shutdown it stops claiming, \
            lets running jobs finish for CONCIERGE_JOBS_DRAIN_TIMEOUT_S, then releases the leases it still holds.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        MemoryTuning.apply()
        let configuration = try await options.load()
        guard configuration.databaseURL != nil else {
            printError(
                "concierge worker needs PostgreSQL (set DATABASE_URL). With SQLite, `concierge serve` runs the job workers in-process; "
                    + "a second process must not open the same SQLite file as a worker."
            )
            throw ExitCode(2)
        }
        let logger = LoggingBootstrap.bootstrap(configuration)
        do {
            try await runWorkers(configuration, logger: logger)
        } catch {
            logger.critical("Worker stopped", metadata: ["error.message": .string(StartupError.describe(error))])
            printError(StartupError.describe(error))
            throw ExitCode(1)
        }
    }

    private func runWorkers(_ configuration: AppConfiguration, logger: Logger) async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let opened = try StoreFactory.open(configuration, logger: logger)
        let jobs = try JobsComposition.jobStore(for: opened.store)
        let factory = PrometheusMetricsFactory(registry: registry)
        let models = try await ModelsFactory.build(
            configuration, environment: ProcessInfo.processInfo.environment, ledger: opened.ledger, cache: opened.cache,
            metricsFactory: factory, logger: logger
        )
        let runs = try TasksComposition.runStore(for: opened.store)
        let tasks = TasksComposition.service(
            configuration, runs: runs, jobs: jobs.store, model: models.router, httpClient: models.httpClient, metrics: factory, logger: logger
        )
        let worker = JobsComposition.worker(configuration, store: jobs.store, tasks: tasks, metrics: factory, logger: logger)
        let schema = SchemaGate()
        var services: [any Service] = []
        if let storeService = opened.service { services.append(storeService) }
        if let listener = jobs.service { services.append(listener) }
        services.append(MigrationService(store: opened.store, gate: schema))
        services.append(SchemaGatedService(gate: schema, inner: worker))
        services.append(SchemaGatedService(gate: schema, inner: JobsComposition.sweeper(configuration, store: jobs.store, logger: logger)))
        services.append(SchemaGatedService(gate: schema, inner: TasksComposition.retentionSweeper(configuration, runs: runs, logger: logger)))
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            ).withShutdownBound(seconds: configuration.drainTimeoutSeconds)
        )
        do {
            try await group.run()
        } catch {
            try? await models.httpClient.shutdown()
            throw error
        }
        try? await models.httpClient.shutdown()
        logger.info("Stopped")
    }
}
