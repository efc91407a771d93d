import AsyncHTTPClient
import ConciergeAgents
import ConciergeCore
import ConciergeHTTP
import ConciergeJobs
import ConciergeLLM
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root of `concierge serve`: builds the store, the models, the job workers, the HTTP application
/// and the services, and runs them in one `ServiceGroup` that drains on SIGTERM/SIGINT.
struct ConciergeServer {
    let configuration: AppConfiguration
    let logger: Logger
    let registry: PrometheusCollectorRegistry
    /// Routes added after the production ones; tests use it for slow or failing endpoints.
    var extraRoutes: @Sendable (Router<AppRequestContext>) -> Void = { _ in }
    /// Called with the bound port once the server listens.
    var onServing: @Sendable (Int) -> Void = { _ in }
    /// The environment the model keys are read from.
    var environment: [String: String] = ProcessInfo.processInfo.environment

    init(configuration: AppConfiguration, logger: Logger, registry: PrometheusCollectorRegistry) {
        self.configuration = configuration
        self.logger = logger
        self.registry = registry
    }

    /// Everything `serve` runs, ready to start, and what to close after it ends.
    struct Assembly {
        let group: ServiceGroup
        let store: any Store
        let httpClient: HTTPClient
        /// Every route the server answers.
        let routes: RouteRegistry
        /// The production router's responder, for tests that walk it in `.router` mode (after migrating `store`).
        let responder: RouterResponder<AppRequestContext>
        /// The store's API key table.
        let keys: any APIKeyStore

        /// Shuts the HTTP client down and closes the store; a failure is logged, never thrown: the process is ending.
        func close(logger: Logger) async {
            do {
                try await httpClient.shutdown()
            } catch {
                logger.warning("HTTP client did not shut down cleanly", metadata: ["error.type": .string("\(type(of: error))")])
            }
            await StoreFactory.close(store, logger: logger)
        }
    }

