import AsyncHTTPClient
import ConciergeCore
import ConciergeHTTP
import ConciergeLLM
import Foundation
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
        let models: ModelsFactory.Built
        do {
            models = try await ModelsFactory.build(
                configuration, environment: ProcessInfo.processInfo.environment, ledger: opened.ledger, cache: opened.cache,
                metricsFactory: PrometheusMetricsFactory(registry: registry), logger: logger
            )
        } catch {
            try? await opened.store.close()
            throw error
        }
        logger.info("Models ready", metadata: [
            "llm.aliases": .string(models.setup.aliases.keys.sorted().map { "\($0)=\(models.setup.aliases[$0, default: []].joined(separator: ">"))" }.joined(separator: " ")),
        ])
        let readiness = ReadinessState()
        let dependencies = HTTPDependencies(
            maxBodyBytes: configuration.maxBodyBytes,
            healthChecks: [DatabaseHealthCheck(store: opened.store), LLMHealthCheck(router: models.router)],
            readiness: readiness,
            registry: registry
        )
        let gateway = ModelsGatewayController(chat: models.router, embeddings: models.router, catalog: models.router)
        let application = buildApplication(dependencies: dependencies, store: opened.store, gateway: gateway)
        var services: [any Service] = []
        if let storeService = opened.service { services.append(storeService) }
        if let cache = opened.cache, configuration.llmCacheTTLSeconds > 0 {
            services.append(ResponseCachePurger(cache: cache, interval: .seconds(600), logger: logger))
        }
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
            try? await models.httpClient.shutdown()
            try? await opened.store.close()
            throw error
        }
        try? await models.httpClient.shutdown()
        try await opened.store.close()
    }

    func buildApplication(dependencies: HTTPDependencies, store: any Store, gateway: ModelsGatewayController) -> some ApplicationProtocol {
        let router = buildRouter(dependencies) { router in gateway.register(on: router) }
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
