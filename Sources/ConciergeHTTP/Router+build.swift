public import ConciergeCore
import Foundation
public import Hummingbird
public import Prometheus

/// Everything the HTTP layer needs, built by the composition root.
public struct HTTPDependencies: Sendable {
    public var version: String
    public var maxBodyBytes: Int
    public var healthChecks: [any HealthCheck]
    public var readiness: ReadinessState
    public var registry: PrometheusCollectorRegistry
    public var httpMetrics: HTTPMetrics
    public var processMetrics: ProcessMetrics
    public var startedAt: ContinuousClock.Instant
    public var routes: RouteRegistry
    /// Authentication, authorisation and rate limits; ``AccessControl/off`` unless the composition root sets it.
    public var access: AccessControl
    /// Origins allowed to call the API from a browser; empty: no CORS headers at all.
    public var corsOrigins: [String]

    public init(
        version: String = ConciergeVersion.current,
        maxBodyBytes: Int,
        healthChecks: [any HealthCheck],
        readiness: ReadinessState = ReadinessState(),
        registry: PrometheusCollectorRegistry,
        access: AccessControl = .off,
        corsOrigins: [String] = []
    ) {
        let factory = PrometheusMetricsFactory(registry: registry)
        self.version = version
        self.maxBodyBytes = maxBodyBytes
        self.healthChecks = healthChecks
        self.readiness = readiness
        self.registry = registry
        self.httpMetrics = HTTPMetrics(factory: factory)
        self.processMetrics = ProcessMetrics(factory: factory)
        self.startedAt = .now
        self.routes = RouteRegistry()
        self.access = access
        self.corsOrigins = corsOrigins
    }
}

/// Builds the router: middleware first, then every controller's routes. Pure, so tests call it directly.
/// `extraRoutes` lets later subsystems (and tests) add their controllers under the same middleware.
public func buildRouter(
    _ dependencies: HTTPDependencies,
    extraRoutes: (Router<AppRequestContext>) -> Void = { _ in }
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: ObservabilityMiddleware(metrics: dependencies.httpMetrics, maxBodyBytes: dependencies.maxBodyBytes))
    router.add(middleware: ErrorMiddleware(routes: dependencies.routes))
    router.add(middleware: BodyLimitMiddleware(maxBodyBytes: dependencies.maxBodyBytes))
    if !dependencies.corsOrigins.isEmpty { router.add(middleware: CORSAllowlistMiddleware(origins: dependencies.corsOrigins)) }
    router.add(middleware: AccessMiddleware(access: dependencies.access))
    HealthController(
        checks: dependencies.healthChecks,
        readiness: dependencies.readiness,
        version: dependencies.version,
        startedAt: dependencies.startedAt
    ).register(on: router)
    MetricsController(registry: dependencies.registry, process: dependencies.processMetrics).register(on: router)
    OpenAPIController().register(on: router)
    extraRoutes(router)
    dependencies.routes.capture(router)
    return router
}
