import ConciergeCore
import ConciergeHTTP
import ConciergeJobs
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root of `concierge serve`: builds the store, the HTTP application and the services, and runs
/// them in one `ServiceGroup` that drains on SIGTERM/SIGINT.
struct ConciergeServer {
    let configuration: AppConfiguration
    let logger: Logger

    func run() async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let opened = try StoreFactory.open(configuration, logger: logger)
        let jobs = try JobsComposition.jobStore(for: opened.store)
        let worker = configuration.jobsWorkersEnabled
            ? JobsComposition.worker(configuration, store: jobs.store, metrics: PrometheusMetricsFactory(registry: registry), logger: logger)
            : nil
        let readiness = ReadinessState()
        let dependencies = HTTPDependencies(
            maxBodyBytes: configuration.maxBodyBytes,
            healthChecks: [
                DatabaseHealthCheck(store: opened.store),
                JobsHealthCheck(store: jobs.store, worker: worker, maxOldestWaiting: .seconds(configuration.jobsMaxOldestWaitingSeconds)),
            ],
            readiness: readiness,
            registry: registry
        )
        let schema = SchemaGate()
        let application = buildApplication(dependencies: dependencies, store: opened.store, schema: schema) { router in
            JobsAdminController(jobs: jobs.store, token: configuration.adminToken).register(on: router)
        }
        // Dependency order; the group shuts down in reverse: DrainGate, HTTP, workers, notifications, database.
        var services: [any Service] = []
        if let storeService = opened.service { services.append(storeService) }
        if let listener = jobs.service { services.append(listener) }
        if let worker { services.append(SchemaGatedService(gate: schema, inner: worker)) }
        services.append(SchemaGatedService(gate: schema, inner: JobsComposition.sweeper(configuration, store: jobs.store, logger: logger)))
        services.append(application)
        services.append(DrainGate(readiness: readiness, delay: .seconds(configuration.shutdownDelaySeconds), logger: logger))
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            ).withShutdownBound(seconds: configuration.drainTimeoutSeconds)
        )
        defer { logger.info("Stopped") }
        do {
            try await group.run()
        } catch {
            try? await opened.store.close()
            throw error
        }
        try await opened.store.close()
    }

    func buildApplication(
        dependencies: HTTPDependencies, store: any Store, schema: SchemaGate, extraRoutes: (Router<AppRequestContext>) -> Void
    ) -> some ApplicationProtocol {
        let router = buildRouter(dependencies, extraRoutes: extraRoutes)
        var application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { [logger, configuration] channel in
                logger.info(
                    "Serving",
                    metadata: [
                        "http.address": .string("\(configuration.host):\(channel.localAddress?.port ?? configuration.port)"),
                        "db.backend": .string(store.backend.rawValue),
                        "version": .string(ConciergeVersion.current),
                    ]
                )
            },
            logger: logger
        )
        application.beforeServerStarts { [logger] in
            let report = try await store.migrate()
            for migration in report.applied {
                logger.info("Applied migration", metadata: ["db.migration": .string("\(migration.version) \(migration.name)")])
            }
            logger.info("Schema ready", metadata: ["db.schema_version": .stringConvertible(report.version)])
            schema.open()
        }
        return application
    }
}

extension ServiceGroupConfiguration {
    /// Bounds the whole graceful shutdown by the drain timeout; past it, remaining work is cancelled.
    func withShutdownBound(seconds: Double) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int64(seconds * 1000))
        return copy
    }
}