    func assemble(signals: Bool = true) async throws -> Assembly {
        let opened = try StoreFactory.open(configuration, ledgerBehind: configuration.llmLedgerWritesBehind, logger: logger)
        let models: ModelsFactory.Built
        do {
            models = try await ModelsFactory.build(
                configuration, environment: environment, ledger: opened.ledger, cache: opened.cache, writeBehindBudgets: opened.budgets, writeBehind: true,
                metricsFactory: PrometheusMetricsFactory(registry: registry), logger: logger
            )
        } catch {
            await StoreFactory.close(opened.store, logger: logger)
            throw error
        }
        logger.info("Models ready", metadata: [
            "llm.aliases": .string(models.setup.aliases.keys.sorted().map { "\($0)=\(models.setup.aliases[$0, default: []].joined(separator: ">"))" }.joined(separator: " ")),
        ])
        let jobs = try JobsComposition.jobStore(for: opened.store)
        let runs = try TasksComposition.runStore(for: opened.store)
        let tasks = TasksComposition.service(
            configuration, runs: runs, jobs: jobs.store, model: models.router, httpClient: models.httpClient,
            metrics: PrometheusMetricsFactory(registry: registry), logger: logger
        )
        let worker = configuration.jobsWorkersEnabled
            ? JobsComposition.worker(configuration, store: jobs.store, tasks: tasks, metrics: PrometheusMetricsFactory(registry: registry), logger: logger)
            : nil
        let readiness = ReadinessState()
        // One cache for authentication and the admin routes, so a revocation through the API is seen at once.
        let keys: any APIKeyStore = configuration.authKeyCacheSeconds > 0
            ? CachingAPIKeyStore(opened.keys, ttl: .milliseconds(Int64(configuration.authKeyCacheSeconds * 1000))) : opened.keys
        let dependencies = HTTPDependencies(
            maxBodyBytes: configuration.maxBodyBytes,
            healthChecks: [
                DatabaseHealthCheck(store: opened.store),
                LLMHealthCheck(router: models.router),
                JobsHealthCheck(store: jobs.store, worker: worker, maxOldestWaiting: .seconds(configuration.jobsMaxOldestWaitingSeconds)),
            ],
            readiness: readiness,
            registry: registry,
            access: await accessControl(opened, keys: keys),
            corsOrigins: configuration.corsOrigins
        )
        let schema = SchemaGate()
        let budget = BudgetGuard(
            store: opened.budgets, estimator: models.router, defaultMaxTokens: configuration.budgetDefaultMaxTokens, barrier: models.writeBehind
        )
        let gateway = ModelsGatewayController(
            chat: models.router, embeddings: models.router, catalog: models.router, budget: budget,
            tokens: TokenRateLimiter(store: opened.rateLimits), admission: opened.admission
        )
        let router = buildRouter(dependencies) { router in
            gateway.register(on: router)
            JobsAdminController(jobs: jobs.store).register(on: router)
            KeysAdminController(keys: keys).register(on: router)
            UsageController(budgets: opened.budgets, keys: opened.keys).register(on: router)
            AuditController(log: opened.audit).register(on: router)
            TasksController(tasks: tasks).register(on: router)
            extraRoutes(router)
        }
        let application = buildApplication(router: router, store: opened.store, schema: schema)
        // Dependency order; the group shuts down in reverse: DrainGate, HTTP, workers, notifications, database.
        var services: [any Service] = []
        if let storeService = opened.service { services.append(storeService) }
        if let writeBehind = models.writeBehind {
            // Right after the store: it stops after the HTTP server and the workers have drained, before the store closes.
            services.append(SchemaGatedService(gate: schema, inner: LedgerFlusher(
                ledger: writeBehind, interval: .milliseconds(configuration.llmLedgerFlushMilliseconds),
                metrics: LedgerMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: logger
            )))
        }
        if let listener = jobs.service { services.append(listener) }
        if let cache = opened.cache, configuration.llmCacheTTLSeconds > 0 {
            services.append(SchemaGatedService(gate: schema, inner: ResponseCachePurger(cache: cache, interval: .seconds(600), logger: logger)))
        }
        if let worker { services.append(SchemaGatedService(gate: schema, inner: worker)) }
        services.append(SchemaGatedService(gate: schema, inner: JobsComposition.sweeper(configuration, store: jobs.store, logger: logger)))
        services.append(SchemaGatedService(gate: schema, inner: AuditRetentionSweeper(
            log: opened.audit, retentionDays: configuration.auditRetentionDays, interval: .seconds(3600), logger: logger
        )))
        services.append(SchemaGatedService(gate: schema, inner: TasksComposition.retentionSweeper(configuration, runs: runs, logger: logger)))
        services.append(application)
        services.append(DrainGate(readiness: readiness, delay: .seconds(configuration.shutdownDelaySeconds), logger: logger))
        let groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: signals ? [.sigterm, .sigint] : [],
            cancellationSignals: [],
            logger: logger
        ).withShutdownBound(seconds: configuration.drainTimeoutSeconds)
        return Assembly(
            group: ServiceGroup(configuration: groupConfiguration), store: opened.store, httpClient: models.httpClient,
            routes: dependencies.routes, responder: router.buildResponder(), keys: opened.keys
        )
    }

    /// API keys unless `CONCIERGE_AUTH=off` (loopback only, checked by the configuration), which warns at every start.
    func accessControl(_ opened: StoreFactory.Opened, keys: any APIKeyStore) async -> AccessControl {
        if !configuration.authEnabled {
            logger.warning("Authentication is off: every local caller is admin", metadata: ["http.host": .string(configuration.host)])
        }
        return AccessControl(
            keys: configuration.authEnabled ? keys : nil,
            rateLimits: configuration.rateLimitRequestsPerMinute > 0 ? opened.rateLimits : nil,
            defaultRequestsPerMinute: configuration.rateLimitRequestsPerMinute,
            metricsOpen: AccessControl.isLoopback(configuration.host),
            metricsToken: configuration.metricsToken,
            audit: opened.audit,
            jwt: await configuration.jwt.asyncMap { await JWTAuthenticator.make($0) } ?? nil,
            // The gateway charges the request rate in one transaction with its token rate and budget (opened.admission).
            deferredRateLimitPaths: ["/v1/chat/completions"]
        )
    }

    func run() async throws {
        let assembly = try await assemble()
        do {
            try await assembly.group.run()
        } catch {
            await assembly.close(logger: logger)
            throw error
        }
        await assembly.close(logger: logger)
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
                        "runtime.event_loops": .stringConvertible(ThreadingTuning.current?.eventLoops ?? System.coreCount),
                        "runtime.executor": .string(ThreadingTuning.current?.executor.rawValue ?? "pool"),
                    ]
                )
                onServing(port)
                if configuration.trimStartupPages {
                    Task {
                        try? await Task.sleep(for: .seconds(1))
                        let trimmed = StartupPageTrim.apply()
                        logger.debug(
                            "Released start-up code pages",
                            metadata: ["memory.mappings": .stringConvertible(trimmed.mappings), "memory.bytes": .stringConvertible(trimmed.bytes)]
                        )
                    }
                }
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
