public import ConciergeCore
public import Foundation
public import Logging

/// Routes calls by alias over a chain of deployments: retries with backoff, falls back, keeps a circuit breaker per
/// deployment, answers from the response cache, and writes one ledger row per attempt.
public final class ModelRouter: ChatModel, EmbeddingModel, ModelCatalog {
    /// A deployment and the clients that talk to it.
    public struct Deployment: Sendable {
        public var settings: DeploymentSettings
        public var chat: any ChatModel
        public var embeddings: (any EmbeddingModel)?

        public init(settings: DeploymentSettings, chat: any ChatModel, embeddings: (any EmbeddingModel)? = nil) {
            self.settings = settings
            self.chat = chat
            self.embeddings = embeddings
        }
    }

    public struct Settings: Sendable {
        public var retry: RetryPolicy
        public var breakerFailureThreshold: Int
        public var breakerCoolDown: Duration
        public var cacheTTL: Duration

        public init(
            retry: RetryPolicy = RetryPolicy(), breakerFailureThreshold: Int = 5, breakerCoolDown: Duration = .seconds(30),
            cacheTTL: Duration = .seconds(3600)
        ) {
            self.retry = retry
            self.breakerFailureThreshold = breakerFailureThreshold
            self.breakerCoolDown = breakerCoolDown
            self.cacheTTL = cacheTTL
        }
    }

    struct Entry: Sendable {
        let settings: DeploymentSettings
        let chat: any ChatModel
        let embeddings: (any EmbeddingModel)?
        let breaker: CircuitBreaker
        let limiter: ConcurrencyLimiter
        /// Its per-call metric handles.
        let series: LLMMetrics.Series
        var name: String { settings.name }
    }

    let entries: [String: Entry]
    let deploymentOrder: [String]
    public let aliases: [String: [String]]
    let ledger: (any UsageLedger)?
    let cache: (any ResponseCache)?
    let metrics: LLMMetrics
    let clock: any LLMClock
    let settings: Settings
    let logger: Logger
    let wallClock: @Sendable () -> Date

    public init(
        deployments: [Deployment], aliases: [String: [String]], ledger: (any UsageLedger)?, cache: (any ResponseCache)?,
        metrics: LLMMetrics, clock: any LLMClock = SystemLLMClock(), settings: Settings = Settings(), logger: Logger,
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var entries: [String: Entry] = [:]
        for deployment in deployments {
            let name = deployment.settings.name
            guard entries[name] == nil else { throw LLMError(.request, "deployment '\(name)' is defined twice") }
            let breaker = CircuitBreaker(
                failureThreshold: settings.breakerFailureThreshold, coolDown: settings.breakerCoolDown, clock: clock
            ) { [metrics, logger] state in
                metrics.circuit(deployment: name, open: state == .open)
                logger.notice("Circuit changed", metadata: ["llm.deployment": .string(name), "llm.circuit": .string(state.rawValue)])
            }
            metrics.circuit(deployment: name, open: false)
            entries[name] = Entry(
                settings: deployment.settings, chat: deployment.chat, embeddings: deployment.embeddings, breaker: breaker,
                limiter: ConcurrencyLimiter(limit: deployment.settings.maxConcurrency),
                series: metrics.series(deployment: name, model: deployment.settings.model)
            )
        }
        for (alias, chain) in aliases {
            guard !chain.isEmpty else { throw LLMError(.request, "alias '\(alias)' has no deployments") }
            for name in chain where entries[name] == nil {
                throw LLMError(.request, "alias '\(alias)' names unknown deployment '\(name)'")
            }
        }
        self.entries = entries
        self.deploymentOrder = deployments.map(\.settings.name)
        self.aliases = aliases
        self.ledger = ledger
        self.cache = cache
        self.metrics = metrics
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.wallClock = wallClock
    }

    /// The deployments behind an alias, or the one deployment of that name.
    func chain(for model: String) throws -> [Entry] {
        if let names = aliases[model] { return names.compactMap { entries[$0] } }
        if let entry = entries[model] { return [entry] }
        throw LLMError(.unknownModel, "model '\(model)' is not a configured alias or deployment", status: 404, param: "model", code: "model_not_found")
    }

    /// Each deployment's breaker state, for readiness and tests.
    public var circuitStates: [String: CircuitBreaker.State] {
        entries.mapValues(\.breaker.state)
    }

    public func lists(_ id: String) -> Bool {
        aliases[id] != nil || entries[id] != nil
    }

    public var modelListings: [ModelListing] {
        aliases.keys.sorted().map { ModelListing(id: $0, kind: .alias, detail: aliases[$0] ?? []) }
            + deploymentOrder.compactMap { entries[$0] }.map {
                ModelListing(id: $0.name, kind: .deployment, detail: [$0.settings.kind.rawValue, $0.settings.model])
            }
    }
}
