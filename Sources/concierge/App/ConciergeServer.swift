import ConciergeCore
import ConciergeHTTP
import ConciergeJobs
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root of `concierge serve`: builds the store, the job workers, the HTTP application and the
/// services, and runs them in one `ServiceGroup` that drains on SIGTERM/SIGINT.
struct ConciergeServer {
    let configuration: AppConfiguration
    let logger: Logger
    let registry: PrometheusCollectorRegistry
    /// Routes added after the production ones; tests use it for slow or failing endpoints.
    var extraRoutes: @Sendable (Router<AppRequestContext>) -> Void = { _ in }
    /// Called with the bound port once the server listens.
    var onServing: @Sendable (Int) -> Void = { _ in }

    init(configuration: AppConfiguration, logger: Logger, registry: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
    }

    /// Everything `serve` runs, ready to start: the group and the store to close after it ends.
    struct Assembly {
        let group: ServiceGroup
        let store: any Store
        /// Every route the server answers.
        let routes: RouteRegistry
    }

    func assemble(signals: Bool = true) throws -> Assembly {
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
        let router = buildRouter(dependencies) { router in
            JobsAdminController(jobs: jobs.store, token: configuration.adminToken).register(on: router)
            extraRoutes(router)
        }
        let application = buildApplication(router: router, store: opened.store, schema: schema)
        // Dependency order; the group shuts down in reverse: DrainGate, HTTP, workers, notifications, database.
        var services: [any Service] = []
        if let storeService = opened.service { services.append(storeService) }
        if let listener = jobs.service { services.append(listener) }
        if let worker { services.append(SchemaGatedService(gate: schema, inner: worker)) }
        services.append(SchemaGatedService(gate: schema, inner: JobsComposition.sweeper(configuration, store: jobs.store, logger: logger)))
        services.append(application)
        services.append(DrainGate(readiness: readiness, delay: .seconds(configuration.shutdownDelaySeconds), logger: logger))
        let groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
            cancellationSignals: [],
            logger: logger
        ).withShutdownBound(seconds: configuration.drainTimeoutSeconds)
        return Assembly(group: ServiceGroup(configuration: groupConfiguration), store: opened.store, routes: dependencies.routes)
    }

    func run() async throws {
        let assembly = try assemble()
        do {
            try await assembly.group.run()
        } catch {
            try? await assembly.store.close()
            throw error
        }
        try await assembly.store.close()
        logger.info("Stopped")
    }

    /// The HTTP application; migrations run before it listens, then the schema gate lets the workers start.
    func buildApplication(router: Router<AppRequestContext>, store: any Store, schema: SchemaGate) -> some Service {
        var application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { [logger, configuration, onServing] channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info(
                    "Serving",
                    metadata: [
                        "http.address": .string("\(configuration.host):\(port)"),
                        "db.backend": .string(store.backend.rawValue),
                        "version": .string(ConciergeVersion.current),
                    ]
                )
                onServing(port)
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
